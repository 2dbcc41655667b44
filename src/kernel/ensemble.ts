/**
 * TAAR's ensemble (SPEC §6.4) over GUID ids: weight each recommender's list by its coefficient, sum per
 * GUID in recommender order, sort by weight descending with ties by GUID ascending, drop installed
 * add-ons, cut to the limit. The reference for the kernel's ensemble (assembly/ensemble.ts, which serves):
 * the ReferenceKernel runs this one, and the WASM kernel falls back to it for lists beyond its scratch.
 */
import type { Ranked, WeightedIds } from './kernel.js';

export type { WeightedIds };

/**
 * `lists` in RECOMMENDER_KEYS order (collaborative, similarity, locale), each already cut to the
 * recommender limit TAAR uses (limit + installed count) — or longer, then `perListLimit` cuts them.
 */
export function ensemble(
  lists: Array<{ list: WeightedIds; coefficient: number } | undefined>,
  perListLimit: number,
  rank: Int32Array,
  installed: Set<number>,
  limit: number,
): Ranked {
  const flatId: number[] = [];
  const flatW: number[] = [];
  for (const entry of lists) {
    if (!entry) continue;
    const n = Math.min(entry.list.ids.length, perListLimit);
    for (let i = 0; i < n; i++) {
      flatId.push(entry.list.ids[i]);
      flatW.push(entry.list.weights[i] * entry.coefficient);
    }
  }
  // Stable sort by GUID: a GUID's entries stay in recommender order, so its sum is ((c + s) + l).
  const order = flatId.map((_, i) => i).sort((a, b) => rank[flatId[a]] - rank[flatId[b]]);
  const ids: number[] = [];
  const sums: number[] = [];
  for (const i of order) {
    const last = ids.length - 1;
    if (last >= 0 && ids[last] === flatId[i]) sums[last] += flatW[i];
    else {
      ids.push(flatId[i]);
      sums.push(0 + flatW[i]);
    }
  }
  const byWeight = ids.map((_, i) => i).sort((a, b) => sums[b] - sums[a]);
  const outIds: number[] = [];
  const outW: number[] = [];
  for (const i of byWeight) {
    if (outIds.length >= limit) break;
    if (installed.has(ids[i])) continue;
    outIds.push(ids[i]);
    outW.push(sums[i]);
  }
  return { ids: Int32Array.from(outIds), weights: Float64Array.from(outW) };
}
