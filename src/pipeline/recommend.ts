/**
 * One recommendation request, from a validated input to the answer (SPEC §1, §2.1, §6.5):
 *
 *   test client id? ── yes ─→ facts.testClientCandidates → draw(10) ─────┐
 *        │ no                                                             ├→ merge promoted
 *   profile (posted, or store via guard) → scorer (via guard, picks) ─────┘
 *        │ any stage fails / unknown client / no candidates
 *        └→ fallback chain (locale → global), top 10 in order → merge promoted
 *
 * The scorer applies the pick itself (contracts.ts `Pick`): the draw of 10 from TAAR's candidates, or
 * with the draw off (config `draw: false` or `?draw=0`) the ensemble with limit `size` (TAAR's
 * `ensemble_limit_10` = `recscore score`'s ensemble list; it can differ from the first candidates,
 * because TAAR passes the limit down to each recommender), in the scorer's order (whitelist order for
 * test clients). Promoted GUIDs, if any, are still merged by weight. Fallback lists are never drawn. Promoted
 * GUIDs are merged into every answer, fallbacks included (TAAR merged them into its `[]` too) — note that the
 * global list's weights are install counts, so promoted weights rank against those there.
 */
import { RecscoreError } from '../errors.js';
import type { Logger, RequestLog } from '../log.js';
import type { ServedSink } from '../events/served-log.js';
import { childCache, type Metrics } from '../metrics/registry.js';
import type { ClientInfo, ExtraData } from '../profile/client-info.js';
import type { ProfileStore } from '../profile/store.js';
import type { ModelFacts, Pick, ScoreOutput, Scorer, WeightedList } from '../recommend/contracts.js';
import { draw, drawSeed } from '../recommend/draw.js';
import { mergePromoted } from '../recommend/promoted.js';
import { isTestClient } from '../recommend/test-clients.js';
import { runFallback, type FallbackReason, type FallbackStepName } from '../resilience/fallback.js';
import type { Guards } from '../resilience/guard.js';
import { localeHints } from './locale-hints.js';
import { recommendationBody, type RecommendationBody, type ResultInfo } from './respond.js';
import { testBusyMain } from '../test-knobs.js';
import { variantTag } from './experiments/assign.js';

/** Fallbacks that say nothing about the personalised path's health (see src/metrics/serving-window.ts). */
const NOT_EVIDENCE = new Set<string>(['unknown-client', 'no-recommendations', 'profile-invalid']);

export interface RecommendRequest {
  /** Validated path id; '' for a posted profile without `client_id`. */
  clientId: string;
  /** Set by `POST /v1/recommendations`: no store lookup. */
  postedProfile?: ClientInfo;
  extra: ExtraData;
  /** The Accept-Language header, read only when a fallback needs it (building Hono's Headers costs µs). */
  acceptLanguage: () => string | undefined;
  promoted: WeightedList;
  draw: boolean;
  /** Results in the answer (`?count=`, 1–100); default `config.maxResults` (TAAR_MAX_RESULTS). */
  count?: number;
  /** performance.now() when the request was first handled: the total budget runs from here. */
  started: number;
  /** Experiments on the `taar` surface the client is in (`{id: variant}`): named in every answer. */
  experiments?: Record<string, string>;
  /** The request's logger, whose id the answer names (`result_info.request_id`); default: the pipeline's. */
  log?: RequestLog;
}

/** What the pipeline reads of the server's configuration (src/server/config.ts satisfies it). */
export interface PipelineConfig {
  fallbackChain: readonly FallbackStepName[];
  maxResults: number;
  totalBudgetMs: number;
}

/** What the pipeline reads of a model version; the scorer receives the same object. */
export interface PipelineVersion {
  facts: ModelFacts;
}

export interface PipelineDeps<V extends PipelineVersion> {
  scorer: Scorer<V>;
  /** The version in service (`registry.current`), read once per request. */
  current: () => V | undefined;
  profiles: ProfileStore;
  config: PipelineConfig;
  guards: Guards;
  metrics: Metrics;
  log: Logger;
  random: () => number;
  /** The served log (src/events/served-log.ts): each answer's list, written off the response path. */
  served?: ServedSink;
}

