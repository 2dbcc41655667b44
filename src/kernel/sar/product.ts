/** The sparse product r = a · S (SPEC §6): one affinity row times the similarity CSR into dense scores. */
import type { Csr } from '../../model/kinds/sar/types.js';

export function rowTimesSim(
  sim: Csr,
  cols: ArrayLike<number>,
  vals: ArrayLike<number>,
  out: Float64Array,
): Float64Array {
  out.fill(0);
  for (let t = 0; t < cols.length; t++) {
    const i = cols[t];
    const a = vals[t];
    for (let k = sim.rowPtr[i]; k < sim.rowPtr[i + 1]; k++) out[sim.cols[k]] += a * sim.vals[k];
  }
  return out;
}

/**
 * PY's normalize (SPEC §6): rescale r into [rmin, rmax] with the user's bounds lo = min(Â·S)·rmin and
 * hi = max(Â·S)·rmax, where Â is the affinity with every rating 1. In place; PY's operation order.
 * When hi = lo (e.g. every seen item is below the threshold, so all scores are 0) PY divides 0 by 0;
 * recscore leaves the scores as they are instead of returning NaN.
 */
export function normalizeScores(scores: Float64Array, unitScores: Float64Array, rmin: number, rmax: number): void {
  let cmin = Infinity;
  let cmax = -Infinity;
  for (let j = 0; j < unitScores.length; j++) {
    const c = unitScores[j];
    if (c < cmin) cmin = c;
    if (c > cmax) cmax = c;
  }
  const lo = cmin * rmin;
  const hi = cmax * rmax;
  const range = hi - lo;
  if (range === 0) return;
  const span = rmax - rmin;
  for (let j = 0; j < scores.length; j++) scores[j] = ((scores[j] - lo) / range) * span + rmin;
}
