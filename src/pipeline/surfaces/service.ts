/**
 * A surface's answer to one request: the client's experiment variants (applied to the surface's plan),
 * the run (run.ts), team-draft interleaving for an interleaving experiment, the fallback chain when nothing
 * is left, and the response with `result_info` (surface, served_by, quality factor, experiments, each
 * source's and stage's status). Every answer, fallbacks included, names the client's variants; each answer's
 * list goes to the served log with them, whose impression events are what fatigue counts (impressions.ts).
 */
import { RecscoreError } from '../../errors.js';
import type { ServedSink } from '../../events/served-log.js';
import type { ModelFacts } from '../../recommend/contracts.js';
import { runFallback, type FallbackStepName } from '../../resilience/fallback.js';
import { applyOverrides, assign, experimentsField, INTERLEAVED, variantTag } from '../experiments/assign.js';
import type { Candidate } from './candidates.js';
import type { SurfacesHolder } from './holder.js';
import type { ShownCounts } from './impressions.js';
import { teamDraft } from './interleave.js';
import {
  runSurface,
  type ExplainStep,
  type RunControls,
  type RunResult,
  type SourceReport,
  type SurfacePlan,
} from './run.js';
import { SourceContext, type SourceEnv, type SourceRequest } from './sources.js';
import type { SurfaceMetrics } from './stats.js';

export interface SurfaceRequest extends SourceRequest, RunControls {
  surface: string;
  /** performance.now() when the request was first handled. */
  started: number;
  /** Variants already assigned upstream (a `taar` experiment whose variant is served by this surface). */
  experiments?: Record<string, string>;
}

export interface SurfaceResultInfo {
  surface: string;
  served_by: 'surface' | FallbackStepName | 'none';
  reason?: 'no-recommendations';
  model_version: string;
  quality_factor: number;
  experiments: Record<string, string>;
  sources: Record<string, SourceReport>;
  stages: Record<string, string>;
  /** Interleaving: the variant that placed each result. */
  interleave?: { experiment: string; variants: string[] };
  request_id?: string;
}

export interface SurfaceBody {
  results: string[];
  result_info: SurfaceResultInfo;
  explain?: ExplainStep[] | Record<string, ExplainStep[]>;
}

export interface SurfaceServiceDeps<V extends { facts: ModelFacts }> extends SourceEnv<V> {
  holder: SurfacesHolder;
  metrics: SurfaceMetrics;
  fallbackChain: readonly FallbackStepName[];
  /** Per-client impression counts for fatigue and `max_shown` (the event store). */
  shown?: ShownCounts;
  served?: ServedSink;
  /** The team-draft coin (default Math.random). */
  random?: () => number;
  now?: () => number;
}

