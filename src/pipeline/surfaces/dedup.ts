/**
 * First-N with duplicates merged: walks the blended proposals in order, keeps the first `n` distinct items,
 * and gathers on each every source that proposed it (rank and score in that source), so an item proposed by
 * three sources says so, and a later proposal of a kept item is not lost.
 */
import type { Candidate, Proposal } from './candidates.js';

export function firstN(proposals: readonly Proposal[], n: number): Candidate[] {
  const byItem = new Map<string, Candidate>();
  const out: Candidate[] = [];
  for (const p of proposals) {
    const prov = { source: p.source, rank: p.rank, score: p.score };
    const have = byItem.get(p.item);
    if (have) {
      if (!have.sources.some((s) => s.source === p.source)) have.sources.push(prov);
      continue;
    }
    if (out.length >= n) continue; // still read on: later proposals add provenance to kept items
    const c: Candidate = { item: p.item, score: p.score, sources: [prov] };
    byItem.set(p.item, c);
    out.push(c);
  }
  return out;
}
