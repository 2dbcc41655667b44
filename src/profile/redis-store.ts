/**
 * The Redis profile store (ioredis 5). Key encoding (written by `recscore profiles load`, see redis-keys.ts):
 *
 *   <prefix>current           → "<G>"                    the generation in service
 *   <prefix>gen:<G>:p:<id>    → JSON of client_info      one key per client (SPEC §4 shape)
 *
 * Read path: GET current (cached `generationCacheMs`, so a read is normally one round trip), then the
 * profile key through READ_PROFILE (below): a value longer than `maxProfileBytes` is never transferred. A miss
 * read through a cached generation asks for `current` once more: a load may have flipped the generation and
 * deleted the old keys within the cache window, and a client present in both sets must never look absent.
 *
 * Fail fast, recover in the background: no offline queue (a command while disconnected rejects at once),
 * `maxRetriesPerRequest: 0` (a dropped connection fails in-flight reads instead of parking them until a
 * reconnect), `commandTimeout` (a stalled server rejects), and a reconnect backoff capped at
 * `maxReconnectDelayMs` that never gives up. A command timeout also recycles the connection (#recycle).
 * Only the very first connection attempt is waited for, at most `commandTimeoutMs`. Every failure is
 * `RECSCORE_PROFILE_STORE`; a malformed or oversized stored value is `RECSCORE_PROFILE_INVALID` (it fails
 * its own request only: the guard neither counts it against the breaker nor parses it).
 *
 * Replies are not trusted: a reply nobody asked for, one of the wrong shape, or one echoing another key
 * than the one asked for is a protocol error (redis-reply-guard.ts): the read fails as a store error and
 * the connection is rebuilt, so a server out of step can neither end the process nor hand one client's
 * profile to another.
 */
import { noJitterGenerator } from 'cockatiel';
import { Redis } from 'ioredis';
import { abortable, settlesWithin } from '../deadline.js';
import { RecscoreError } from '../errors.js';
import { log as defaultLog, type Logger } from '../log.js';
import type { ClientInfo } from './client-info.js';
import { profileReply, READ_PROFILE, type ProfileReply } from './redis-profile-read.js';
import { redactUrl, redisStoreError as storeError } from './redis-errors.js';
import { guardReplies, RedisProtocolError } from './redis-reply-guard.js';
import { DEFAULT_REDIS_PREFIX, parseGeneration, redisKeys, type RedisKeys } from './redis-keys.js';
import { abortedError, closedError } from './store-errors.js';
import type { ProfileStore } from './store.js';
import { parseClientInfo } from './validate.js';

export interface RedisStoreOptions {
  /** Key prefix, default `recscore:`. */
  prefix?: string;
  /** Per-command timeout, default 200 ms. */
  commandTimeoutMs?: number;
  /** TCP connect timeout, default 1000 ms. */
  connectTimeoutMs?: number;
  /** How long the current generation number is reused, default 1000 ms. */
  generationCacheMs?: number;
  /** Cap of the reconnect backoff (50 ms doubling), default 1000 ms. */
  maxReconnectDelayMs?: number;
  /** Longest stored profile served, in bytes, default 64 KiB (DEFAULT_MAX_PROFILE_BYTES). */
  maxProfileBytes?: number;
  logger?: Logger;
}

/**
 * Why 64 KiB: a client_info is a few scalars and the installed add-on ids. TAAR's vectors' largest profile is
 * under 2 KiB; 64 KiB holds ~1,400 ids of 45 bytes (a typical GUID), far beyond real installs, while a read
 * of that size costs ~0.4–0.6 ms of JSON.parse and validation on the event loop (1,500 ids, measured here).
 */
export const DEFAULT_MAX_PROFILE_BYTES = 64 * 1024;

const DEFAULTS = {
  commandTimeoutMs: 200,
  connectTimeoutMs: 1000,
  generationCacheMs: 1000,
  maxReconnectDelayMs: 1000,
  maxProfileBytes: DEFAULT_MAX_PROFILE_BYTES,
};

function checkOptions(url: string, opts: RedisStoreOptions): typeof DEFAULTS & { prefix: string } {
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    parsed = undefined;
  }
  if (!parsed || (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') || parsed.hostname === '') {
    throw new RecscoreError(
      'RECSCORE_CONFIG',
      `profile store URL ${JSON.stringify(redactUrl(url))} is not redis://host:port[/db]`,
    );
  }
  const out = { ...DEFAULTS, prefix: opts.prefix ?? DEFAULT_REDIS_PREFIX };
  for (const name of Object.keys(DEFAULTS) as Array<keyof typeof DEFAULTS>) {
    const v = opts[name];
    if (v === undefined) continue;
    const min = name === 'generationCacheMs' ? 0 : 1;
    if (!Number.isInteger(v) || v < min)
      throw new RecscoreError('RECSCORE_CONFIG', `redis store option ${name} must be an integer ≥ ${min}`);
    out[name] = v;
  }
  if (out.prefix === '') throw new RecscoreError('RECSCORE_CONFIG', 'redis store option prefix must not be empty');
  return out;
}

