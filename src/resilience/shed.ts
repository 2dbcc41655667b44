/**
 * Load shedding. The worker pool (src/dispatch/) owns the bounded queue and rejects at once with
 * `RecscoreError('RECSCORE_POOL', …, { reason: 'shed' })` when it is full; the HTTP layer turns that
 * into a 200 from the fallback chain with reason `shed` (never a 503: a client gets a useful list and
 * the pool gets air). A shed is not a scorer failure, so it never counts towards the scorer's breaker.
 */
import { RecscoreError } from '../errors.js';

export function isShed(err: unknown): boolean {
  return err instanceof RecscoreError && err.code === 'RECSCORE_POOL' && err.details?.reason === 'shed';
}

/** What the pool facade throws when its queue is full (exported so fakes and the pool agree). */
export function shedError(queueDepth?: number): RecscoreError {
  return new RecscoreError('RECSCORE_POOL', 'scoring queue is full', {
    reason: 'shed',
    ...(queueDepth !== undefined ? { queueDepth } : {}),
  });
}
