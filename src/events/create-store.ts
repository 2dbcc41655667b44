/**
 * Opens the event store named by a spec, picked by scheme as the profile stores are: a directory
 * (embedded log) or a redis:// URL. Apart from store.ts so that the interface imports no implementation.
 */
import { RecscoreError } from '../errors.js';
import type { EventStore, EventStoreOptions } from './store.js';

export function isRedisEventSpec(spec: string): boolean {
  return spec.startsWith('redis://') || spec.startsWith('rediss://');
}

/** Opens the store named by `spec`: a directory (embedded) or a redis:// URL. */
export async function createEventStore(spec: string, opts: EventStoreOptions = {}): Promise<EventStore> {
  if (spec === '')
    throw new RecscoreError('RECSCORE_CONFIG', 'event store: empty spec (a directory or a redis:// URL)');
  if (isRedisEventSpec(spec)) {
    const store = new (await import('./redis-store.js')).RedisEventStore(spec, opts);
    await store.connected(); // not fatal when down: appends answer 503 until it is up
    return store;
  }
  return (await import('./embedded-store.js')).EmbeddedEventStore.open(spec, opts);
}
