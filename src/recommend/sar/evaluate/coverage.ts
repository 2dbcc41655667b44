/**
 * Product Recommendations' extra evaluation figures: hit rate (share of evaluated users with at least
 * one relevant item in their top k) and diversity — how recommendations spread over popularity
 * percentile buckets of the catalogue (items ranked by training frequency: top 1 %, next 9 %, the rest)
 * and how many distinct items are recommended at all.
 */
import type { SarModel } from '../../../model/kinds/sar/types.js';

export interface Coverage {
  hit_rate: number;
  diversity: {
    unique_items_recommended: number;
    total_items_recommended: number;
    /** Share of all recommended slots per popularity-percentile bucket. */
    percentile_buckets: { '0-90': number; '90-99': number; '99-100': number };
  };
}

export function coverage(
  model: SarModel,
  truth: Map<string, Set<string>>,
  recs: Map<string, readonly string[]>,
  k = 10,
): Coverage {
  let users = 0;
  let hitUsers = 0;
  for (const [user, relevant] of truth) {
    const list = recs.get(user);
    if (!list || list.length === 0) continue;
    users++;
    if (list.slice(0, k).some((i) => relevant.has(i))) hitUsers++;
  }
  const m = model.items.length;
  const order = [...Array(m).keys()].sort((a, b) => model.itemFreq[b] - model.itemFreq[a] || a - b);
  const bucket = new Map<string, 0 | 1 | 2>();
  order.forEach((i, rank) => bucket.set(model.items[i], rank < m * 0.01 ? 2 : rank < m * 0.1 ? 1 : 0));
  const counts = [0, 0, 0];
  const unique = new Set<string>();
  let total = 0;
  for (const list of recs.values()) {
    for (const item of list.slice(0, k)) {
      total++;
      unique.add(item);
      counts[bucket.get(item) ?? 0]++;
    }
  }
  const share = (c: number) => (total ? c / total : 0);
  return {
    hit_rate: users ? hitUsers / users : 0,
    diversity: {
      unique_items_recommended: unique.size,
      total_items_recommended: total,
      percentile_buckets: { '0-90': share(counts[0]), '90-99': share(counts[1]), '99-100': share(counts[2]) },
    },
  };
}
