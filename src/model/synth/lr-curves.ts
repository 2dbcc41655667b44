import { Prng } from './prng.js';
import type { SynthOptions } from './types.js';

/**
 * SPEC §5.5 LR curves. Production estimates two KDEs of donor-pair distances (same cluster vs different
 * cluster); we use one Gaussian for each with the vectors' shape (numerator peak ≈ 0.8, denominator
 * ≈ 1.6, x over [0, ≈4)). With σn < σd and μn/σn² < μd/σd², ln LR(x) is a concave parabola falling from
 * x = 0, so LR decreases monotonically: > 1 for small distances, < 1 for large ones.
 */
export function buildLrCurves(opts: SynthOptions): Array<[number, [number, number]]> {
  const prng = new Prng(opts.seed, 'lr-curves');
  const xMax = prng.uniform(3.8, 4.3);
  let p: Params;
  do {
    const sn = prng.uniform(0.6, 0.75);
    p = { mn: prng.uniform(0.6, 0.9), sn, md: prng.uniform(1.7, 2.1), sd: sn + prng.uniform(0.1, 0.25) };
  } while (!(p.mn / (p.sn * p.sn) < p.md / (p.sd * p.sd) && lr(p, 0) > 1 && lr(p, xMax) < 1));
  // np.arange(min, max, step): `lrPoints` values i·step, the maximum itself excluded.
  const step = xMax / opts.lrPoints;
  const out: Array<[number, [number, number]]> = [];
  for (let i = 0; i < opts.lrPoints; i++) {
    const x = i * step;
    out.push([x, [gaussian(x, p.mn, p.sn), gaussian(x, p.md, p.sd)]]);
  }
  return out;
}

interface Params {
  mn: number;
  sn: number;
  md: number;
  sd: number;
}

function lr(p: Params, x: number): number {
  return gaussian(x, p.mn, p.sn) / gaussian(x, p.md, p.sd);
}

function gaussian(x: number, mean: number, sd: number): number {
  const z = (x - mean) / sd;
  return Math.exp(-0.5 * z * z) / (sd * Math.sqrt(2 * Math.PI));
}
