/**
 * Evaluates a model on held-out events: each truth user known to the model gets its remove-seen top-k
 * (SPEC §10), then ranking metrics and PR's hit rate and diversity.
 */
import { recommendForUser } from '../../../kernel/sar/personal.js';
import type { SarModel } from '../../../model/kinds/sar/types.js';
import { coverage, type Coverage } from './coverage.js';
import { rankingMetrics, truthFromRows, type RankingMetrics } from './ranking.js';

export type Evaluation = RankingMetrics & Coverage & { k: number; truth_users: number; unknown_users: number };

export function evaluate(
  model: SarModel,
  testRows: Iterable<{ user: string; item: string; rating: number }>,
  k = 10,
): Evaluation {
  const truth = truthFromRows(testRows);
  const recs = new Map<string, string[]>();
  let unknown = 0;
  for (const user of truth.keys()) {
    const r = recommendForUser(model, user, { k, removeSeen: true });
    if (r.known)
      recs.set(
        user,
        r.top.map((p) => p[0]),
      );
    else unknown++;
  }
  return {
    ...rankingMetrics(truth, recs, k),
    ...coverage(model, truth, recs, k),
    k,
    truth_users: truth.size,
    unknown_users: unknown,
  };
}
