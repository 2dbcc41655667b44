/**
 * One surface answer: sources (concurrently, each within its budget, failing open to an empty list) →
 * blend → first-N with provenance → filters → fatigue → diversity → truncate. Every source and stage runs
 * through `step`, which records the same metrics for all (stats.ts) and applies the stage budget: a stage
 * that runs out of time (or fails) passes its input on unchanged, and the answer says so in `stages` — except
 * that the filter stage still applies exclusions and block lists (only its shown-count check is skipped).
 */
import { raceDeadline } from '../../deadline.js';
import { RecscoreError, isRecscoreError } from '../../errors.js';
import type { ModelFacts } from '../../recommend/contracts.js';
import { blend, blendSeed } from './blend.js';
import type { Candidate, Proposal, SourceList } from './candidates.js';
import { firstN } from './dedup.js';
import { applyFatigue } from './fatigue.js';
import type { ItemAttributes } from './catalog.js';
import { applyFilters } from './filters.js';
import { windowDays, type ShownCounts } from './impressions.js';
import { diversify } from './interleave.js';
import type { QualityFactor } from './quality.js';
import type { SurfaceConfig } from './schema.js';
import { costOf, runSource, type SourceContext } from './sources.js';
import type { StepOutcome, SurfaceMetrics } from './stats.js';

export interface SurfacePlan extends SurfaceConfig {
  /** The surface's name (metric label). */
  name: string;
  /** Sources a variant switched off. */
  disabled?: ReadonlySet<string>;
}

export interface RunControls {
  /** Final size for this request (`count`); default the surface's `size`. */
  count?: number;
  exclude: readonly string[];
  attributes: ReadonlyMap<string, string>;
  explain: boolean;
}

export interface RunDeps {
  metrics: SurfaceMetrics;
  quality?: QualityFactor;
  /** Per-client impression counts (the event store's); without it fatigue and `max_shown` see none. */
  shown?: ShownCounts;
  catalog: ItemAttributes;
  now: () => number;
}

export interface SourceReport {
  status: StepOutcome;
  items: number;
  /** Why it failed or was off (an error code, `budget`, `quality`, `variant`). */
  reason?: string;
}

export interface ExplainStep {
  stage: string;
  items: Array<{ item: string; rank: number; score: number; sources: Candidate['sources'] }>;
}

export interface RunResult {
  list: Candidate[];
  sources: Record<string, SourceReport>;
  stages: Record<string, 'ok' | 'timeout' | 'failed'>;
  explain?: ExplainStep[];
}

const UTC_DAY = (ms: number) => new Date(ms).toISOString().slice(0, 10);

