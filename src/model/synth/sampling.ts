import type { Prng } from './prng.js';

/** Zipf weights 1/(rank+1)^s for ranks 0 … n-1. */
export function zipfWeights(n: number, s: number): Float64Array {
  const w = new Float64Array(n);
  for (let i = 0; i < n; i++) w[i] = 1 / (i + 1) ** s;
  return w;
}

/**
 * Draws indices in proportion to fixed weights: a cumulative table and a binary search, so one draw
 * is O(log n) even over a 1M-GUID universe.
 */
export class WeightedSampler {
  readonly size: number;
  #cumulative: Float64Array;
  #total: number;

  constructor(weights: ArrayLike<number>) {
    this.size = weights.length;
    this.#cumulative = new Float64Array(weights.length);
    let acc = 0;
    for (let i = 0; i < weights.length; i++) {
      acc += weights[i];
      this.#cumulative[i] = acc;
    }
    this.#total = acc;
  }

  sample(prng: Prng): number {
    const target = prng.float() * this.#total;
    const c = this.#cumulative;
    let lo = 0;
    let hi = c.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (c[mid] > target) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  /**
   * Up to `k` distinct indices not in `exclude`, by rejection. Rejection keeps a draw O(k log n) on
   * large universes; `maxTries` bounds it when the weight is concentrated on few indices, and the
   * result is then shorter than `k` (callers document "up to").
   */
  sampleDistinct(prng: Prng, k: number, exclude?: ReadonlySet<number>, maxTries = 20 * k + 50): number[] {
    const out: number[] = [];
    const seen = new Set<number>();
    for (let tries = 0; out.length < k && tries < maxTries; tries++) {
      const i = this.sample(prng);
      if (seen.has(i) || exclude?.has(i)) continue;
      seen.add(i);
      out.push(i);
    }
    return out;
  }
}

/** Clamp and round to an int: engagement counts and row sizes are ints in TAAR's files. */
export function clampInt(x: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, Math.round(x)));
}
