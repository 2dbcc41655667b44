/**
 * A stage's time budget. recscore keeps its own deadline rather than Hono's timeout middleware: that
 * one answers 504 while the handler keeps running; here the stage is abandoned (its signal aborted,
 * its late result or error swallowed) and the caller answers from the fallback chain at once.
 */
import { raceDeadline, withDeadline } from '../deadline.js';
import { RecscoreError, isRecscoreError } from '../errors.js';

/**
 * Resolves with `work`'s result if it settles within `ms`, else rejects with
 * `RecscoreError('RECSCORE_BUDGET_EXCEEDED', …, { stage, budgetMs })` and aborts the signal handed to `work`.
 * `ms ≤ 0` times out without calling `work`.
 * @example await withBudget('profile', 15, (signal) => store.get(id, signal))
 */
export function withBudget<T>(stage: string, ms: number, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  return withDeadline(ms, work, { expired: () => exceeded(stage, ms) });
}

/**
 * withBudget for work that cannot be cancelled (a scoring batch is never aborted: that would end its
 * worker): no AbortSignal, which costs more than the timer on the hot path.
 */
export function withinBudget<T>(stage: string, ms: number, work: () => Promise<T>): Promise<T> {
  return raceDeadline(ms, work, () => exceeded(stage, ms));
}

function exceeded(stage: string, ms: number): RecscoreError {
  const message = `${stage} exceeded its budget of ${Math.max(0, Math.round(ms))} ms`;
  return new RecscoreError('RECSCORE_BUDGET_EXCEEDED', message, { stage, budgetMs: ms });
}

/** A stage ran out of time: its own budget, or a queued request's deadline that could not be met. */
export function isTimeout(err: unknown): boolean {
  return isRecscoreError(err) && (err.code === 'RECSCORE_BUDGET_EXCEEDED' || err.code === 'RECSCORE_DEADLINE_EXPIRED');
}
