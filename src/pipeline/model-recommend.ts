/**
 * One recommendation from a registry model (issue #13, Product Recommendations' recommend routes):
 *
 *   model (id or default, ModelCache) ─→ SAR scoring through the pool, under the scoring budget and breaker
 *        │ ok: the model's list, seed/history items excluded unless allowSeedItemsInRecommendations
 *        │     └─ fewer than `count` positive scores and enableBackfilling (default on): the rest from the
 *        │        model's most popular items (score 0), never an item already listed or excluded
 *        └ slow, shed, open breaker or failed: the popularity list alone (`servedBy: popularity`, `reason`)
 *
 * With backfilling off the model's list is served as the kernel ranks it, zero scores included: exactly
 * what `recscore sar similar` / `recommend` print for the same query. Errors reach the caller only for
 * the model itself (unknown 404, not Completed 409, cannot be loaded): a scoring failure is an answer.
 */
import type { ModelCache } from '../dispatch/model-cache.js';
import type { ScoringPool } from '../dispatch/pool.js';
import type { SarPostedEvent, SarRequest } from '../dispatch/sar-encode.js';
import { scoreSar, type SarAnswer } from '../dispatch/sar-scorer.js';
import { indexOf } from '../kernel/sar/lookup.js';
import { popularItems } from '../kernel/sar/popularity.js';
import type { Top } from '../kernel/sar/personal.js';
import type { SarPackedModel } from '../model/kinds/sar/packed-model.js';
import type { FallbackReason } from '../resilience/fallback.js';
import type { Guards } from '../resilience/guard.js';
import type { Logger } from '../log.js';

export type ModelQuery = { item: string } | { userId?: string; events: readonly SarPostedEvent[] };

export interface ModelRecommendRequest {
  /** A model id; undefined = the default model. */
  modelId: string | undefined;
  query: ModelQuery;
  /** 1–100 */
  count: number;
  /** performance.now() when the request was first handled: the total budget runs from here. */
  started: number;
  /** The request's logger (its id on a scoring failure's line); default: the guards' own. */
  log?: Logger;
}

export interface Recommendation {
  recommendedItemId: string;
  score: number;
}

export interface ModelRecommendAnswer {
  items: Recommendation[];
  /** How many of `items` came from the popularity list. */
  backfilled: number;
  servedBy: 'model' | 'popularity';
  /** Why the popularity list served alone. */
  reason?: FallbackReason;
  modelId: string;
  modelVersion: string;
}

export interface ModelRecommendDeps {
  cache: Pick<ModelCache, 'acquire' | 'acquireDefault'>;
  guards: Guards;
  totalBudgetMs: number;
  /** Default: the pool (scoreSar); tests put a slow or failing scorer here. */
  pool?: ScoringPool;
  score?: (model: SarPackedModel, req: SarRequest, deadline: number) => Promise<SarAnswer>;
}

export function createModelRecommend(
  deps: ModelRecommendDeps,
): (req: ModelRecommendRequest) => Promise<ModelRecommendAnswer> {
  const score = deps.score ?? ((model, req, deadline) => scoreSar(deps.pool!, model, req, deadline));
  return async (req) => {
    const asked = performance.now();
    const lease = req.modelId === undefined ? await deps.cache.acquireDefault() : await deps.cache.acquire(req.modelId);
    // Waiting for a model's load (once, seconds) does not count against the budget: the first requests of a
    // model that had to be loaded would otherwise always be answered from the popularity list.
    const started = req.started + (performance.now() - asked);
    try {
      const { record, model, facts } = lease.served;
      const p = record.parameters ?? {};
      const allowSeen = p.allowSeedItemsInRecommendations === true;
      const backfill = p.enableBackfilling !== false;
      const q = req.query;
      // The stored history counts only when the model was trained to keep it for user-to-item answers.
      const history = 'item' in q || p.enableUserToItemRecommendations !== true ? undefined : q.userId;
      const sar: SarRequest =
        'item' in q
          ? { seeds: [q.item], k: req.count, removeSeen: !allowSeen }
          : history !== undefined && q.events.length === 0
            ? { user: history, k: req.count, removeSeen: !allowSeen }
            : { events: q.events, history, k: req.count, removeSeen: !allowSeen };
      const base = { modelId: record.id, modelVersion: model.version };
      const excluded = allowSeen ? new Set<string>() : seenItems(model, q, history);
      // Nothing to score (no events, no history): cold without a trip to a worker.
      const nothing = 'events' in sar && sar.events.length === 0 && sar.history === undefined;
      const scored = nothing
        ? ({ ok: true, value: { modelVersion: model.version, known: false } } as const)
        : await deps.guards.scoring(started + deps.totalBudgetMs, (until) => score(model, sar, until), req.log);
      if (!scored.ok) {
        const items = popular(model, facts.globalTop, excluded, new Set(), req.count);
        return { ...base, items, backfilled: items.length, servedBy: 'popularity', reason: scored.reason };
      }
      const top: Top = scored.value.known ? scored.value.top : [];
      if (!backfill) return { ...base, items: top.map(asRecommendation), backfilled: 0, servedBy: 'model' };
      const items = top.filter(([, s]) => s > 0).map(asRecommendation);
      const listed = new Set(items.map((r) => r.recommendedItemId));
      const extra = popular(model, facts.globalTop, excluded, listed, req.count - items.length);
      return { ...base, items: items.concat(extra), backfilled: extra.length, servedBy: 'model' };
    } finally {
      lease.done();
    }
  };
}

const asRecommendation = ([recommendedItemId, score]: [string, number]): Recommendation => ({
  recommendedItemId,
  score,
});

/** The query's own items (seed, posted events, used history): not recommended back unless allowed. */
function seenItems(model: SarPackedModel, q: ModelQuery, history: string | undefined): Set<string> {
  if ('item' in q) return new Set([q.item]);
  const seen = new Set(q.events.map((e) => e.item));
  const u = history === undefined ? -1 : indexOf(model.model.users, history);
  if (u >= 0) {
    const { rowPtr, cols } = model.model.aff;
    for (let t = rowPtr[u]; t < rowPtr[u + 1]; t++) seen.add(model.model.items[cols[t]]);
  }
  return seen;
}

/** The `n` most popular items not excluded or listed; the precomputed top list first, the model if it runs short. */
function popular(
  model: SarPackedModel,
  globalTop: ReadonlyArray<[string, number]>,
  excluded: ReadonlySet<string>,
  listed: ReadonlySet<string>,
  n: number,
): Recommendation[] {
  if (n <= 0) return [];
  const pick = (list: ReadonlyArray<[string, number]>) =>
    list
      .filter(([item]) => !excluded.has(item) && !listed.has(item))
      .slice(0, n)
      .map(([recommendedItemId]) => ({ recommendedItemId, score: 0 }));
  const out = pick(globalTop);
  const m = model.model.items.length;
  if (out.length >= n || globalTop.length >= m) return out;
  return pick(popularItems(model.model, Math.min(m, n + excluded.size + listed.size)));
}
