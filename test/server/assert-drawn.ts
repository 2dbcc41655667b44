/** Shared assertion of the HTTP tests. */
import assert from 'node:assert/strict';
import type { WeightedList } from '../../src/recommend/contracts.js';

/** The property TAAR's non-deterministic cases carry: promoted ∪ a size-min(10,n) sample, by weight desc. */
export function assertDrawn(results: string[], candidates: WeightedList, promoted: WeightedList = []) {
  const weight = new Map<string, number>();
  for (const [g, w] of [...promoted, ...candidates]) weight.set(g, Math.max(weight.get(g) ?? -Infinity, w));
  assert.equal(new Set(results).size, results.length, 'no duplicates');
  for (const g of results) assert.ok(weight.has(g), `${g} is a candidate or promoted`);
  const promotedIds = new Set(promoted.map(([g]) => g));
  for (const g of promotedIds) assert.ok(results.includes(g), `promoted ${g} is served`);
  const sampled = results.filter((g) => !promotedIds.has(g)).length;
  const size = Math.min(10, candidates.length);
  const overlap = promoted.filter(([g]) => candidates.some(([c]) => c === g)).length;
  assert.ok(sampled <= size && sampled >= size - overlap, `sample size ${sampled} of ${size}`);
  const ws = results.map((g) => weight.get(g)!);
  for (let i = 1; i < ws.length; i++)
    assert.ok(ws[i - 1] >= ws[i], `ordered by weight desc at ${i}: ${ws[i - 1]} < ${ws[i]}`);
}
