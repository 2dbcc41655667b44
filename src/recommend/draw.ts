/**
 * TAAR's weighted draw (SPEC §2.1, §6.5): `np.random.choice(guids, min(k, n), replace=False, p)` with
 * `p_i ∝ w_i − min(w) + eps`, eps = 2.220446049250313e-16 (`np.finfo(float).eps`).
 *
 * numpy draws batches of i.i.d. indices from the renormalised remaining mass and keeps the first new
 * ones; that is the same distribution as drawing one item at a time proportionally to the remaining
 * mass, which is what this does (successive sampling). The numbers differ from numpy's (another RNG),
 * the law does not: which items appear is random, and the caller orders them by weight afterwards.
 * Cost O(k·n): with k = 10 and n ≈ 200 that is ~2,000 additions, cheaper than sorting keys.
 *
 * `drawIndices` works on a weight array (what a scoring worker holds: it draws where the candidate
 * list lives, so only the sample travels back); `draw` is the same law over `[guid, weight]` pairs.
 */
import type { WeightedList } from './contracts.js';

export const DRAW_EPSILON = 2.220446049250313e-16;

/**
 * Positions of `min(k, weights.length)` distinct entries, in draw order.
 * `random` returns a float in [0, 1) (Math.random by default; tests and workers pass a seeded one).
 */
export function drawIndices(weights: ArrayLike<number>, k: number, random: () => number = Math.random): Int32Array {
  const n = weights.length;
  const size = Math.max(0, Math.min(k, n));
  const out = new Int32Array(size);
  if (size === n) {
    for (let i = 0; i < n; i++) out[i] = i;
    return out;
  }
  let min = Infinity;
  for (let i = 0; i < n; i++) if (weights[i] < min) min = weights[i];
  // A non-finite shifted weight (NaN/±Infinity from a broken model) would poison every sum: such an
  // entry gets the floor mass instead, so the draw still answers.
  const mass = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const m = weights[i] - min + DRAW_EPSILON;
    mass[i] = Number.isFinite(m) && m > 0 ? m : DRAW_EPSILON;
  }
  for (let picked = 0; picked < size; picked++) {
    // Re-summed each round (as numpy re-normalises each batch) so no rounding drift builds up.
    let total = 0;
    for (let i = 0; i < n; i++) total += mass[i];
    const target = random() * total;
    let acc = 0;
    let chosen = -1;
    for (let i = 0; i < n; i++) {
      if (mass[i] === 0) continue;
      chosen = i;
      acc += mass[i];
      if (target < acc) break;
    }
    // `chosen` is the last remaining entry when rounding left target ≥ acc; never −1 because size < n.
    out[picked] = chosen;
    mass[chosen] = 0;
  }
  return out;
}

/**
 * Draws `min(k, candidates.length)` distinct entries; returns them in draw order.
 * @example draw([['a', 3], ['b', 1], ['c', 2]], 2, Math.random) // e.g. [['a', 3], ['c', 2]]
 */
export function draw(candidates: WeightedList, k: number, random: () => number = Math.random): WeightedList {
  const weights = new Float64Array(candidates.length);
  for (let i = 0; i < candidates.length; i++) weights[i] = candidates[i][1];
  return Array.from(drawIndices(weights, k, random), (i) => candidates[i]);
}

/** A uint32 seed for a draw made elsewhere (a worker's seeded PRNG) from a [0, 1) source. */
export function drawSeed(random: () => number): number {
  return Math.floor(random() * 4294967296) >>> 0;
}
