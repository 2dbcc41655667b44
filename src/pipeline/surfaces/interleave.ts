/**
 * Two interleavings:
 * - diversity: candidates grouped by a key (their first source, or a catalog attribute) are dealt one group
 *   at a time in order of each group's best candidate, so neighbours come from different groups while each
 *   group keeps its order;
 * - team-draft interleaving of two ranked lists (Radlinski et al. 2008): in each round a fair coin decides
 *   which team picks first, each team adds its highest item not yet in the answer, and the answer records
 *   which team placed each item; a click is credited to the team that placed the clicked item.
 */
import type { Candidate } from './candidates.js';

export function diversify(cands: readonly Candidate[], keyOf: (c: Candidate) => string): Candidate[] {
  const groups = new Map<string, Candidate[]>();
  for (const c of cands) {
    const k = keyOf(c);
    const g = groups.get(k);
    if (g) g.push(c);
    else groups.set(k, [c]);
  }
  const queues = [...groups.values()]; // Map order = order of each group's first (best) candidate
  const out: Candidate[] = [];
  for (let round = 0; out.length < cands.length; round++) {
    for (const q of queues) if (round < q.length) out.push(q[round]);
  }
  return out;
}

export interface TeamDraft {
  items: string[];
  /** Index of the team (0: a, 1: b) that placed each item of `items`. */
  teams: number[];
}

export function teamDraft(a: readonly string[], b: readonly string[], size: number, random: () => number): TeamDraft {
  const items: string[] = [];
  const teams: number[] = [];
  const used = new Set<string>();
  const lists = [a, b];
  const next = [0, 0];
  const pick = (t: number): boolean => {
    const l = lists[t];
    while (next[t] < l.length && used.has(l[next[t]])) next[t]++;
    if (next[t] >= l.length) return false;
    used.add(l[next[t]]);
    items.push(l[next[t]]);
    teams.push(t);
    return true;
  };
  while (items.length < size) {
    const first = random() < 0.5 ? 0 : 1;
    const a1 = pick(first);
    if (items.length >= size) break;
    const b1 = pick(1 - first);
    if (!a1 && !b1) break;
  }
  return { items, teams };
}

/** Clicks per team: a clicked item counts for the team that placed it (items not in the answer count for neither). */
export function creditClicks(draft: TeamDraft, clicked: Iterable<string>): [number, number] {
  const team = new Map(draft.items.map((it, i) => [it, draft.teams[i]]));
  const credit: [number, number] = [0, 0];
  for (const c of clicked) {
    const t = team.get(c);
    if (t !== undefined) credit[t]++;
  }
  return credit;
}
