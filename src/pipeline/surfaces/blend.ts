/**
 * Weighted blend of the sources' lists into one sequence of proposals (duplicates kept; first-N dedup merges
 * them). Two modes:
 * - `round_robin`: smooth weighted round robin (each turn every list gains its weight in credit, the list
 *   with most credit gives its next item and pays the total), so over any prefix each list's share follows
 *   its weight, deterministically;
 * - `sample`: each next proposal comes from a list drawn with probability ∝ weight among the lists not yet
 *   exhausted, from a PRNG seeded by (client, day): the same client gets the same blend all day, and the
 *   answers are reproducible.
 * Lists of weight 0 contribute nothing.
 */
import { createHash } from 'node:crypto';
import { seededRandom } from '../../seeded-random.js';
import type { Proposal, SourceList } from './candidates.js';

export type BlendMode = 'round_robin' | 'sample';

/** The blend's seed for a client on a UTC day (`YYYY-MM-DD`): stable across replicas and restarts. */
export function blendSeed(clientId: string, day: string): number {
  return createHash('sha256').update(`${clientId}\u0000${day}`).digest().readUInt32BE(0);
}

export function blend(lists: readonly SourceList[], mode: BlendMode, limit: number, seed = 0): Proposal[] {
  const live = lists.filter((l) => l.weight > 0 && l.list.length > 0);
  const pos = live.map(() => 0);
  const out: Proposal[] = [];
  const total = () => live.reduce((a, l, i) => a + (pos[i] < l.list.length ? l.weight : 0), 0);
  const take = (i: number) => {
    const l = live[i];
    const [item, score] = l.list[pos[i]];
    out.push({ item, score, source: l.name, rank: pos[i] });
    pos[i]++;
  };
  if (mode === 'round_robin') {
    const credit = live.map(() => 0);
    while (out.length < limit) {
      const sum = total();
      if (sum === 0) break;
      let best = -1;
      for (let i = 0; i < live.length; i++) {
        if (pos[i] >= live[i].list.length) continue;
        credit[i] += live[i].weight;
        if (best < 0 || credit[i] > credit[best]) best = i;
      }
      credit[best] -= sum;
      take(best);
    }
    return out;
  }
  const random = seededRandom(seed);
  while (out.length < limit) {
    const sum = total();
    if (sum === 0) break;
    let r = random() * sum;
    let chosen = -1;
    for (let i = 0; i < live.length; i++) {
      if (pos[i] >= live[i].list.length) continue;
      chosen = i;
      r -= live[i].weight;
      if (r < 0) break;
    }
    take(chosen);
  }
  return out;
}
