/**
 * The embedded profile store: a whole profile file (formats in profile-lines.ts) read into a Map at start.
 * Profiles are validated once, at load; a malformed profile does not stop the load (one bad row must not
 * take every client down) but is kept as its error and answered from get() as `RECSCORE_PROFILE_INVALID`.
 * A line that is not a profile record at all does stop the load, naming the line. When a client id occurs
 * twice, the last line wins (as a second SET would in Redis).
 */
import { RecscoreError } from '../errors.js';
import { log as defaultLog, type Logger } from '../log.js';
import type { ClientInfo } from './client-info.js';
import { readProfileFile } from './profile-lines.js';
import { abortedError, closedError } from './store-errors.js';
import type { ProfileStore } from './store.js';

export interface EmbeddedStoreOptions {
  logger?: Logger;
}

function deepFreeze(info: ClientInfo): ClientInfo {
  for (const v of Object.values(info)) if (Array.isArray(v)) Object.freeze(v);
  return Object.freeze(info);
}

export class EmbeddedProfileStore implements ProfileStore {
  readonly kind = 'embedded';
  readonly #profiles: Map<string, ClientInfo | RecscoreError>;
  #closed = false;

  private constructor(profiles: Map<string, ClientInfo | RecscoreError>) {
    this.#profiles = profiles;
  }

  /** Reads `path` (`.jsonl` or `.jsonl.bz2`) completely; rejects with the first malformed line. */
  static async load(path: string, opts: EmbeddedStoreOptions = {}): Promise<EmbeddedProfileStore> {
    const logger = opts.logger ?? defaultLog;
    const started = performance.now();
    const profiles = new Map<string, ClientInfo | RecscoreError>();
    let invalid = 0;
    for await (const rec of readProfileFile(path)) {
      if (rec.error) {
        invalid += 1;
        if (invalid <= 5) logger.warn('invalid profile in file', { file: path, line: rec.line, error: rec.error });
        profiles.set(rec.clientId, rec.error);
      } else {
        profiles.set(rec.clientId, deepFreeze(rec.info));
      }
    }
    const ms = Math.round(performance.now() - started);
    logger.info('profiles loaded', { store: 'embedded', file: path, clients: profiles.size, invalid, ms });
    return new EmbeddedProfileStore(profiles);
  }

  /** A store that knows no client (a server without a TAAR model set has no profiles to read). */
  static empty(): EmbeddedProfileStore {
    return new EmbeddedProfileStore(new Map());
  }

  /** Number of client ids held (valid or not). */
  get size(): number {
    return this.#profiles.size;
  }

  async get(clientId: string, signal?: AbortSignal): Promise<ClientInfo | null> {
    if (signal?.aborted) throw abortedError(signal);
    return this.getNow(clientId);
  }

  getNow(clientId: string): ClientInfo | null {
    if (this.#closed) throw closedError(this.kind);
    const v = this.#profiles.get(clientId);
    if (v === undefined) return null;
    // A fresh error each time: a shared instance would carry the stack of the load, not of this read.
    if (v instanceof RecscoreError) throw new RecscoreError(v.code, v.message, v.details);
    return v;
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#profiles.clear();
  }
}
