/**
 * TAAR-lite's load-time tables (SPEC §6.6, cache.py `_update_rank_data` / `_update_coinstall_data`),
 * computed once per model version so that a query touches at most 20 row entries. Float operations
 * follow TAAR's order exactly (sequential sums in file order).
 */
import { ModelError } from '../../../errors.js';
import { MODEL_FILES } from './files.js';

export const TAARLITE_TRUNCATE = 20; // TAARLITE_MAX_RESULTS (4) * 5
const RECURSION_LEVELS = 3;

export interface LitePrecompute {
  minInstalls: number;
  /** per key, in key file order */
  filtered: Array<Array<[string, number]>>;
  rowCount: Map<string, number>;
  countMap: Map<string, number>;
  rowNormSum: Map<string, number>;
  /** per key, guidception level-2 vector aligned with the unfiltered row */
  rec2: number[][];
}

type Row = Array<[string, number]>;

function normalise(row: Row): Row {
  let total = 0;
  for (const [, w] of row) total += w;
  return row.map(([g, w]) => [g, w / total]);
}

export function precomputeLite(coinstall: Map<string, Row>, ranking: Map<string, number>): LitePrecompute {
  let sum = 0;
  for (const v of ranking.values()) sum += v;
  // np.mean([]) is NaN: then no count passes the filter and every answer is empty, as in TAAR.
  const minInstalls = (sum / ranking.size) * 0.05;

  const filtered: Row[] = [];
  const rowCount = new Map<string, number>();
  const countMap = new Map<string, number>();
  const rowNormSum = new Map<string, number>();
  for (const [key, row] of coinstall) {
    const kept = row.filter(([, n]) => n >= minInstalls);
    // Array.prototype.sort is stable: equal counts keep file order, as Python's sorted().
    filtered.push(kept.sort((a, b) => b[1] - a[1]).slice(0, TAARLITE_TRUNCATE));
    let rowsum = 0;
    for (const [, n] of row) rowsum += n;
    if (row.length > 0 && rowsum === 0) {
      throw new ModelError(
        'RECSCORE_MODEL_CONSISTENCY',
        MODEL_FILES.coinstall,
        `row "${key}" has only zero counts (TAAR divides by its sum)`,
      );
    }
    for (const [g, n] of row) {
      countMap.set(g, (countMap.get(g) ?? 0) + n);
      rowCount.set(g, (rowCount.get(g) ?? 0) + 1);
      rowNormSum.set(g, (rowNormSum.get(g) ?? 0) + (1.0 * n) / rowsum);
    }
  }

  // guidception: rec(norm(row_g), level) depends only on (g, level), so levels 1 and 2 are memoised.
  const memo = new Map<string, Row>();
  const rec = (g: string, level: number): Row => {
    const row = coinstall.get(g) ?? [];
    const base = normalise(row);
    if (level <= 0) return base;
    const memoKey = `${level}\u0000${g}`;
    const hit = memo.get(memoKey);
    if (hit) return hit;
    let d = 1.0 - (1.0 * (RECURSION_LEVELS - level)) / RECURSION_LEVELS;
    d *= d;
    const acc = new Map<string, number>();
    for (let rep = 0; rep < base.length; rep++) for (const [h, w] of base) acc.set(h, (acc.get(h) ?? 0) + d * w);
    for (const h of acc.keys()) {
      if ((coinstall.get(h) ?? []).length === 0) continue;
      let v = acc.get(h)!;
      for (const [, x] of rec(h, level - 1)) v += x;
      acc.set(h, v);
    }
    const out = normalise([...acc.entries()]);
    memo.set(memoKey, out);
    return out;
  };
  const rec2 = [...coinstall.keys()].map((k) => rec(k, RECURSION_LEVELS - 1).map(([, w]) => w));
  return { minInstalls, filtered, rowCount, countMap, rowNormSum, rec2 };
}
