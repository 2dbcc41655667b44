/**
 * Where client profiles come from. Two backends behind one small interface, chosen by the spec string
 * (create-store.ts; this file holds only the interface, so the backends can import it without a cycle):
 *   `…/profiles.jsonl`, `…/profiles.jsonl.bz2`  → the embedded store (whole file in memory; demo, tests, small sets)
 *   `redis://host:port[/db]`, `rediss://…`      → the Redis store (production; filled by `recscore profiles load`)
 *
 * Contract shared by every backend (test/profile/store.case.ts runs it against each):
 * - get() resolves the client's `ClientInfo`, or null when the store has no profile for it;
 * - a stored profile of the wrong shape rejects with `RECSCORE_PROFILE_INVALID`; so does a Redis value longer
 *   than `maxProfileBytes` (64 KiB by default), which is refused without being transferred or parsed;
 * - nothing a remote store sends can throw outside the returned promise: a malformed reply is a
 *   `RECSCORE_PROFILE_STORE` rejection and the connection is rebuilt (redis-reply-guard.ts);
 * - a failing or slow store rejects with `RECSCORE_PROFILE_STORE` (never hangs past its timeout), a closed
 *   one with `RECSCORE_PROFILE_STORE_CLOSED`;
 * - an aborted `signal` rejects at once with `RECSCORE_PROFILE_READ_ABORTED`;
 * - returned objects are shared and frozen by the embedded store: treat them as read-only.
 */
import type { ClientInfo } from './client-info.js';

export interface ProfileStore {
  get(clientId: string, signal?: AbortSignal): Promise<ClientInfo | null>;
  /**
   * get() answered synchronously, by stores that hold every profile in this process (same results and
   * errors). The guard then calls it without a budget timer or breaker, which exist for remote stores.
   */
  getNow?(clientId: string): ClientInfo | null;
  close(): Promise<void>;
  readonly kind: string;
}
