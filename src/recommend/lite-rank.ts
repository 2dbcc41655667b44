/**
 * TAAR-lite's final step (SPEC §6.6): each of the 2·limit best GUIDs gets the string
 * `"{w:020.10f}.{installs:010d}"`, the list is sorted by that string descending (stable), and the first
 * `limit` are returned. Python formats the exact binary value rounded half-to-even; JS toFixed rounds
 * halves away from zero, so the digits are computed here with BigInt arithmetic.
 */
const SCALE = 10n ** 10n;

/** Python's format(w, "020.10f") for a finite double. */
export function formatFixed10Width20(w: number): string {
  if (!Number.isFinite(w)) {
    const s = Number.isNaN(w) ? 'nan' : w > 0 ? 'inf' : '-inf';
    return s.startsWith('-') ? '-' + s.slice(1).padStart(19, '0') : s.padStart(20, '0');
  }
  const neg = w < 0 || Object.is(w, -0);
  const [mant, exp] = decompose(Math.abs(w));
  let q: bigint;
  if (exp >= 0) q = (mant << BigInt(exp)) * SCALE;
  else {
    const num = mant * SCALE;
    const den = 1n << BigInt(-exp);
    q = num / den;
    const r2 = (num % den) * 2n;
    if (r2 > den || (r2 === den && (q & 1n) === 1n)) q += 1n;
  }
  const body = `${q / SCALE}.${(q % SCALE).toString().padStart(10, '0')}`;
  return neg ? '-' + body.padStart(19, '0') : body.padStart(20, '0');
}

/** |w| = mant · 2^exp exactly. */
function decompose(w: number): [bigint, number] {
  if (w === 0) return [0n, 0];
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, w);
  const hi = view.getUint32(0);
  const lo = view.getUint32(4);
  const e = (hi >>> 20) & 0x7ff;
  let mant = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  if (e === 0) return [mant, -1074];
  mant |= 1n << 52n;
  return [mant, e - 1075];
}

export function rankString(weight: number, installs: number): string {
  const n = Math.trunc(installs);
  const count = n < 0 ? '-' + String(-n).padStart(9, '0') : String(n).padStart(10, '0');
  return `${formatFixed10Width20(weight)}.${count}`;
}

/** `top`: the normalised weights best first (≤ 2·limit); returns TAAR-lite's `[[guid, rankString], …]`. */
export function liteRanking(top: Array<[string, number, number]>, limit: number): Array<[string, string]> {
  const lex = top.map(([g, w, installs]): [string, string] => [g, rankString(w, installs)]);
  // Stable descending sort on the strings (all ASCII, so UTF-16 comparison is byte order).
  lex.sort((a, b) => (a[1] < b[1] ? 1 : a[1] > b[1] ? -1 : 0));
  return lex.slice(0, limit);
}
