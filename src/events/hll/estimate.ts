/**
 * The cardinality estimator Redis ≥ 5 uses (hyperloglog.c, hllCount): Otmar Ertl's improved raw estimator,
 * "New cardinality estimation algorithms for HyperLogLog sketches" (2017), over the histogram of register
 * values. Computed in float64 in Redis's order, then rounded half away from zero (llroundl), so for equal
 * registers the result equals PFCOUNT.
 */
export const HLL_P = 14;
export const HLL_Q = 64 - HLL_P; // 50
export const HLL_REGISTERS = 1 << HLL_P; // 16384
const ALPHA_INF = 0.7213475204444817; // 0.5 / ln 2 (Redis: 0.721347520444481703680)

function sigma(x: number): number {
  if (x === 1) return Infinity;
  let zPrime: number;
  let y = 1;
  let z = x;
  do {
    x *= x;
    zPrime = z;
    z += x * y;
    y += y;
  } while (zPrime !== z);
  return z;
}

function tau(x: number): number {
  if (x === 0 || x === 1) return 0;
  let zPrime: number;
  let y = 1.0;
  let z = 1 - x;
  do {
    x = Math.sqrt(x);
    zPrime = z;
    y *= 0.5;
    const d = 1 - x;
    z -= d * d * y; // pow(1 - x, 2) is exact-rounded in glibc: the same double as d * d
  } while (zPrime !== z);
  return z / 3;
}

/** Estimate from `histogram[v]` = number of registers holding v (length HLL_Q + 2). */
export function estimateFromHistogram(histogram: ArrayLike<number>): number {
  const m = HLL_REGISTERS;
  let z = m * tau((m - histogram[HLL_Q + 1]) / m);
  for (let j = HLL_Q; j >= 1; --j) {
    z += histogram[j];
    z *= 0.5;
  }
  z += m * sigma(histogram[0] / m);
  const e = (ALPHA_INF * m * m) / z;
  return Math.round(e); // e ≥ 0: Math.round is llround's half-away-from-zero here
}

/** Relative standard error of a 2^14-register sketch: 1.04 / √m ≈ 0.81 %. */
export const HLL_STANDARD_ERROR = 1.04 / Math.sqrt(HLL_REGISTERS);
