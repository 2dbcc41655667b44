/**
 * TAAR's weighted draw (SPEC §2.1, §6.5): `np.random.choice(guids, min(k, n), replace=False, p)` with
 * `p_i ∝ w_i − min(w) + eps`, eps = 2.220446049250313e-16 (`np.finfo(float).eps`).
 *
 * numpy draws batches of i.i.d. indices from the renormalised remaining mass and keeps the first new
 * ones; that is the same distribution as drawing one item at a time proportionally to the remaining
 * mass, which is what this does (successive sampling). The numbers differ from numpy's (another RNG),
 * the law does not: which items appear is random, and the caller orders them by weight afterwards.
 * Cost O(k·n): with k = 10 and n ≈ 200 that is ~2,000 additions, cheaper than sorting keys.
 */
import type { WeightedList } from './contracts.js';

export const DRAW_EPSILON = 2.220446049250313e-16;

/**
 * Draws `min(k, candidates.length)` distinct entries; returns them in draw order.
 * `random` returns a float in [0, 1) (Math.random by default; tests pass a seeded one).
 * @example draw([['a', 3], ['b', 1], ['c', 2]], 2, Math.random) // e.g. [['a', 3], ['c', 2]]
 */
export function draw(candidates: WeightedList, k: number, random: () => number = Math.random): WeightedList {
  const n = candidates.length;
  const size = Math.min(k, n);
  if (size <= 0) return [];
  if (size === n) return candidates.slice();
  let min = Infinity;
  for (const [, w] of candidates) if (w < min) min = w;
  // A non-finite shifted weight (NaN/±Infinity from a broken model) would poison every sum: such an
  // entry gets the floor mass instead, so the draw still answers.
  const mass = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const m = candidates[i][1] - min + DRAW_EPSILON;
    mass[i] = Number.isFinite(m) && m > 0 ? m : DRAW_EPSILON;
  }
  const out: WeightedList = [];
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
    out.push(candidates[chosen]);
    mass[chosen] = 0;
  }
  return out;
}
