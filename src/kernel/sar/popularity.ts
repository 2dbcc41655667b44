/** Popularity (SPEC §7): items by frequency c_ii, users by distinct items seen; ties by id. */
import type { SarModel } from '../../model/kinds/sar/types.js';
import type { Top } from './personal.js';
import { topK } from './topk.js';

export function popularItems(model: SarModel, k = 10): Top {
  return topK(model.itemFreq, k).map(([j, s]) => [model.items[j], s]);
}

export function popularUsers(model: SarModel, k = 10): Top {
  const n = model.users.length;
  const counts = new Float64Array(n);
  for (let u = 0; u < n; u++) counts[u] = model.aff.rowPtr[u + 1] - model.aff.rowPtr[u];
  return topK(counts, k).map(([u, c]) => [model.users[u], c]);
}
