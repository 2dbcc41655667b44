/**
 * The status page's recent history (`GET /v1/status/series`): one sample per second over the last
 * 15 minutes of requests/s, recommendation latency p50/p99 and answers by `served_by` and by fallback
 * `reason`.
 *
 * Why it reads the Prometheus metrics instead of being fed by the request path: the request path already
 * counts all of this (recscore_http_requests_total, recscore_recommend_duration_seconds,
 * recscore_recommend_served_total, recscore_fallback_total), so a second record per request would cost
 * CPU on the hot path for nothing. Here a 1 s timer (unref'd) reads the cumulative values and keeps the
 * differences: the hot path is unchanged, and the sampler's cost (a few hundred objects per second) is
 * independent of the request rate. Quantiles are interpolated inside histogram buckets, as Prometheus's
 * `histogram_quantile` does, so they are as coarse as the buckets (src/metrics/registry.ts).
 *
 * Memory is bounded: `capacity` samples in typed arrays; label values are bounded sets (served paths,
 * fallback reasons), each with its own array allocated the first time it is seen.
 */
import type { Metrics } from './registry.js';

export const SERIES_SECONDS = 15 * 60;

/** Columns ready for a plot: `t[i]` (epoch seconds) with each column's value at i; `null`: no data. */
export interface SeriesSnapshot {
  interval_s: number;
  t: number[];
  requests_per_s: number[];
  recommend_per_s: number[];
  p50_ms: Array<number | null>;
  p99_ms: Array<number | null>;
  served_by: Record<string, number[]>;
  reason: Record<string, number[]>;
}

/** Cumulative totals since start (what the status JSON shows beside the series). */
export interface SeriesTotals {
  requests: number;
  served_by: Record<string, number>;
  reason: Record<string, number>;
}

interface Cumulative {
  requests: number;
  recommend: number;
  /** le → cumulative count, summed over served paths */
  buckets: Map<number, number>;
  servedBy: Map<string, number>;
  reason: Map<string, number>;
}

export interface SeriesOptions {
  capacity?: number;
  intervalMs?: number;
  /** Epoch ms (tests inject a clock). */
  now?: () => number;
}

export class StatusSeries {
  readonly #metrics: Metrics;
  readonly #capacity: number;
  readonly #intervalMs: number;
  readonly #now: () => number;
  readonly #t: Float64Array;
  readonly #requests: Float64Array;
  readonly #recommend: Float64Array;
  readonly #p50: Float64Array;
  readonly #p99: Float64Array;
  readonly #servedBy = new Map<string, Float64Array>();
  readonly #reason = new Map<string, Float64Array>();
  #count = 0;
  #next = 0;
  #last: Cumulative | undefined;
  #timer: NodeJS.Timeout | undefined;
  #sampling: Promise<void> | undefined;

  constructor(metrics: Metrics, opts: SeriesOptions = {}) {
    this.#metrics = metrics;
    this.#capacity = opts.capacity ?? SERIES_SECONDS;
    this.#intervalMs = opts.intervalMs ?? 1000;
    this.#now = opts.now ?? Date.now;
    this.#t = new Float64Array(this.#capacity);
    this.#requests = new Float64Array(this.#capacity);
    this.#recommend = new Float64Array(this.#capacity);
    this.#p50 = new Float64Array(this.#capacity);
    this.#p99 = new Float64Array(this.#capacity);
  }