export function createRecommendPipeline<V extends PipelineVersion>(
  deps: PipelineDeps<V>,
): (req: RecommendRequest) => Promise<RecommendationBody> {
  const { config, metrics } = deps;

  const servedDuration = childCache((by: string) => metrics.servedDuration.labels({ served_by: by }));
  const finish = (req: RecommendRequest, list: WeightedList, info: ResultInfo): RecommendationBody => {
    metrics.servedBy.child(info.served_by).inc();
    servedDuration(info.served_by).observe((performance.now() - req.started) / 1000);
    if (info.reason) metrics.fallbacksBy.child(info.reason).inc();
    if (info.served_by === 'ensemble') metrics.serving.record(true);
    else if (info.reason && !NOT_EVIDENCE.has(info.reason)) metrics.serving.record(false);
    const requestId = req.log?.requestId;
    if (requestId !== undefined) info.request_id = requestId;
    if (req.experiments) info.experiments = req.experiments;
    const body = recommendationBody(list, info);
    // No `surface`: an answer without one is the built-in `taar` surface's (experiments/results.ts). Writing
    // it read as a few µs of main thread per answer in the server A/B (README § served log): this is the hot path.
    deps.served?.record({
      request_id: requestId,
      client_id: req.clientId,
      model_version: info.model_version,
      served_by: info.served_by,
      reason: info.reason,
      locale: info.locale,
      items: body.results,
      // Not a conditional spread: that copies through a runtime call and gives answers two shapes.
      variant: req.experiments ? variantTag(req.experiments) : undefined,
      ts: Date.now(),
    });
    // What was served, per request (TAAR #125/#186); debug level: at full rate this is the hot path.
    (req.log ?? deps.log).debug('recommendations served', {
      client_id: req.clientId,
      served_by: info.served_by,
      reason: info.reason,
      results: body.results,
    });
    return body;
  };

  // TAAR always sorts the sample by weight (SPEC §2.1); an undrawn list keeps the scorer's order.
  const ranked = (req: RecommendRequest, picked: WeightedList, drawn: boolean): WeightedList =>
    drawn || req.promoted.length > 0 ? mergePromoted(req.promoted, picked) : picked;

  const fallback = (
    req: RecommendRequest,
    facts: ModelFacts,
    reason: FallbackReason,
    profile: ClientInfo | null,
    extraInfo: Partial<ResultInfo> = {},
  ) => {
    const hints = localeHints(profile?.locale, req.extra.locale, req.acceptLanguage());
    const answer = runFallback(config.fallbackChain, { facts, localeHints: hints }, req.count ?? config.maxResults);
    const list = ranked(req, answer.list, false);
    return finish(req, list, {
      served_by: answer.servedBy,
      reason,
      model_version: facts.version,
      ...extraInfo,
      ...(answer.locale !== undefined ? { locale: answer.locale } : {}),
      draw: false,
    });
  };

  return async (req) => {
    testBusyMain();
    // The one read of the version in service: facts, fallbacks and scoring all use this version.
    const version = deps.current();
    if (!version) throw new RecscoreError('RECSCORE_NO_MODEL', 'no model is loaded yet');
    const facts = version.facts;
    const deadline = req.started + config.totalBudgetMs;
    const size = req.count ?? config.maxResults;
    const testId = req.postedProfile ? req.postedProfile.client_id : req.clientId;
    if (isTestClient(testId)) {
      const candidates = facts.testClientCandidates;
      const list = ranked(req, req.draw ? draw(candidates, size, deps.random) : candidates.slice(0, size), req.draw);
      return finish(req, list, { served_by: 'test-client', model_version: facts.version, draw: req.draw });
    }

    let profile: ClientInfo | null;
    if (req.postedProfile) profile = req.postedProfile;
    else {
      const got = await deps.guards.profile(deps.profiles, req.clientId, deadline, req.log);
      if (!got.ok) return fallback(req, facts, got.reason, null);
      profile = got.value;
    }
    if (!profile) return fallback(req, facts, 'unknown-client', null);

    const pick: Pick = req.draw ? { mode: 'draw', size, seed: drawSeed(deps.random) } : { mode: 'top', size };
    const input = { clientInfo: profile, extra: req.extra, pick };
    const scored = await deps.guards.score(deps.scorer, input, deadline, version, req.log);
    if (!scored.ok) return fallback(req, facts, scored.reason, profile);
    const out: ScoreOutput = scored.value;
    const failures = out.failures.length > 0 ? { failures: out.failures } : {};
    if (out.candidateCount === 0)
      return fallback(req, facts, 'no-recommendations', profile, { recommenders: out.contributed, ...failures });
    const list = ranked(req, out.picked, req.draw);
    return finish(req, list, {
      served_by: 'ensemble',
      model_version: out.modelVersion,
      recommenders: out.contributed,
      ...failures,
      draw: req.draw,
    });
  };
}
