/**
 * Candidate sources of a surface. Each turns one request into a weighted list; the runner (run.ts) runs
 * them concurrently, each within its own budget, and a failure or timeout leaves that source empty.
 *
 * - taar: collaborative, similarity, locale or ensemble. All TAAR sources of one request share one part (a
 *   `lists` pick returns the four lists at once), prepared by whichever asks first.
 * - Every kernel-backed source of a request (that TAAR part and each SAR source's query) shares ONE trip to
 *   the worker pool (shared-trip.ts; the pool's `trip`, src/dispatch/trip.ts), under the scoring stage's
 *   budget and breaker (guards.ts). Without a `trip` (tests over fakes) each part goes its own way through
 *   `scorer` and `sarScore`, guarded alike.
 * - sar: personalised (the client's stored history; a client the model does not know is seeded with their
 *   installed add-ons instead) or item-to-item (seeds: the installed add-ons), through `SarModels`, which
 *   returns a packed SAR model by name or id (the model registry's cache at merge). With `seeds: events`
 *   or `both`, the client's recent events (EventStore.recent: clicks, installs, purchases… weighted by
 *   type over `seed_days`) are seeds too; personalised, they are added to the stored history as posted
 *   events (SAR's affinity of history + events), so what the client did since training counts.
 * - popularity: the TAAR model's global top list, or the top list of the client's locale.
 * - promoted: the request's promoted list; static: the configured items, in order.
 */
import { RecscoreError } from '../../errors.js';
import type { SarAnswer } from '../../dispatch/sar-scorer.js';
import { knowsUser, type SarRequest } from '../../dispatch/sar-encode.js';
import type { KernelTrip, TripAnswer, TripPart } from '../../dispatch/trip.js';
import type { SarPackedModel } from '../../model/kinds/sar/packed-model.js';
import type { ClientInfo, ExtraData } from '../../profile/client-info.js';
import type { ProfileStore } from '../../profile/store.js';
import type { ModelFacts, ScoreOutput, Scorer, TaarListName, WeightedList } from '../../recommend/contracts.js';
import type { Guards } from '../../resilience/guard.js';
import { localeHints } from '../locale-hints.js';
import { windowDays } from './impressions.js';
import type { SourceConfig } from './schema.js';
import type { RequestLog } from '../../log.js';
import { SharedTrip } from './shared-trip.js';

/** A SAR model held for one source's scoring: `done()` after it, so an evicted model is not released under it. */
export interface SarLease {
  model: SarPackedModel;
  done(): void;
}

/**
 * Packed SAR models by the surfaces file's reference (`default`, a registry id, or a model's description:
 * sar-names.ts); undefined when it names nothing.
 */
export interface SarModels {
  acquire(ref: string): Promise<SarLease | undefined>;
}

/** The client's recent items with their usage weights (EventStore.recent). */
export interface RecentItems {
  recent(clientId: string, days: readonly string[]): Promise<ReadonlyMap<string, number>>;
}

/** Scores a SAR request (the pool's `scoreSar` in the server). */
export type SarScore = (model: SarPackedModel, req: SarRequest, deadline: number) => Promise<SarAnswer>;

export interface SourceEnv<V extends { facts: ModelFacts }> {
  /** The TAAR version in service, read once per request. */
  current: () => V | undefined;
  scorer: Scorer<V>;
  profiles: ProfileStore;
  guards: Guards;
  sar?: SarModels;
  sarScore?: SarScore;
  /** The pool's one trip for several kinds' requests (the server's); without it, `scorer` and `sarScore`. */
  trip?: KernelTrip<V>;
  /** Recent events for SAR seeds (`seeds: events | both`); without it those sources have none. */
  recent?: RecentItems;
  now?: () => number;
}

export interface SourceRequest {
  clientId: string;
  /** A posted profile (no store lookup). */
  postedProfile?: ClientInfo;
  extra: ExtraData;
  acceptLanguage: () => string | undefined;
  promoted: WeightedList;
  /** The request's logger (its id on stage failures and in the answer); default: the guards' own. */
  log?: RequestLog;
}

const EMPTY_LISTS: Record<TaarListName, WeightedList> = { ensemble: [], collaborative: [], similarity: [], locale: [] };

/**
 * What the sources of one request share: the profile lookup, the recent events, the TAAR part and the one
 * trip to the pool, each made at most once.
 */
