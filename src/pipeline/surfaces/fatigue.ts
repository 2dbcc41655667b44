/**
 * Impression fatigue: an item's position becomes `rank + impressions × factor` (rank: its 0-based place
 * in the input; impressions: how often the client was shown it in the window), and the list is re-sorted by
 * that key, ties kept in input order. With factor 2, an item at rank 1 shown twice (key 5) falls behind
 * unshown items at ranks 2–4 (keys 2–4) and ahead of rank 5.
 */
import type { Candidate } from './candidates.js';

export function applyFatigue(
  cands: readonly Candidate[],
  impressions: ReadonlyMap<string, number>,
  factor: number,
): Candidate[] {
  return cands
    .map((c, rank) => ({ c, key: rank + (impressions.get(c.item) ?? 0) * factor, rank }))
    .sort((a, b) => a.key - b.key || a.rank - b.rank)
    .map((x) => x.c);
}