export async function runSurface<V extends { facts: ModelFacts }>(
  plan: SurfacePlan,
  ctx: SourceContext<V>,
  controls: RunControls,
  deps: RunDeps,
): Promise<RunResult> {
  const { metrics } = deps;
  const size = controls.count ?? plan.size;
  const n = deps.quality ? deps.quality.firstN(plan.first_n, size) : plan.first_n;
  const sources: Record<string, SourceReport> = {};
  const stages: RunResult['stages'] = {};
  const explain: ExplainStep[] | undefined = controls.explain ? [] : undefined;

  // Under load the quality factor switches off the most expensive source (never the only one).
  let shed: string | undefined;
  const active = plan.sources.filter((s) => !plan.disabled?.has(s.name) && s.weight > 0);
  if (deps.quality?.shedsCostliest && active.length > 1) {
    shed = active.reduce((a, b) => (costOf(b) > costOf(a) ? b : a)).name;
  }

  const offOf = (src: SurfacePlan['sources'][number]) =>
    plan.disabled?.has(src.name) ? 'variant' : src.weight === 0 ? 'weight' : src.name === shed ? 'quality' : undefined;
  // The kernel-backed sources that run share one trip to the pool, which goes once each has joined or left.
  ctx.expectKernel(plan.sources.filter((s) => offOf(s) === undefined));

  const lists: SourceList[] = await Promise.all(
    plan.sources.map(async (src): Promise<SourceList> => {
      const off = offOf(src);
      if (off) {
        sources[src.name] = { status: 'off', items: 0, reason: off };
        metrics.record(plan.name, 'source', src.name, 'off', 0, {});
        return { name: src.name, weight: 0, list: [] };
      }
      const t0 = performance.now();
      const budget = Math.min(src.budget_ms, ctx.deadline - t0);
      const limit = src.limit ?? n;
      try {
        const list = await raceDeadline(
          budget,
          () => runSource(src, limit, ctx),
          () => new RecscoreError('RECSCORE_BUDGET_EXCEEDED', `source ${src.name} exceeded its budget`),
        );
        const outcome = list.length === 0 ? 'empty' : 'ok';
        sources[src.name] = { status: outcome, items: list.length };
        metrics.record(plan.name, 'source', src.name, outcome, performance.now() - t0, { out: list.length });
        return { name: src.name, weight: src.weight, list };
      } catch (e) {
        // Its own budget, or the shared profile lookup's or TAAR trip's (guards.ts) running out first.
        const own = isRecscoreError(e) && e.code === 'RECSCORE_BUDGET_EXCEEDED';
        const reason = own ? 'budget' : isRecscoreError(e) ? String(e.details?.reason ?? e.code) : 'error';
        const outcome = own || reason.endsWith('-timeout') ? 'timeout' : 'failed';
        sources[src.name] = { status: outcome, items: 0, reason };
        metrics.record(plan.name, 'source', src.name, outcome, performance.now() - t0, { out: 0 }, e, reason);
        return { name: src.name, weight: 0, list: [] };
      }
    }),
  );

  /** Runs one stage within the stage budget; on timeout or failure its input goes on unchanged. */
  const step = async <I, O>(
    stage: string,
    input: I,
    sizeOf: (x: I) => number,
    work: (x: I) => O | Promise<O>,
    unchanged: (x: I) => O,
  ): Promise<O> => {
    const t0 = performance.now();
    let out: O;
    let outcome: 'ok' | 'timeout' | 'failed' = 'ok';
    let error: unknown;
    try {
      const r = work(input);
      out =
        r instanceof Promise
          ? await raceDeadline(
              plan.stage_budget_ms,
              () => r,
              () => new RecscoreError('RECSCORE_BUDGET_EXCEEDED', `stage ${stage} exceeded its budget`),
            )
          : r;
      // A synchronous stage cannot be interrupted; one that overran is discarded all the same, so a stage's
      // cost stays bounded by what its budget allows on the next request's view of the metrics.
      if (!(r instanceof Promise) && performance.now() - t0 > plan.stage_budget_ms) {
        outcome = 'timeout';
        out = unchanged(input);
      }
    } catch (e) {
      error = e;
      outcome = isRecscoreError(e) && e.code === 'RECSCORE_BUDGET_EXCEEDED' ? 'timeout' : 'failed';
      out = unchanged(input);
    }
    stages[stage] = outcome;
    const outSize = Array.isArray(out) ? out.length : 0;
    const metricOutcome = outcome === 'ok' && outSize === 0 ? 'empty' : outcome;
    metrics.record(
      plan.name,
      stage,
      '-',
      metricOutcome,
      performance.now() - t0,
      { in: sizeOf(input), out: outSize },
      error,
    );
    if (explain && Array.isArray(out)) explain.push({ stage, items: describe(out as Array<Candidate | Proposal>) });
    return out;
  };

  const count = (l: SourceList[]) => l.reduce((a, x) => a + x.list.length, 0);
  const len = (l: Candidate[]) => l.length;
  const day = UTC_DAY(deps.now());
  const blended = await step(
    'blend',
    lists,
    count,
    (l) => blend(l, plan.blend.mode, n * 4 + 16, blendSeed(ctx.req.clientId, day)),
    (l) => l.flatMap((s) => s.list.map(([item, score], rank) => ({ item, score, source: s.name, rank }))),
  );
  let cands = await step(
    'first_n',
    blended,
    (b) => b.length,
    (b) => firstN(b, n),
    (b) => firstN(b, b.length),
  );

  // Read once, inside the stages that need it: a slow or failing store times out (or fails) those stages,
  // which then pass their input on, not the answer.
  let shownP: Promise<ReadonlyMap<string, number>> | undefined;
  const shown = () =>
    (shownP ??= deps.shown
      ? deps.shown.shown(ctx.req.clientId, windowDays(deps.now(), plan.fatigue?.window_days ?? 7))
      : Promise.resolve(new Map()));
  const installed = plan.filters.installed ? ((await ctx.profile().catch(() => null))?.installed_addons ?? []) : [];
  const filter = (c: Candidate[], seen: ReadonlyMap<string, number> | undefined) =>
    applyFilters(c, {
      exclude: new Set([...installed, ...controls.exclude]),
      block: new Set(plan.filters.block),
      maxShown: plan.filters.max_shown,
      shown: seen,
      attributes: controls.attributes,
      catalog: deps.catalog,
    });
  cands = await step(
    'filter',
    cands,
    len,
    (c) => (plan.filters.max_shown !== undefined ? shown().then((m) => filter(c, m)) : filter(c, undefined)),
    // Exclusions and block lists are promises to the caller: on timeout only the shown-count check is skipped.
    (c) => filter(c, undefined),
  );
  if (plan.fatigue) {
    const factor = plan.fatigue.factor;
    cands = await step(
      'fatigue',
      cands,
      len,
      async (c) => applyFatigue(c, await shown(), factor),
      (c) => c,
    );
  }
  if (plan.diversity) {
    const by = plan.diversity.by;
    const key =
      by === 'source' ? (c: Candidate) => c.sources[0].source : (c: Candidate) => deps.catalog.get(c.item)?.[by] ?? '';
    cands = await step(
      'diversity',
      cands,
      len,
      (c) => diversify(c, key),
      (c) => c,
    );
  }
  cands = await step(
    'truncate',
    cands,
    len,
    (c) => c.slice(0, size),
    (c) => c.slice(0, size),
  );
  return { list: cands, sources, stages, ...(explain ? { explain } : {}) };
}

/** A stage's output for explain; the blend's proposals (duplicates not merged yet) name their one source. */
function describe(list: ReadonlyArray<Candidate | Proposal>): ExplainStep['items'] {
  return list.map((c, rank) => ({
    item: c.item,
    rank,
    score: c.score,
    sources: 'sources' in c ? c.sources : [{ source: c.source, rank: c.rank, score: c.score }],
  }));
}
