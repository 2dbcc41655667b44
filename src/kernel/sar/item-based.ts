/**
 * Item-based ("frequently together") top-k (SPEC §7): seeds' weights summed per item, unknown seeds
 * ignored (§9 Q6), scores a·S with the known seeds excluded. No known seed → an empty list.
 */
import type { SarModel } from '../../model/kinds/sar/types.js';
import { indexOf } from './lookup.js';
import type { Top } from './personal.js';
import { rowTimesSim } from './product.js';
import { topK } from './topk.js';

export type Seed = string | [string, number?];

export function similarItems(model: SarModel, seeds: readonly Seed[], k = 10): Top {
  const m = model.items.length;
  const weights = new Map<number, number>();
  for (const s of seeds) {
    const [item, w = 1] = typeof s === 'string' ? [s, 1] : s;
    const i = indexOf(model.items, item);
    if (i >= 0) weights.set(i, (weights.get(i) ?? 0) + w);
  }
  if (weights.size === 0) return [];
  const cols = [...weights.keys()].sort((a, b) => a - b);
  const scores = rowTimesSim(
    model.sim,
    cols,
    cols.map((i) => weights.get(i)!),
    new Float64Array(m),
  );
  const exclude = new Uint8Array(m);
  for (const i of cols) exclude[i] = 1;
  return topK(scores, k, exclude).map(([j, s]) => [model.items[j], s]);
}
