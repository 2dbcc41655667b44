/**
 * Picks the profile store backend (store.ts) from the spec string. Kept apart from the interface file:
 * each backend imports the interface, and the factory imports each backend.
 */
import { RecscoreError } from '../errors.js';
import type { Logger } from '../log.js';
import { EmbeddedProfileStore } from './embedded-store.js';
import { RedisProfileStore, type RedisStoreOptions } from './redis-store.js';
import type { ProfileStore } from './store.js';

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
  if (isRedisSpec(spec))
    return new RedisProfileStore(spec, { ...opts.redis, logger: opts.redis?.logger ?? opts.logger });
  throw new RecscoreError(
    'RECSCORE_CONFIG',
    `profile store ${JSON.stringify(spec)}: expected a file ending in .jsonl or .jsonl.bz2, or a redis:// URL`,
    { spec },
  );
}
