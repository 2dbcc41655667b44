/**
 * Offline ranking metrics as PY's python_evaluation computes them (SPEC §10): binary relevance, hits
 * in rank order, precision/recall/map/map@k over users present in both truth and recommendations,
 * nDCG@k over every truth user (0 without recommendations). Natural-log DCG, as PY.
 */
export interface RankingMetrics {
  map: number;
  map_at_k: number;
  ndcg_at_k: number;
  precision_at_k: number;
  recall_at_k: number;
  n_users: number;
}

/** `recs`: each user's ranked list (only the first k count); users with an empty list have none. */
export function rankingMetrics(
  truth: Map<string, Set<string>>,
  recs: Map<string, readonly string[]>,
  k = 10,
): RankingMetrics {
  let common = 0;
  let precision = 0;
  let recall = 0;
  let map = 0;
  let mapK = 0;
  let ndcg = 0;
  for (const [user, relevant] of truth) {
    const list = recs.get(user);
    if (!list || list.length === 0) continue;
    common++;
    let hits = 0;
    let ap = 0;
    let dcg = 0;
    const n = Math.min(k, list.length);
    for (let r = 1; r <= n; r++) {
      if (!relevant.has(list[r - 1])) continue;
      hits++;
      ap += hits / r;
      dcg += 1 / Math.log(1 + r);
    }
    let idcg = 0;
    for (let r = 1; r <= Math.min(relevant.size, k); r++) idcg += 1 / Math.log(1 + r);
    precision += hits / k;
    recall += hits / relevant.size;
    map += ap / relevant.size;
    mapK += ap / Math.min(relevant.size, k);
    ndcg += dcg / idcg;
  }
  const nTruth = truth.size;
  return {
    map: common ? map / common : 0,
    map_at_k: common ? mapK / common : 0,
    ndcg_at_k: nTruth ? ndcg / nTruth : 0,
    precision_at_k: common ? precision / common : 0,
    recall_at_k: common ? recall / common : 0,
    n_users: common,
  };
}

/** Truth sets from test rows: every row with rating > 0 is one relevant item (SPEC §10). */
export function truthFromRows(
  rows: Iterable<{ user: string; item: string; rating: number }>,
): Map<string, Set<string>> {
  const truth = new Map<string, Set<string>>();
  for (const r of rows) {
    if (!(r.rating > 0)) continue;
    let s = truth.get(r.user);
    if (!s) truth.set(r.user, (s = new Set()));
    s.add(r.item);
  }
  return truth;
}
