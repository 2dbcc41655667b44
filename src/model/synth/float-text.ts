/**
 * Float32 values as the item matrix carries them (SPEC §5.1): Spark writes float32 factors with
 * Java's `Float.toString`, TAAR parses that text as float64. We keep each factor as the double that
 * the shortest float32 text denotes, and print it the way Java does (`E` notation below 1e-3 and from
 * 1e7), so decoders meet the same spellings as in production files.
 */

/**
 * The double nearest to the shortest decimal that round-trips `x` as a float32.
 * @example float32Shortest(0.1) === 0.1   // while Math.fround(0.1) === 0.10000000149011612
 */
export function float32Shortest(x: number): number {
  const f = Math.fround(x);
  if (f === 0 || !Number.isFinite(f)) return f;
  return shortestByArithmetic(f) ?? shortestByText(f);
}

/** Exact powers of ten: 10^k is a double exactly for k ≤ 22, so m / 10^k is the correctly rounded decimal. */
const POW10 = Array.from({ length: 23 }, (_, k) => Number(`1e${k}`));

/**
 * Fast path (~5× faster than toPrecision on 1M-row matrices): digits m = round(f·10^k), value m / 10^k.
 * Rounding error in f·10^k can only make it miss a candidate, never accept a wrong one: every candidate
 * is checked to round back to f. Returns undefined outside the exactly-scalable range.
 */
function shortestByArithmetic(f: number): number | undefined {
  const a = Math.abs(f);
  let e = Math.floor(Math.log10(a));
  if (e < -13 || e > 8) return undefined;
  const p10 = (k: number) => (k >= 0 ? POW10[k] : 1 / POW10[-k]);
  if (p10(e) > a) e--;
  else if (p10(e + 1) <= a) e++;
  for (let p = 1; p <= 9; p++) {
    const k = p - 1 - e; // decimal places that give p significant digits
    if (k > 22) return undefined;
    // on |f|: halfway digits then round away from zero, as toPrecision does
    const m = k >= 0 ? Math.round(a * POW10[k]) / POW10[k] : Math.round(a / POW10[-k]) * POW10[-k];
    const candidate = f < 0 ? -m : m;
    if (Math.fround(candidate) === f) return candidate;
  }
  return undefined;
}

function shortestByText(f: number): number {
  let p = 1;
  while (p < 9 && Math.fround(Number(f.toPrecision(p))) !== f) p++;
  return Number(f.toPrecision(p));
}

/**
 * Java `Float.toString` spelling of a value already reduced by float32Shortest (its shortest double
 * digits are then the float32 digits). Valid JSON: `1.0E-4`, `-0.0025415283`, `3.0`.
 */
export function javaFloatText(v: number): string {
  if (v === 0) return Object.is(v, -0) ? '-0.0' : '0.0';
  if (!Number.isFinite(v)) throw new RangeError(`not a finite float: ${v}`);
  const abs = Math.abs(v);
  if (abs >= 1e-3 && abs < 1e7) {
    const s = String(v); // JS uses plain notation in this range
    return s.includes('.') ? s : `${s}.0`;
  }
  const [mantissa, exp] = v.toExponential().split('e'); // shortest digits, e.g. "1.935738e-4"
  const m = mantissa.includes('.') ? mantissa : `${mantissa}.0`;
  return `${m}E${exp.startsWith('+') ? exp.slice(1) : exp}`;
}
