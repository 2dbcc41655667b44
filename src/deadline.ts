/**
 * Deadlines, in one place: every "this may take at most N ms" in recscore goes through one of two forms.
 *
 * - `withDeadline`: the work gets an AbortSignal that aborts at the deadline (with the caller's typed
 *   error as its reason) or when the caller's signal aborts (`AbortSignal.any`), and the returned promise
 *   settles at that moment even if the work ignores its signal (a client call that cannot be cancelled).
 * - `raceDeadline`: for work that cannot be cancelled at all (a started scoring batch: aborting a Piscina
 *   task ends its worker): no signal, no AbortController, only the timer.
 *
 * Both use one timer that is cleared when the work settles. `AbortSignal.timeout` would be shorter, but on
 * Node 20 it costs ~26 µs of CPU per call against ~1 µs for a cleared timer, and it cannot be cleared
 * (`node dist/bench/deadline-micro.js`); the profile budget runs on every request. Listeners are added
 * only to a caller's signal (an `addEventListener` costs ~6 µs). Both treat a budget ≤ 0 as already expired
 * (the work is not started) and a synchronous throw as the work's rejection; a late result or failure after
 * the deadline is swallowed.
 */

export interface DeadlineOptions {
  /** The rejection when the deadline passes (the caller's own typed error). */
  expired: () => unknown;
  /** The caller's signal: its abort rejects with its reason and aborts the work's signal. */
  signal?: AbortSignal;
}

/** `work` gets a signal bounded by `ms` and `opts.signal`; rejects with `opts.expired()` at the deadline. */
export function withDeadline<T>(
  ms: number,
  work: (signal: AbortSignal) => Promise<T>,
  opts: DeadlineOptions,
): Promise<T> {
  if (opts.signal?.aborted) return Promise.reject(opts.signal.reason);
  const controller = new AbortController();
  const signal = opts.signal ? AbortSignal.any([controller.signal, opts.signal]) : controller.signal;
  return race(ms, () => work(signal), opts.expired, controller, opts.signal);
}

/** Settles as `work` does if that happens within `ms`, else rejects with `expired()`; `work` runs on. */
export function raceDeadline<T>(ms: number, work: () => Promise<T>, expired: () => unknown): Promise<T> {
  // race() without its signal branches, inlined: this runs once per scored request.
  if (!(ms > 0)) return Promise.reject(expired());
  return new Promise<T>((resolve, reject) => {
    let done = false;
    const timer = setTimeout(() => {
      if (done) return;
      done = true;
      reject(expired());
    }, ms);
    let pending: Promise<T>;
    try {
      pending = work();
    } catch (e) {
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
        if (done) return; // the late failure of abandoned work is nobody's business any more
        done = true;
        clearTimeout(timer);
        reject(err);
      },
    );
  });
}

/**
 * Settles as `p` does unless `signal` aborts first; then rejects with `aborted()` (default: the signal's
 * reason). For work that takes no signal, or does not honour it promptly.
 */
export function abortable<T>(p: Promise<T>, signal: AbortSignal | undefined, aborted?: () => unknown): Promise<T> {
  if (!signal) return p;
  const reason = aborted ?? (() => signal.reason);
  if (signal.aborted) {
    p.catch(() => {}); // abandoned: its failure must not surface as an unhandled rejection
    return Promise.reject(reason());
  }
  return race(undefined, () => p, reason, undefined, signal, reason);
}

/** True if `p` fulfils within `ms`; false if it rejects or is late. Never rejects (for best-effort waits). */
export function settlesWithin(ms: number, p: Promise<unknown>): Promise<boolean> {
  return withDeadline(ms, () => p, { expired: () => undefined }).then(
    () => true,
    () => false,
  );
}

// `ms` undefined: no timer, only the parent signal bounds the work. Written for the per-request path:
// without a parent it allocates the promise, one timer and the settle callbacks, nothing more.
function race<T>(
  ms: number | undefined,
  work: () => Promise<T>,
  expired: () => unknown,
  controller?: AbortController,
  parent?: AbortSignal,
  parentAborted?: () => unknown,
): Promise<T> {
  if (ms !== undefined && !(ms > 0)) {
    const err = expired();
    controller?.abort(err);
    return Promise.reject(err);
  }
  return new Promise<T>((resolve, reject) => {
    let done = false;
    let timer: NodeJS.Timeout | undefined;
    let onParentAbort: (() => void) | undefined;
    const finish = (): boolean => {
      if (done) return false; // the late result or failure of abandoned work is nobody's business any more
      done = true;
      if (timer !== undefined) clearTimeout(timer);
      if (onParentAbort) parent!.removeEventListener('abort', onParentAbort);
      return true;
    };
    if (ms !== undefined) {
      timer = setTimeout(() => {
        if (!finish()) return;
        const err = expired();
        controller?.abort(err);
        reject(err);
      }, ms);
    }
    if (parent) {
      onParentAbort = () => finish() && reject(parentAborted ? parentAborted() : parent.reason);
      parent.addEventListener('abort', onParentAbort, { once: true });
    }
    let pending: Promise<T>;
    try {
      pending = work();
    } catch (e) {
      pending = Promise.reject(e); // a synchronous throw is the work's failure, not the caller's crash
    }
    pending.then(
      (value) => {
        if (finish()) resolve(value);
      },
      (err: unknown) => {
        if (finish()) reject(err);
      },
    );
  });
}
