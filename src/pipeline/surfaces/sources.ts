/**
 * Candidate sources of a surface. Each turns one request into a weighted list; the runner (run.ts) runs
 * them concurrently, each within its own budget, and a failure or timeout leaves that source empty.
 *
 * - taar: collaborative, similarity, locale or ensemble. All TAAR sources of one request share one trip to
 *   the worker pool (a `lists` pick returns the four lists at once), made by whichever asks first.
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
import type { SarRequest } from '../../dispatch/sar-encode.js';
import type { SarPackedModel } from '../../model/kinds/sar/packed-model.js';
import type { ClientInfo, ExtraData } from '../../profile/client-info.js';
import type { ProfileStore } from '../../profile/store.js';
import type { ModelFacts, Scorer, TaarListName, WeightedList } from '../../recommend/contracts.js';
import type { Guards } from '../../resilience/guard.js';
import { localeHints } from '../locale-hints.js';
import { windowDays } from './impressions.js';
import type { SourceConfig } from './schema.js';
import type { RequestLog } from '../../log.js';

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

/** What the sources of one request share: the profile lookup and the TAAR trip, each made at most once. */
export class SourceContext<V extends { facts: ModelFacts }> {
  private profileP: Promise<ClientInfo | null> | undefined;
  private listsP: Promise<Record<TaarListName, WeightedList>> | undefined;
  private readonly recentP = new Map<number, Promise<Array<[string, number]>>>();

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

  taarLists(): Promise<Record<TaarListName, WeightedList>> {
    this.listsP ??= (async () => {
      const profile = await this.profile();
      if (!profile) return { ensemble: [], collaborative: [], similarity: [], locale: [] };
      const input = {
        clientInfo: profile,
        extra: this.req.extra,
        pick: { mode: 'lists' as const, size: this.taarSize },
      };
      const got = await this.env.guards.score(this.env.scorer, input, this.deadline, this.version, this.req.log);
      if (!got.ok) throw new RecscoreError('RECSCORE_SOURCE_FAILED', `taar: ${got.reason}`, { reason: got.reason });
      if (!got.value.lists) throw new RecscoreError('RECSCORE_INTERNAL', 'the scorer returned no lists');
      return got.value.lists;
    })();
    return this.listsP;
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
      return (await ctx.taarLists())[src.recommender].slice(0, limit);
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
  const { sar, sarScore } = ctx.env;
  if (!sar || !sarScore) throw new RecscoreError('RECSCORE_SOURCE_FAILED', 'no SAR models are served here');
  const lease = await sar.acquire(src.model);
  if (!lease)
    throw new RecscoreError('RECSCORE_MODEL_NOT_FOUND', `no SAR model ${JSON.stringify(src.model)}`, {
      reason: 'unknown-model',
    });
  try {
    return await scoreWith(lease.model, src, limit, ctx, sarScore);
  } finally {
    lease.done();
  }
}

async function scoreWith<V extends { facts: ModelFacts }>(
  model: SarPackedModel,
  src: Extract<SourceConfig, { kind: 'sar' }>,
  limit: number,
  ctx: SourceContext<V>,
  sarScore: SarScore,
): Promise<WeightedList> {
  const k = Math.min(limit, 1024);
  const useEvents = src.seeds !== 'installed';
  const recent = useEvents ? await ctx.recentItems(src.seed_days) : [];
  // Item seeds: the installed add-ons (weight 1) and/or the recent items (their usage weight), summed.
  const seeded = async (): Promise<WeightedList> => {
    const seeds = new Map<string, number>();
    if (src.seeds !== 'events') {
      for (const id of (await ctx.profile())?.installed_addons ?? []) seeds.set(id, (seeds.get(id) ?? 0) + 1);
    }
    for (const [id, w] of recent) seeds.set(id, (seeds.get(id) ?? 0) + w);
    if (seeds.size === 0) return [];
    const got = await sarScore(model, { seeds: [...seeds].slice(0, 1000), k }, ctx.deadline);
    return got.known ? got.top : [];
  };
  if (src.mode === 'item') return seeded();
  const clientId = ctx.req.clientId;
  const got =
    recent.length > 0
      ? await sarScore(
          model,
          { events: recent.map(([item, weight]) => ({ item, weight })), history: clientId, k, removeSeen: true },
          ctx.deadline,
        )
      : await sarScore(model, { user: clientId, k, removeSeen: true }, ctx.deadline);
  return got.known ? got.top : seeded();
}

/** Relative cost of a source when the configuration gives none: kernel-backed sources cost most. */
export function costOf(src: SourceConfig): number {
  if (src.cost !== undefined) return src.cost;
  if (src.kind === 'taar') return src.recommender === 'locale' ? 0.5 : src.recommender === 'collaborative' ? 2 : 3;
  if (src.kind === 'sar') return 2;
  return 0.1;
}
