/**
 * Load shedding. The worker pool (src/dispatch/) owns the bounded queue and rejects at once with
 * `RECSCORE_SHED` when it is full; the HTTP layer turns that into a 200 from the fallback chain with
 * reason `shed` (never a 503: a client gets a useful list and the pool gets air). A shed is not a
 * scorer failure, so it never counts towards the scorer's breaker.
 */
import { RecscoreError, isRecscoreError } from '../errors.js';

export function isShed(err: unknown): boolean {
  return isRecscoreError(err) && err.code === 'RECSCORE_SHED';
}

/** What the pool facade throws when its queue is full (exported so fakes and the pool agree). */
export function shedError(queueDepth?: number): RecscoreError {
  const details = queueDepth !== undefined ? { queueDepth } : undefined;
  return new RecscoreError('RECSCORE_SHED', 'scoring queue is full', details);
}