export class RedisProfileStore implements ProfileStore {
  readonly kind = 'redis';
  readonly #client: Redis;
  readonly #keys: RedisKeys;
  readonly #opts: ReturnType<typeof checkOptions>;
  readonly #firstAttempt: Promise<void>;
  readonly #logger: Logger;
  #firstAttemptDone = false;
  /** Connections dropped for a protocol error since the last good read (ioredis resets its own count on ready). */
  #violations = 0;
  #healthy = false;
  #closed = false;
  #generation: { value: number | null; at: number } | null = null;

  constructor(url: string, opts: RedisStoreOptions = {}) {
    this.#opts = checkOptions(url, opts);
    this.#keys = redisKeys(this.#opts.prefix);
    const logger = (opts.logger ?? defaultLog).child({ store: 'redis', url: redactUrl(url) });
    this.#logger = logger;
    const { commandTimeoutMs, connectTimeoutMs, maxReconnectDelayMs } = this.#opts;
    this.#client = new Redis(url, {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: commandTimeoutMs,
      connectTimeout: connectTimeoutMs,
      disconnectTimeout: 200, // ioredis keeps an already-dead socket's 2 s end timer alive otherwise
      // A server that handshakes and then breaks the protocol at every read is not reconnected to at 50 ms.
      // ioredis owns the reconnect loop; cockatiel's exponential backoff (50 ms doubling) sets its delays.
      retryStrategy: (times) => {
        const attempt = Math.min(Math.max(times, this.#violations), 11);
        const backoff = { initialDelay: 50, maxDelay: maxReconnectDelayMs, exponent: 2, generator: noJitterGenerator };
        return noJitterGenerator(attempt - 1, backoff)[0];
      },
    });
    this.#client.defineCommand('recscoreReadProfile', { numberOfKeys: 1, lua: READ_PROFILE });
    guardReplies(this.#client, {
      maxReplyBytes: this.#opts.maxProfileBytes + 64 * 1024, // + the handshake's INFO reply, a few KiB
      onViolation: (err) => {
        this.#violations += 1;
        if (this.#healthy) logger.warn('profile store broke the protocol; reconnecting', { error: err });
        this.#healthy = false;
      },
    });
    this.#client.on('ready', () => {
      this.#healthy = true;
      logger.info('profile store connected');
    });
    // Logged once per outage, not once per reconnect attempt.
    this.#client.on('error', (err: Error) => {
      if (this.#healthy || !this.#firstAttemptDone) logger.warn('profile store unreachable', { error: err });
      this.#healthy = false;
    });
    this.#firstAttempt = new Promise<void>((resolve) => {
      const settle = () => {
        this.#firstAttemptDone = true;
        resolve();
      };
      this.#client.once('ready', settle);
      this.#client.once('close', settle);
    });
    this.#client.connect().catch(() => {}); // failures are reported by the 'error' event and retried
  }

  async get(clientId: string, signal?: AbortSignal): Promise<ClientInfo | null> {
    if (this.#closed) throw closedError(this.kind);
    if (signal?.aborted) throw abortedError(signal);
    const read = this.#read(clientId);
    return abortable(read, signal, () => abortedError(signal!));
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#client.status === 'ready') {
      await settlesWithin(500, this.#client.quit());
    }
    this.#client.disconnect(); // also stops reconnecting
  }

  async #read(clientId: string): Promise<ClientInfo | null> {
    await this.#awaitFirstAttempt();
    const first = await this.#currentGeneration(false);
    let got: ProfileReply = first.value === null ? { kind: 'none' } : await this.#readProfile(first.value, clientId);
    if (got.kind === 'none' && first.cached) {
      const again = await this.#currentGeneration(true);
      if (again.value !== null && again.value !== first.value) got = await this.#readProfile(again.value, clientId);
    }
    this.#violations = 0; // a well-formed reply: the connection is in step
    if (got.kind === 'none') return null;
    if (got.kind === 'size') {
      const limit = this.#opts.maxProfileBytes;
      const problem = `${got.bytes} bytes, more than the limit of ${limit}`;
      throw new RecscoreError('RECSCORE_PROFILE_INVALID', `stored profile of ${clientId}: ${problem}`, {
        clientId,
        field: '(size)',
        bytes: got.bytes,
        limit,
      });
    }
    if (got.kind === 'type') {
      const problem = `a Redis ${got.type}, not a string`;
      throw new RecscoreError('RECSCORE_PROFILE_INVALID', `stored profile of ${clientId}: ${problem}`, {
        clientId,
        field: '(type)',
      });
    }
    const raw = got.value;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch {
      throw new RecscoreError('RECSCORE_PROFILE_INVALID', `stored profile of ${clientId}: not JSON`, {
        clientId,
        field: '(profile)',
      });
    }
    return parseClientInfo(value, clientId);
  }

  async #currentGeneration(force: boolean): Promise<{ value: number | null; cached: boolean }> {
    const now = performance.now();
    const c = this.#generation;
    if (!force && c && now - c.at < this.#opts.generationCacheMs) return { value: c.value, cached: true };
    const raw: unknown = await this.#command(() => this.#client.get(this.#keys.current));
    if (raw !== null && typeof raw !== 'string')
      throw this.#protocolError(`unexpected reply to GET ${this.#keys.current}`);
    const value = parseGeneration(raw);
    if (raw !== null && value === null) {
      throw new RecscoreError(
        'RECSCORE_PROFILE_STORE',
        `redis: ${this.#keys.current} holds ${JSON.stringify(raw)}, not a generation`,
      );
    }
    this.#generation = { value, at: now };
    return { value, cached: false };
  }

  async #readProfile(generation: number, clientId: string): Promise<ProfileReply> {
    const key = this.#keys.profile(generation, clientId);
    const client = this.#client as Redis & { recscoreReadProfile(key: string, max: number): Promise<unknown> };
    const reply = await this.#command(() => client.recscoreReadProfile(key, this.#opts.maxProfileBytes));
    try {
      return profileReply(reply, key);
    } catch (e) {
      throw this.#protocolError((e as Error).message.replace(/^redis protocol error: /, ''));
    }
  }

  // The connection is out of step with its replies: rebuild it, and fail this read as a store error.
  #protocolError(problem: string): RecscoreError {
    const err = new RedisProtocolError(problem);
    this.#violations += 1;
    if (this.#healthy) this.#logger.warn('profile store broke the protocol; reconnecting', { error: err });
    this.#healthy = false;
    if (!this.#closed && this.#client.status === 'ready') this.#client.disconnect(true);
    return storeError(err, this.#opts.commandTimeoutMs);
  }

  async #awaitFirstAttempt(): Promise<void> {
    if (this.#firstAttemptDone) return;
    await settlesWithin(this.#opts.commandTimeoutMs, this.#firstAttempt);
    if (this.#client.status !== 'ready') {
      throw new RecscoreError('RECSCORE_PROFILE_STORE', `redis: not connected yet (${this.#client.status})`);
    }
  }

  async #command<T>(run: () => Promise<T>): Promise<T> {
    const status = this.#client.status;
    if (status !== 'ready') throw new RecscoreError('RECSCORE_PROFILE_STORE', `redis: not connected (${status})`);
    const started = performance.now();
    try {
      return await run();
    } catch (e) {
      if ((e as Error).message === 'Command timed out') {
        // A timer that fired far past its time means this process stalled (SIGSTOP, a blocked event loop),
        // not the server: its reply is most likely waiting in the socket, and recycling the connection would
        // fail every read until the reconnect, opening the breaker over a stall of our own. (A reply sent
        // before a stop arrives within a millisecond, so the reads a stop catches are late by nearly all of
        // it.)
        const elapsed = performance.now() - started;
        if (elapsed - this.#opts.commandTimeoutMs > this.#opts.commandTimeoutMs / 4) {
          const limit = this.#opts.commandTimeoutMs;
          const message = `redis: the process stalled (a ${limit} ms read timed out after ${Math.round(elapsed)} ms)`;
          throw new RecscoreError('RECSCORE_STALLED', message, { elapsedMs: elapsed }, { cause: e });
        }
        this.#recycle();
      }
      throw storeError(e, this.#opts.commandTimeoutMs);
    }
  }

  // A timed-out command stays in ioredis's reply queue: if its reply never comes, every later reply would be
  // matched to the command before it. A fresh connection is the only state known to be in step.
  #recycle(): void {
    if (this.#closed || this.#client.status !== 'ready') return;
    if (this.#healthy)
      this.#logger.warn('profile store timed out; reconnecting', { commandTimeoutMs: this.#opts.commandTimeoutMs });
    this.#healthy = false;
    this.#client.disconnect(true);
  }
}
