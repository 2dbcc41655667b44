/**
 * A stage's time budget. recscore keeps its own deadline rather than Hono's timeout middleware: that
 * one answers 504 while the handler keeps running; here the stage is abandoned (its signal aborted,
 * its late result or error swallowed) and the caller answers from the fallback chain at once.
 */
import { RecscoreError } from '../errors.js';

/**
 * Resolves with `work`'s result if it settles within `ms`, else rejects with
 * `RecscoreError('RECSCORE_TIMEOUT', …, { stage, budgetMs })` and aborts the signal handed to `work`.
 * `ms ≤ 0` times out without calling `work`.
 * @example await withBudget('profile', 15, (signal) => store.get(id, signal))
 */
export function withBudget<T>(stage: string, ms: number, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  return race(
    stage,
    ms,
    () => work(controller.signal),
    (err) => controller.abort(err),
  );
}

/**
 * withBudget for work that cannot be cancelled (a scoring batch is never aborted: that would end its
 * worker): no AbortController, which costs more than the timer on the hot path.
 */
export function withinBudget<T>(stage: string, ms: number, work: () => Promise<T>): Promise<T> {
  return race(stage, ms, work);
}

function race<T>(
  stage: string,
  ms: number,
  work: () => Promise<T>,
  onTimeout?: (err: RecscoreError) => void,
): Promise<T> {
  const timeout = () =>
    new RecscoreError('RECSCORE_TIMEOUT', `${stage} exceeded its budget of ${Math.max(0, Math.round(ms))} ms`, {
      stage,
      budgetMs: ms,
    });
  if (!(ms > 0)) return Promise.reject(timeout());
  return new Promise<T>((resolve, reject) => {
    let done = false;
    const timer = setTimeout(() => {
      if (done) return;
      done = true;
      const err = timeout();
      onTimeout?.(err);
      reject(err);
    }, ms);
    let pending: Promise<T>;
    try {
      pending = work();
    } catch (e) {
      // A synchronous throw is the stage's failure, not a crash of the request.
      pending = Promise.reject(e);
    }
    pending.then(
      (value) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        resolve(value);
      },
      (err: unknown) => {
        if (done) return; // the late failure of an abandoned stage is nobody's business any more
        done = true;
        clearTimeout(timer);
        reject(err);
      },
    );
  });
}

export function isTimeout(err: unknown): boolean {
  return err instanceof RecscoreError && err.code === 'RECSCORE_TIMEOUT';
}
