/**
 * The statistics of experiment results: Wilson score intervals for a rate, the two-proportion z-test of a
 * variant against control, and the sample-ratio-mismatch check (chi-square goodness of fit of the clients
 * per variant against the configured weights).
 */

/** Standard normal CDF (erf by Abramowitz & Stegun 7.1.26, |error| < 1.5e-7). */
export function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const y =
    1 -
    ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x);
  return z >= 0 ? (1 + y) / 2 : (1 - y) / 2;
}

const Z95 = 1.959963984540054;

/** Wilson score 95 % interval of `successes` out of `trials` (null for no trials). */
export function wilson(successes: number, trials: number): [number, number] | null {
  if (trials === 0) return null;
  const p = successes / trials;
  const z2 = Z95 * Z95;
  const denom = 1 + z2 / trials;
  const centre = (p + z2 / (2 * trials)) / denom;
  const half = (Z95 * Math.sqrt((p * (1 - p)) / trials + z2 / (4 * trials * trials))) / denom;
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}

export interface ZTest {
  difference: number;
  z: number;
  p_value: number;
  /** 95 % interval of the difference (unpooled standard error). */
  ci: [number, number];
}

/** Two-proportion z-test of b against a (pooled standard error for z). */
export function twoProportion(sa: number, na: number, sb: number, nb: number): ZTest | null {
  if (na === 0 || nb === 0) return null;
  const pa = sa / na;
  const pb = sb / nb;
  const pooled = (sa + sb) / (na + nb);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / na + 1 / nb));
  const z = se === 0 ? 0 : (pb - pa) / se;
  const seU = Math.sqrt((pa * (1 - pa)) / na + (pb * (1 - pb)) / nb);
  return {
    difference: pb - pa,
    z,
    p_value: 2 * (1 - normalCdf(Math.abs(z))),
    ci: [pb - pa - Z95 * seU, pb - pa + Z95 * seU],
  };
}

/** ln Γ(x), Lanczos (g = 7, n = 9). */
function lnGamma(x: number): number {
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - lnGamma(1 - x);
  const xx = x - 1;
  let a = c[0];
  const t = xx + 7.5;
  for (let i = 1; i < 9; i++) a += c[i] / (xx + i);
  return 0.5 * Math.log(2 * Math.PI) + (xx + 0.5) * Math.log(t) - t + Math.log(a);
}

/** Upper regularized incomplete gamma Q(s, x): series below s + 1, continued fraction above. */
function gammaQ(s: number, x: number): number {
  if (x <= 0) return 1;
  if (x < s + 1) {
    let sum = 1 / s;
    let term = sum;
    for (let n = 1; n < 500; n++) {
      term *= x / (s + n);
      sum += term;
      if (term < sum * 1e-15) break;
    }
    return 1 - sum * Math.exp(-x + s * Math.log(x) - lnGamma(s));
  }
  // Lentz's method for the continued fraction.
  let b = x + 1 - s;
  let c = 1e300;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 500; i++) {
    const an = -i * (i - s);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < 1e-300) d = 1e-300;
    c = b + an / c;
    if (Math.abs(c) < 1e-300) c = 1e-300;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-15) break;
  }
  return Math.exp(-x + s * Math.log(x) - lnGamma(s)) * h;
}

/** P(χ² with `df` degrees of freedom ≥ `x`). */
export function chiSquareP(x: number, df: number): number {
  return gammaQ(df / 2, x / 2);
}

export interface SrmCheck {
  chi_square: number;
  p_value: number;
  /** True when p < 0.001: the split is off its weights (a bug in assignment or logging, not chance). */
  mismatch: boolean;
}

export function sampleRatioMismatch(observed: readonly number[], weights: readonly number[]): SrmCheck | null {
  const n = observed.reduce((a, b) => a + b, 0);
  const total = weights.reduce((a, b) => a + b, 0);
  const cells = observed.map((o, i) => ({ o, e: (n * weights[i]) / total })).filter((c) => c.e > 0);
  if (n === 0 || cells.length < 2) return null;
  const chi = cells.reduce((a, { o, e }) => a + ((o - e) * (o - e)) / e, 0);
  const p = chiSquareP(chi, cells.length - 1);
  return { chi_square: chi, p_value: p, mismatch: p < 0.001 };
}
