/**
 * Promoted GUIDs posted by the caller (SPEC §2.1).
 * `cleanPromoted` is TAAR's `clean_promoted_guids`: every row must be `[string, number]` (a JSON boolean
 * counts as a number, as Python's `bool` is an `int`); one malformed row empties the whole list, silently.
 * `mergePromoted` is TAAR's `merge_promoted_guids`: sort promoted + sample by weight descending, stable
 * (promoted first on ties), keep the first occurrence of each GUID; nothing truncates afterwards.
 */
import type { WeightedList } from './contracts.js';

export function cleanPromoted(rows: readonly unknown[]): WeightedList {
  const out: WeightedList = [];
  for (const row of rows) {
    if (!Array.isArray(row) || row.length !== 2) return [];
    const [guid, weight] = row as [unknown, unknown];
    if (typeof guid !== 'string') return [];
    if (typeof weight === 'number') out.push([guid, weight]);
    else if (typeof weight === 'boolean') out.push([guid, weight ? 1 : 0]);
    else return [];
  }
  return out;
}

/** @example mergePromoted([['p', 5]], [['a', 9], ['p', 1]]) // [['a', 9], ['p', 5]] */
export function mergePromoted(promoted: WeightedList, sample: WeightedList): WeightedList {
  // Array.prototype.sort is stable (ES2019), so equal weights keep promoted-first, then sample order.
  const all = (promoted.length === 0 ? sample.slice() : [...promoted, ...sample]).sort(byWeight);
  const out: WeightedList = [];
  // Every drawn answer comes through here: for an answer's few entries a scan costs less than a Set.
  if (all.length <= SCAN_MAX) {
    for (const entry of all) if (!out.some((o) => o[0] === entry[0])) out.push(entry);
    return out;
  }
  const seen = new Set<string>();
  for (const entry of all) {
    if (seen.has(entry[0])) continue;
    seen.add(entry[0]);
    out.push(entry);
  }
  return out;
}

const SCAN_MAX = 32;
const byWeight = (a: readonly [string, number], b: readonly [string, number]) => b[1] - a[1];
