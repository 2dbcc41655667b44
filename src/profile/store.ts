/**
 * Where client profiles come from. Two backends behind one small interface, chosen by the spec string:
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
import { RecscoreError } from '../errors.js';
import type { Logger } from '../log.js';
import type { ClientInfo } from './client-info.js';
import { EmbeddedProfileStore } from './embedded-store.js';
import { RedisProfileStore, type RedisStoreOptions } from './redis-store.js';

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

export interface ProfileStoreOptions {
  /** Options of the Redis store (ignored by the embedded one). */
  redis?: RedisStoreOptions;
  logger?: Logger;
}

export function isEmbeddedSpec(spec: string): boolean {
  return spec.endsWith('.jsonl') || spec.endsWith('.jsonl.bz2');
}

export function isRedisSpec(spec: string): boolean {
  return spec.startsWith('redis://') || spec.startsWith('rediss://');
}

/**
 * Opens the store named by `spec`. The embedded store has read its whole file when this resolves; the
 * Redis store connects in the background and never throws here for an unreachable server.
 */
export async function createProfileStore(spec: string, opts: ProfileStoreOptions = {}): Promise<ProfileStore> {
  if (isEmbeddedSpec(spec)) return EmbeddedProfileStore.load(spec, { logger: opts.logger });
  if (isRedisSpec(spec)) return new RedisProfileStore(spec, { ...opts.redis, logger: opts.redis?.logger ?? opts.logger });
  throw new RecscoreError(
    'RECSCORE_CONFIG',
    `profile store ${JSON.stringify(spec)}: expected a file ending in .jsonl or .jsonl.bz2, or a redis:// URL`,
    { spec },
  );
}
