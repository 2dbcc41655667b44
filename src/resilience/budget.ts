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
  const started = performance.now();
  return withDeadline(ms, work, { expired: () => exceeded(stage, ms, performance.now() - started) });
}

/**
 * withBudget for work that cannot be cancelled (a scoring batch is never aborted: that would end its
 * worker): no AbortSignal, which costs more than the timer on the hot path.
 */
export function withinBudget<T>(stage: string, ms: number, work: () => Promise<T>): Promise<T> {
  return raceDeadline(ms, work, () => exceeded(stage, ms));
}

/**
 * When a budget's timer fires late, the lateness, not the stage, is to blame. A process that was stopped
 * (SIGSTOP, a VM pause) or whose event loop was saturated (a cold start, the burst of requests queued
 * during a stop) fires its pending timers late, and every stage in flight then "times out" together while
 * the dependency's answer may already wait in its socket. So a budget that ran out more than
 * STALL_LATE_MS late is RECSCORE_STALLED, which a breaker does not count: such timeouts used to open the
 * profile breaker at start-up and after every stall, keeping personalised answers away for its half-open
 * time and longer. A dead or black-holed store still opens it: its reads fail or time out on time.
 */
export const STALL_LATE_MS = 5;

function exceeded(stage: string, ms: number, elapsed = ms): RecscoreError {
  const budget = Math.max(0, Math.round(ms));
  if (elapsed - ms > STALL_LATE_MS) {
    const message = `${stage}: the process stalled (its ${budget} ms budget ran out after ${Math.round(elapsed)} ms)`;
    return new RecscoreError('RECSCORE_STALLED', message, { stage, budgetMs: ms, elapsedMs: elapsed });
  }
  const message = `${stage} exceeded its budget of ${budget} ms`;
  return new RecscoreError('RECSCORE_BUDGET_EXCEEDED', message, { stage, budgetMs: ms });
}

/** A budget that ran out because the process itself stalled, not because the stage was slow. */
export function isStall(err: unknown): boolean {
  return isRecscoreError(err) && err.code === 'RECSCORE_STALLED';
}

/** A stage ran out of time: its own budget, or a queued request's deadline that could not be met. */
export function isTimeout(err: unknown): boolean {
  if (!isRecscoreError(err)) return false;
  return (
    err.code === 'RECSCORE_BUDGET_EXCEEDED' ||
    err.code === 'RECSCORE_DEADLINE_EXPIRED' ||
    err.code === 'RECSCORE_STALLED'
  );
}
