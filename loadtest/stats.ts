/**
 * Latency statistics over raw samples. autocannon's own histogram rounds to whole milliseconds, which
 * hides everything that matters at a 1–10 ms p99, so every response time is kept (a float in ms with
 * µs resolution) and percentiles are computed exactly from the sorted samples.
 */

export interface LatencySummary {
  count: number;
  mean: number;
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
}

/** A growable Float64Array: a 3 s round at 20k req/s is 60k samples, cheap to keep and sort. */
export class SampleBuffer {
  #data = new Float64Array(4096);
  #length = 0;

  get length(): number {
    return this.#length;
  }

  push(value: number): void {
    if (this.#length === this.#data.length) {
      const next = new Float64Array(this.#data.length * 2);
      next.set(this.#data);
      this.#data = next;
    }
    this.#data[this.#length++] = value;
  }

  /** A sorted copy of the samples. */
  sorted(): Float64Array {
    return this.#data.slice(0, this.#length).sort();
  }
}

/**
 * Nearest-rank percentile (the smallest sample with at least q of the samples at or below it), so a
 * reported p99 is a latency some request really had. `sorted` must be ascending; q in [0, 1].
 *
 *   percentile([1, 2, 3, 4], 0.5) === 2;  percentile([1, 2, 3, 4], 0.99) === 4
 */
export function percentile(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) return Number.NaN;
  if (q <= 0) return sorted[0];
  const rank = Math.ceil(q * sorted.length);
  return sorted[Math.min(sorted.length, rank) - 1];
}

export function summarize(sorted: ArrayLike<number>): LatencySummary {
  let sum = 0;
  for (let i = 0; i < sorted.length; i++) sum += sorted[i];
  return {
    count: sorted.length,
    mean: sorted.length ? sum / sorted.length : Number.NaN,
    p50: percentile(sorted, 0.5),
    p90: percentile(sorted, 0.9),
    p99: percentile(sorted, 0.99),
    p999: percentile(sorted, 0.999),
    max: sorted.length ? sorted[sorted.length - 1] : Number.NaN,
  };
}

/** Median of a few round values (the mean of the two middle ones for an even count). */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}
