/**
 * A bounded, deadline-checked queue in front of the worker pool that turns concurrent requests into
 * batches. A hand-off to a worker costs tens of µs of CPU on each side plus the wake-up of an idle worker
 * (~160 µs on a 2-vCPU VM), so under load many requests share one.
 *
 * - No artificial delay: a flush is scheduled with setImmediate, i.e. after the requests parsed in the
 *   current I/O phase have been queued. When all `maxInflight` slots are busy, requests wait and the
 *   next completion flushes up to `maxBatch` of them — batch size grows with load by itself.
 * - Bounded: beyond `maxQueue` waiting requests, submit() rejects at once (reason `shed`) so the caller
 *   answers from its fallback chain instead of queueing without bound.
 * - Deadlines: requests whose deadline has passed are dropped before dispatch (reason `expired`); a started
 *   batch is never aborted (aborting a Piscina task terminates its worker).
 * - Deadline-aware batch size: the run function reports the compute time of each batch; from its moving
 *   average per request, a batch is cut where its estimated finish (work already in flight + this batch)
 *   would pass the first request's deadline, and a request that cannot finish in time even alone is
 *   dropped at once (reason `expired`) instead of timing out later. On a slow model this turns "every
 *   request waits for its budget and falls back" into "as many as fit are scored, the rest answered now".
 * - The estimate always recovers. It is updated only by batches that run, so an estimate that refused
 *   everything would never come down (a SIGSTOP during a batch inflates its wall-clock compute time a
 *   hundredfold). Hence: an idle executor always takes the first waiting request as a probe, whatever the
 *   estimate says; one sample may raise the estimate at most `OUTLIER_FACTOR`-fold; and no sample counts
 *   for more than the budget of the batch's first request (deadline − submission), past which the
 *   estimate means "cannot fit" anyway.
 */
import { RecscoreError } from '../errors.js';

/** A sample may raise the estimate at most this many times (a real slowdown is still learned in a few batches). */
export const OUTLIER_FACTOR = 4;
/** Weight of a new sample in the moving average. */
const ALPHA = 0.2;

export interface BatcherOptions {
  maxBatch: number;
  maxQueue: number;
  maxInflight: number;
  /** parallel executors (workers): in-flight work is spread over them in the finish estimate */
  executors?: number;
  now?: () => number;
}

/** What a run of one batch returns: one output per item, and the compute time if known. */
export interface BatchRun<O> {
  outputs: O[];
  computeMs?: number;
}

interface Pending<I, O> {
  item: I;
  deadline: number;
  /** now() at submit: deadline − submitted is the request's budget, the bound of one cost sample */
  submitted: number;
  resolve(o: O): void;
  reject(e: unknown): void;
}

export class MicroBatcher<I, O> {
  readonly #run: (items: I[]) => Promise<BatchRun<O>>;
  readonly #opts: Required<BatcherOptions>;
  #queue: Array<Pending<I, O>> = [];
  #inflight = 0;
  #inflightItems = 0;
  /** moving average of compute ms per request (0 = not measured yet: no cap) */
  #costMs = 0;
  #scheduled = false;

  constructor(run: (items: I[]) => Promise<BatchRun<O>>, opts: BatcherOptions) {
    for (const k of ['maxBatch', 'maxQueue', 'maxInflight'] as const) {
      if (!Number.isInteger(opts[k]) || opts[k] < 1)
        throw new RecscoreError('RECSCORE_CONFIG', `batcher option ${k} must be a positive integer, got ${opts[k]}`);
    }
    this.#run = run;
    this.#opts = { now: () => performance.now(), executors: 1, ...opts };
  }

  get queueDepth(): number {
    return this.#queue.length;
  }
  get inflight(): number {
    return this.#inflight;
  }

  submit(item: I, deadline: number): Promise<O> {
    if (this.#queue.length >= this.#opts.maxQueue) {
      return Promise.reject(new RecscoreError('RECSCORE_POOL', 'scoring queue is full', { reason: 'shed' }));
    }
    return new Promise<O>((resolve, reject) => {
      this.#queue.push({ item, deadline, submitted: this.#opts.now(), resolve, reject });
      this.#schedule();
    });
  }

  #schedule(): void {
    if (this.#scheduled || this.#inflight >= this.#opts.maxInflight || this.#queue.length === 0) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      this.#flush();
    });
  }

  get costPerRequestMs(): number {
    return this.#costMs;
  }

  #flush(): void {
    const now = this.#opts.now();
    const cost = this.#costMs;
    while (this.#inflight < this.#opts.maxInflight && this.#queue.length > 0) {
      // work queued ahead of this batch on one executor, in requests
      const ahead = Math.ceil(this.#inflightItems / this.#opts.executors);
      // An idle executor probes: without it an estimate past every budget would never be measured again.
      const probe = this.#inflight < this.#opts.executors;
      const batch: Array<Pending<I, O>> = [];
      while (batch.length < this.#opts.maxBatch && this.#queue.length > 0) {
        const p = this.#queue[0];
        const finishAlone = now + cost * (ahead + 1);
        const mayProbe = probe && batch.length === 0;
        if (p.deadline <= now || (cost > 0 && finishAlone > p.deadline && !mayProbe)) {
          this.#queue.shift();
          p.reject(new RecscoreError('RECSCORE_TIMEOUT', 'scoring deadline cannot be met', { reason: 'expired' }));
          continue;
        }
        if (cost > 0 && batch.length > 0 && now + cost * (ahead + batch.length + 1) > batch[0].deadline) break;
        batch.push(this.#queue.shift()!);
      }
      if (batch.length === 0) continue;
      this.#dispatch(batch);
    }
  }

  #dispatch(batch: Array<Pending<I, O>>): void {
    this.#inflight++;
    this.#inflightItems += batch.length;
    this.#run(batch.map((p) => p.item))
      .then(
        (r) => {
          const first = batch[0];
          if (r.computeMs !== undefined) this.#measure(r.computeMs / batch.length, first.deadline - first.submitted);
          batch.forEach((p, i) => p.resolve(r.outputs[i]));
        },
        (e) => batch.forEach((p) => p.reject(e)),
      )
      .finally(() => {
        this.#inflight--;
        this.#inflightItems -= batch.length;
        this.#schedule();
      });
  }

  /** One sample (ms per request), bounded by the budget it was measured under and by OUTLIER_FACTOR × the estimate. */
  #measure(perRequestMs: number, budgetMs: number): void {
    let sample = Math.min(perRequestMs, Math.max(0, budgetMs));
    if (this.#costMs > 0) sample = Math.min(sample, OUTLIER_FACTOR * this.#costMs);
    this.#costMs = this.#costMs === 0 ? sample : (1 - ALPHA) * this.#costMs + ALPHA * sample;
  }

  /** Rejects everything still waiting (used on shutdown). */
  drain(reason: string): void {
    const q = this.#queue;
    this.#queue = [];
    q.forEach((p) => p.reject(new RecscoreError('RECSCORE_POOL', reason, { reason: 'closed' })));
  }
}