export class SourceContext<V extends { facts: ModelFacts }> {
  private profileP: Promise<ClientInfo | null> | undefined;
  private listsP: Promise<Record<TaarListName, WeightedList>> | undefined;
  private readonly recentP = new Map<number, Promise<Array<[string, number]>>>();
  /** The kernel-backed sources' shared trip; runSurface says how many take part (`expectKernel`). */
  readonly trip = new SharedTrip<V>((parts) => this.send(parts));

  constructor(
    readonly env: SourceEnv<V>,
    readonly req: SourceRequest,
    readonly version: V,
    /** Absolute performance.now() deadline of the whole surface. */
    readonly deadline: number,
    /** Entries the shared TAAR trip asks for (the largest limit of the surface's TAAR sources). */
    readonly taarSize: number,
  ) {}

  profile(): Promise<ClientInfo | null> {
    this.profileP ??= (async () => {
      if (this.req.postedProfile) return this.req.postedProfile;
      const got = await this.env.guards.profile(this.env.profiles, this.req.clientId, this.deadline, this.req.log);
      if (!got.ok) throw new RecscoreError('RECSCORE_SOURCE_FAILED', `profile: ${got.reason}`, { reason: got.reason });
      return got.value;
    })();
    return this.profileP;
  }

  /** The client's recent items of the last `days` UTC days, heaviest first (at most 1,000), read once per request. */
  recentItems(days: number): Promise<Array<[string, number]>> {
    let p = this.recentP.get(days);
    if (p) return p;
    p = (async () => {
      if (!this.env.recent) return [];
      let got: ReadonlyMap<string, number>;
      try {
        got = await this.env.recent.recent(this.req.clientId, windowDays((this.env.now ?? Date.now)(), days));
      } catch (e) {
        throw new RecscoreError('RECSCORE_SOURCE_FAILED', `recent events: ${(e as Error).message}`, {
          reason: 'event-store',
        });
      }
      return [...got]
        .filter(([, w]) => w > 0)
        .sort((a, b) => b[1] - a[1])
        .slice(0, 1000);
    })();
    this.recentP.set(days, p);
    return p;
  }

  /** The sources that take part in the shared trip: the TAAR ones count once (they share one part). */
  expectKernel(sources: readonly SourceConfig[]): void {
    const sar = sources.filter((s) => s.kind === 'sar').length;
    this.trip.expect(sar + (sources.some((s) => s.kind === 'taar') ? 1 : 0));
  }

  /** The four TAAR lists; `budgetMs`: how long the first asking source lets the part be prepared. */
  taarLists(budgetMs: number): Promise<Record<TaarListName, WeightedList>> {
    this.listsP ??= (async () => {
      const got = await this.trip.join(budgetMs, async () => {
        const profile = await this.profile();
        if (!profile) return undefined;
        const pick = { mode: 'lists' as const, size: this.taarSize };
        const input = { clientInfo: profile, extra: this.req.extra, pick };
        return { kind: 'taar' as const, version: this.version, input };
      });
      if (!got) return EMPTY_LISTS;
      const lists = (got as ScoreOutput).lists;
      if (!lists) throw new RecscoreError('RECSCORE_INTERNAL', 'the scorer returned no lists');
      return lists;
    })();
    return this.listsP;
  }

  /** The trip itself: the pool's, under the scoring stage's guards; or each part on its own, guarded alike. */
  private async send(parts: Array<TripPart<V>>): Promise<Array<PromiseSettledResult<TripAnswer>>> {
    const { guards, trip } = this.env;
    const log = this.req.log;
    if (trip) {
      const got = await guards.scoring(this.deadline, (until) => trip(parts, until), log);
      if (!got.ok) throw scoringFailed(got.reason);
      return got.value;
    }
    return Promise.all(
      parts.map(async (part): Promise<PromiseSettledResult<TripAnswer>> => {
        const got = await guards.scoring(this.deadline, (until) => this.alone(part, until), log);
        if (got.ok) return { status: 'fulfilled', value: got.value };
        return { status: 'rejected', reason: scoringFailed(got.reason) };
      }),
    );
  }

  private async alone(part: TripPart<V>, deadline: number): Promise<TripAnswer> {
    if (part.kind === 'taar') return this.env.scorer.score(part.input, deadline, part.version);
    if (!this.env.sarScore) throw new RecscoreError('RECSCORE_SOURCE_FAILED', 'no SAR models are served here');
    return this.env.sarScore(part.model, part.req, deadline);
  }

  async localeHints(): Promise<string[]> {
    const profile = this.req.postedProfile ?? (await this.profile().catch(() => null));
    return localeHints(profile?.locale, this.req.extra.locale, this.req.acceptLanguage());
  }
}