  /** Starts the 1 s sampler (unref'd: it never keeps the process alive). Idempotent. */
  start(): void {
    if (this.#timer) return;
    void this.sample();
    this.#timer = setInterval(() => void this.sample(), this.#intervalMs).unref();
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** Takes one sample now (the timer calls it; tests call it directly). Never throws. */
  sample(): Promise<void> {
    this.#sampling ??= this.#take()
      .catch(() => undefined)
      .finally(() => {
        this.#sampling = undefined;
      });
    return this.#sampling;
  }

  async #take(): Promise<void> {
    const now = this.#now();
    const cur = await this.#read();
    const prev = this.#last;
    this.#last = cur;
    if (!prev) return; // the first reading is the baseline
    const i = this.#next;
    const seconds = this.#intervalMs / 1000;
    this.#t[i] = Math.round(now / 1000);
    // A counter never decreases; max(0) guards a registry reset (tests) from showing negative rates.
    this.#requests[i] = Math.max(0, cur.requests - prev.requests) / seconds;
    this.#recommend[i] = Math.max(0, cur.recommend - prev.recommend) / seconds;
    const delta = bucketDelta(cur.buckets, prev.buckets);
    this.#p50[i] = quantileMs(delta, 0.5);
    this.#p99[i] = quantileMs(delta, 0.99);
    this.#put(this.#servedBy, cur.servedBy, prev.servedBy, i, seconds);
    this.#put(this.#reason, cur.reason, prev.reason, i, seconds);
    this.#next = (i + 1) % this.#capacity;
    this.#count = Math.min(this.#count + 1, this.#capacity);
  }

  #put(
    columns: Map<string, Float64Array>,
    cur: Map<string, number>,
    prev: Map<string, number>,
    i: number,
    seconds: number,
  ): void {
    for (const [key, value] of cur) {
      let col = columns.get(key);
      if (!col) {
        col = new Float64Array(this.#capacity);
        columns.set(key, col);
      }
      col[i] = Math.max(0, value - (prev.get(key) ?? 0)) / seconds;
    }
    for (const [key, col] of columns) if (!cur.has(key)) col[i] = 0;
  }

  async #read(): Promise<Cumulative> {
    const m = this.#metrics;
    const [http, duration, served, fallbacks] = await Promise.all([
      m.httpRequests.get(),
      m.servedDuration.get(),
      m.served.get(),
      m.fallbacks.get(),
    ]);
    let requests = 0;
    for (const v of http.values) requests += v.value;
    const buckets = new Map<number, number>();
    let recommend = 0;
    for (const v of duration.values) {
      if (v.metricName?.endsWith('_count')) recommend += v.value;
      if (!v.metricName?.endsWith('_bucket')) continue;
      const bound = (v.labels as Record<string, unknown>).le;
      const le = bound === '+Inf' ? Number.POSITIVE_INFINITY : Number(bound);
      buckets.set(le, (buckets.get(le) ?? 0) + v.value);
    }
    const byLabel = (values: Array<{ value: number; labels: Record<string, unknown> }>, label: string) => {
      const out = new Map<string, number>();
      for (const v of values) {
        const key = String(v.labels[label]);
        out.set(key, (out.get(key) ?? 0) + v.value);
      }
      return out;
    };
    return {
      requests,
      recommend,
      buckets,
      servedBy: byLabel(served.values, 'served_by'),
      reason: byLabel(fallbacks.values, 'reason'),
    };
  }

  /** The samples in time order, oldest first. */
  snapshot(): SeriesSnapshot {
    const n = this.#count;
    const start = (this.#next - n + this.#capacity) % this.#capacity;
    const order = (col: Float64Array) => {
      const out = new Array<number>(n);
      for (let k = 0; k < n; k++) out[k] = col[(start + k) % this.#capacity];
      return out;
    };
    const nullable = (col: Float64Array) => order(col).map((v) => (Number.isNaN(v) ? null : round(v)));
    const columns = (m: Map<string, Float64Array>) =>
      Object.fromEntries([...m].sort(([a], [b]) => a.localeCompare(b)).map(([k, col]) => [k, order(col).map(round)]));
    return {
      interval_s: this.#intervalMs / 1000,
      t: order(this.#t),
      requests_per_s: order(this.#requests).map(round),
      recommend_per_s: order(this.#recommend).map(round),
      p50_ms: nullable(this.#p50),
      p99_ms: nullable(this.#p99),
      served_by: columns(this.#servedBy),
      reason: columns(this.#reason),
    };
  }

  /** Totals since start, as of the last sample. */
  totals(): SeriesTotals {
    const last = this.#last;
    return {
      requests: last?.requests ?? 0,
      served_by: Object.fromEntries(last?.servedBy ?? []),
      reason: Object.fromEntries(last?.reason ?? []),
    };
  }
}

function bucketDelta(cur: Map<number, number>, prev: Map<number, number>): Array<[number, number]> {
  return [...cur]
    .map(([le, n]): [number, number] => [le, Math.max(0, n - (prev.get(le) ?? 0))])
    .sort(([a], [b]) => a - b);
}

/**
 * The q-quantile in ms of one interval's observations, from cumulative bucket counts (sorted by bound):
 * linear inside the bucket that holds it, as Prometheus's histogram_quantile; NaN without observations.
 * In the +Inf bucket the answer is the highest finite bound (all that is known).
 */
export function quantileMs(buckets: ReadonlyArray<readonly [number, number]>, q: number): number {
  const total = buckets.length ? buckets[buckets.length - 1][1] : 0;
  if (total <= 0) return Number.NaN;
  const rank = q * total;
  let lowerBound = 0;
  let lowerCount = 0;
  for (const [le, count] of buckets) {
    if (count >= rank) {
      if (le === Number.POSITIVE_INFINITY) return lowerBound * 1000;
      const inBucket = count - lowerCount;
      const frac = inBucket > 0 ? (rank - lowerCount) / inBucket : 1;
      return (lowerBound + (le - lowerBound) * frac) * 1000;
    }
    lowerBound = le;
    lowerCount = count;
  }
  return lowerBound * 1000;
}

function round(v: number): number {
  return Math.round(v * 1000) / 1000;
}
