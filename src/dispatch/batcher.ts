/**
 * A bounded, deadline-checked queue in front of the worker pool that turns concurrent requests into
 * batches. A hand-off to a worker costs ~80 µs, so under load many requests share one.
 *
 * - No artificial delay: a flush is scheduled with setImmediate, i.e. after the requests parsed in the
 *   current I/O phase have been queued. When all `maxInflight` slots are busy, requests wait and the
 *   next completion flushes up to `maxBatch` of them — batch size grows with load by itself.
 * - Bounded: beyond `maxQueue` waiting requests, submit() rejects at once (reason `shed`) so the caller
 *   answers from its fallback chain instead of queueing without bound.
 * - Deadlines: requests whose deadline has passed are dropped before dispatch (reason `expired`); a started
 *   batch is never aborted (aborting a Piscina task terminates its worker).
 */
import { RecscoreError } from '../errors.js';

export interface BatcherOptions {
  maxBatch: number;
  maxQueue: number;
  maxInflight: number;
  now?: () => number;
}

interface Pending<I, O> {
  item: I;
  deadline: number;
  resolve(o: O): void;
  reject(e: unknown): void;
}

export class MicroBatcher<I, O> {
  readonly #run: (items: I[]) => Promise<O[]>;
  readonly #opts: Required<BatcherOptions>;
  #queue: Array<Pending<I, O>> = [];
  #inflight = 0;
  #scheduled = false;
  #onBatch?: (size: number) => void;

  constructor(run: (items: I[]) => Promise<O[]>, opts: BatcherOptions, onBatch?: (size: number) => void) {
    for (const k of ['maxBatch', 'maxQueue', 'maxInflight'] as const) {
      if (!Number.isInteger(opts[k]) || opts[k] < 1) throw new RecscoreError('RECSCORE_CONFIG', `batcher option ${k} must be a positive integer, got ${opts[k]}`);
    }
    this.#run = run;
    this.#opts = { now: () => performance.now(), ...opts };
    this.#onBatch = onBatch;
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
      this.#queue.push({ item, deadline, resolve, reject });
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

  #flush(): void {
    const now = this.#opts.now();
    while (this.#inflight < this.#opts.maxInflight && this.#queue.length > 0) {
      const batch: Array<Pending<I, O>> = [];
      while (batch.length < this.#opts.maxBatch && this.#queue.length > 0) {
        const p = this.#queue.shift()!;
        if (p.deadline <= now) p.reject(new RecscoreError('RECSCORE_TIMEOUT', 'scoring deadline passed while queued', { reason: 'expired' }));
        else batch.push(p);
      }
      if (batch.length === 0) continue;
      this.#inflight++;
      this.#onBatch?.(batch.length);
      this.#run(batch.map((p) => p.item)).then(
        (outs) => batch.forEach((p, i) => p.resolve(outs[i])),
        (e) => batch.forEach((p) => p.reject(e)),
      ).finally(() => {
        this.#inflight--;
        this.#schedule();
      });
    }
  }

  /** Rejects everything still waiting (used on shutdown). */
  drain(reason: string): void {
    const q = this.#queue;
    this.#queue = [];
    q.forEach((p) => p.reject(new RecscoreError('RECSCORE_POOL', reason, { reason: 'closed' })));
  }
}