export function createSurfaceService<V extends { facts: ModelFacts }>(deps: SurfaceServiceDeps<V>) {
  const now = deps.now ?? Date.now;
  const random = deps.random ?? Math.random;

  const planOf = (name: string): SurfacePlan => {
    const s = deps.holder.current.surfaces[name];
    if (!s) throw new RecscoreError('RECSCORE_NO_SURFACE', `no surface ${JSON.stringify(name.slice(0, 40))}`);
    return { ...s, name };
  };

  return async (req: SurfaceRequest): Promise<SurfaceBody> => {
    const file = deps.holder.current; // one read: a reload during the request cannot mix two files
    let plan = planOf(req.surface);
    const version = deps.current();
    if (!version) throw new RecscoreError('RECSCORE_NO_MODEL', 'no model is loaded yet');
    const assignments = assign(file.experiments, req.surface, req.clientId);
    const experiments = { ...req.experiments, ...experimentsField(assignments) };
    let interleaveOf: { id: string; a: SurfacePlan; b: SurfacePlan; names: [string, string] } | undefined;
    for (const a of assignments) {
      if (a.variant === INTERLEAVED) {
        const [na, nb] = a.experiment.interleave!;
        const va = a.experiment.variants.find((v) => v.name === na)!;
        const vb = a.experiment.variants.find((v) => v.name === nb)!;
        interleaveOf = {
          id: a.experiment.id,
          a: applyOverrides(va.overrides.surface ? planOf(va.overrides.surface) : plan, va.overrides),
          b: applyOverrides(vb.overrides.surface ? planOf(vb.overrides.surface) : plan, vb.overrides),
          names: [na, nb],
        };
        continue;
      }
      if (a.overrides.surface) plan = { ...planOf(a.overrides.surface) };
      plan = applyOverrides(plan, a.overrides);
    }

    const quality = deps.holder.qualityOf(plan.name);
    const runDeps = { metrics: deps.metrics, quality, shown: deps.shown, catalog: deps.holder.catalog, now };
    let lastCtx: SourceContext<V> | undefined;
    const run = (p: SurfacePlan) => {
      const taarSize = Math.max(
        1,
        ...p.sources
          .filter((s) => s.kind === 'taar')
          .map((s) => s.limit ?? quality?.firstN(p.first_n, p.size) ?? p.first_n),
      );
      const ctx = new SourceContext(deps, req, version, req.started + p.budget_ms, taarSize);
      lastCtx = ctx;
      return runSurface(p, ctx, req, runDeps);
    };

    let list: Candidate[];
    let result: RunResult;
    let itemVariants: string[] | undefined;
    let explain: SurfaceBody['explain'];
    if (interleaveOf) {
      const [ra, rb] = await Promise.all([run(interleaveOf.a), run(interleaveOf.b)]);
      const size = req.count ?? plan.size;
      const draft = teamDraft(
        ra.list.map((c) => c.item),
        rb.list.map((c) => c.item),
        size,
        random,
      );
      const byItem = new Map([...rb.list, ...ra.list].map((c) => [c.item, c]));
      list = draft.items.map((it) => byItem.get(it)!);
      itemVariants = draft.teams.map((t) => `${interleaveOf!.id}:${interleaveOf!.names[t]}`);
      result = {
        list,
        sources: prefixed(ra.sources, rb.sources, interleaveOf.names),
        stages: prefixed(ra.stages, rb.stages, interleaveOf.names),
      };
      if (req.explain)
        explain = { [interleaveOf.names[0]]: ra.explain ?? [], [interleaveOf.names[1]]: rb.explain ?? [] };
    } else {
      result = await run(plan);
      list = result.list;
      explain = result.explain;
    }

    const info: SurfaceResultInfo = {
      surface: req.surface,
      served_by: 'surface',
      model_version: version.facts.version,
      quality_factor: quality?.value ?? 1,
      experiments,
      sources: result.sources,
      stages: result.stages,
    };
    let results = list.map((c) => c.item);
    if (results.length === 0) {
      // The run's context: its profile lookup (if any) is reused, not repeated.
      const hints = await (
        lastCtx ?? new SourceContext(deps, req, version, req.started + plan.budget_ms, 1)
      ).localeHints();
      const excluded = new Set([...req.exclude, ...plan.filters.block]);
      const answer = runFallback(deps.fallbackChain, { facts: version.facts, localeHints: hints }, 100);
      results = answer.list
        .map(([g]) => g)
        .filter((g) => !excluded.has(g))
        .slice(0, req.count ?? plan.size);
      info.served_by = answer.servedBy;
      info.reason = 'no-recommendations';
      itemVariants = undefined;
    } else if (interleaveOf && itemVariants) {
      info.interleave = { experiment: interleaveOf.id, variants: itemVariants.map((v) => v.slice(v.indexOf(':') + 1)) };
    }
    const requestId = req.log?.requestId;
    if (requestId !== undefined) info.request_id = requestId;
    const ms = performance.now() - req.started;
    quality?.observe(ms);
    if (quality) deps.metrics.quality.labels({ surface: plan.name }).set(quality.value);
    deps.metrics.requestsBy.child(req.surface, info.served_by).inc();
    const ts = now();
    deps.served?.record({
      request_id: requestId,
      client_id: req.clientId,
      model_version: info.model_version,
      served_by: info.served_by === 'surface' ? `surface:${req.surface}` : info.served_by,
      surface: req.surface, // fallback answers too: the allocation check counts every answer of the surface
      ...(info.reason ? { reason: info.reason } : {}),
      items: results,
      variant: variantTag(experiments),
      ...(itemVariants ? { item_variants: itemVariants } : {}),
      ts,
    });
    return { results, result_info: info, ...(explain ? { explain } : {}) };
  };
}

function prefixed<T>(a: Record<string, T>, b: Record<string, T>, names: [string, string]): Record<string, T> {
  const out: Record<string, T> = {};
  for (const [k, v] of Object.entries(a)) out[`${names[0]}.${k}`] = v;
  for (const [k, v] of Object.entries(b)) out[`${names[1]}.${k}`] = v;
  return out;
}