export async function runSource<V extends { facts: ModelFacts }>(
  src: SourceConfig,
  limit: number,
  ctx: SourceContext<V>,
): Promise<WeightedList> {
  switch (src.kind) {
    case 'taar':
      return (await ctx.taarLists(budgetOf(src, ctx)))[src.recommender].slice(0, limit);
    case 'sar':
      return sarSource(src, limit, ctx);
    case 'popularity': {
      const facts = ctx.version.facts;
      if (src.scope === 'global') return facts.globalTop.slice(0, limit);
      for (const hint of await ctx.localeHints()) {
        const list = facts.localeTop(hint) ?? facts.localeTop(hint.split('-')[0]);
        if (list && list.length > 0) return list.slice(0, limit);
      }
      return [];
    }
    case 'promoted':
      return [...ctx.req.promoted].sort((a, b) => b[1] - a[1]).slice(0, limit);
    case 'static':
      return src.items.slice(0, limit).map((item, i) => [item, src.items.length - i]);
  }
}

async function sarSource<V extends { facts: ModelFacts }>(
  src: Extract<SourceConfig, { kind: 'sar' }>,
  limit: number,
  ctx: SourceContext<V>,
): Promise<WeightedList> {
  let lease: SarLease | undefined;
  try {
    const got = await ctx.trip.join(budgetOf(src, ctx), async () => {
      const { sar, sarScore, trip } = ctx.env;
      if (!sar || (!trip && !sarScore))
        throw new RecscoreError('RECSCORE_SOURCE_FAILED', 'no SAR models are served here');
      lease = await sar.acquire(src.model);
      if (!lease)
        throw new RecscoreError('RECSCORE_MODEL_NOT_FOUND', `no SAR model ${JSON.stringify(src.model)}`, {
          reason: 'unknown-model',
        });
      const req = await sarRequest(lease.model, src, limit, ctx);
      return req && { kind: 'sar' as const, model: lease.model, req };
    });
    const answer = got as SarAnswer | undefined;
    return answer?.known ? answer.top : [];
  } finally {
    // Held until the trip answered (or the source gave up preparing): an evicted model is not released under it.
    lease?.done();
  }
}

/**
 * The SAR query of a source, decided here so that it rides in the shared trip: a known client's history
 * (plus recent events), else the item seeds (installed add-ons and/or recent events); undefined: no seeds.
 */
async function sarRequest<V extends { facts: ModelFacts }>(
  model: SarPackedModel,
  src: Extract<SourceConfig, { kind: 'sar' }>,
  limit: number,
  ctx: SourceContext<V>,
): Promise<SarRequest | undefined> {
  const k = Math.min(limit, 1024);
  const useEvents = src.seeds !== 'installed';
  const recent = useEvents ? await ctx.recentItems(src.seed_days) : [];
  const clientId = ctx.req.clientId;
  if (src.mode === 'personal') {
    // Posted events always make a row (a known history or not); a stored history alone needs a known client.
    if (recent.length > 0)
      return { events: recent.map(([item, weight]) => ({ item, weight })), history: clientId, k, removeSeen: true };
    if (knowsUser(model, clientId)) return { user: clientId, k, removeSeen: true };
  }
  // Item seeds: the installed add-ons (weight 1) and/or the recent items (their usage weight), summed.
  const seeds = new Map<string, number>();
  if (src.seeds !== 'events') {
    for (const id of (await ctx.profile())?.installed_addons ?? []) seeds.set(id, (seeds.get(id) ?? 0) + 1);
  }
  for (const [id, w] of recent) seeds.set(id, (seeds.get(id) ?? 0) + w);
  if (seeds.size === 0) return undefined;
  return { seeds: [...seeds].slice(0, 1000), k };
}

/** How long a source lets its part of the shared trip be prepared: its budget, within the surface's. */
function budgetOf<V extends { facts: ModelFacts }>(src: SourceConfig, ctx: SourceContext<V>): number {
  return Math.min(src.budget_ms, ctx.deadline - performance.now());
}

/** The trip (or its scoring stage) failed: every part in it fails with the stage's reason. */
function scoringFailed(reason: string): RecscoreError {
  return new RecscoreError('RECSCORE_SOURCE_FAILED', `scoring: ${reason}`, { reason });
}

/** Relative cost of a source when the configuration gives none: kernel-backed sources cost most. */
export function costOf(src: SourceConfig): number {
  if (src.cost !== undefined) return src.cost;
  if (src.kind === 'taar') return src.recommender === 'locale' ? 0.5 : src.recommender === 'collaborative' ? 2 : 3;
  if (src.kind === 'sar') return 2;
  return 0.1;
}
