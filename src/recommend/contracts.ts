/**
 * What the HTTP layer needs from scoring, whatever runs it (the Piscina pool in the server, the
 * in-process kernel in the CLI and in tests). Weighted lists are `[guid, weight]` pairs as TAAR's.
 */
import type { ServingVersion } from '../model/lifecycle/registry.js';
import type { PackedModel } from '../model/kinds/taar/packed-model.js';
import type { ClientInfo, ExtraData } from '../profile/client-info.js';

export type WeightedList = Array<[string, number]>;
export type RecommenderName = 'collaborative' | 'similarity' | 'locale';

export interface RecommenderFailure {
  recommender: RecommenderName;
  code: string;
  message: string;
}

export interface ScoreOutput {
  modelVersion: string;
  /** What `pick` asked for: the drawn sample (in draw order) or the top list (in ensemble order). */
  picked: WeightedList;
  /** Length of the ensemble list the pick was taken from (0: nothing to recommend, the caller falls back). */
  candidateCount: number;
  /** Recommenders that contributed (could recommend and did not fail). */
  contributed: RecommenderName[];
  /** Recommenders that failed; TAAR would have answered [] for the whole ensemble (SPEC §6.4). */
  failures: RecommenderFailure[];
  /** A `lists` pick: every list by name (empty where a recommender cannot recommend or failed). */
  lists?: Record<TaarListName, WeightedList>;
}

/**
 * Which part of the ensemble the caller serves (SPEC §2.1, §6.5). The scorer picks it where the list
 * lives (a worker), so a response carries `size` entries across threads, not len(whitelist).
 * - `draw`: TAAR's weighted draw of `size` from the ensemble with limit len(whitelist) (its candidates),
 *   with a PRNG seeded by `seed` (uint32; the caller's random source makes it, so draws are reproducible
 *   in tests);
 * - `top`: the ensemble with limit `size` — not always a prefix of the candidates, because TAAR passes the
 *   limit down to each recommender (limit + installed), SPEC §6.4;
 * - `lists`: the ensemble with limit `size` and each recommender's own first `size` entries (the
 *   surfaces' TAAR sources share this one trip to the pool); `picked` is the ensemble.
 */
export type Pick =
  | { mode: 'draw'; size: number; seed: number }
  | { mode: 'top'; size: number }
  | { mode: 'lists'; size: number };

/** The lists a `lists` pick returns: each recommender's own top `size`, and the ensemble's. */
export type TaarListName = 'ensemble' | RecommenderName;

export interface ScoreInput {
  clientInfo: ClientInfo;
  extra: ExtraData;
  pick: Pick;
}

/**
 * The model version a request is served from: read once from the registry (`registry.current`) when the
 * request starts and carried through scoring, so a swap in between cannot mix two versions in one answer.
 */
export type VersionInService = ServingVersion<PackedModel, ModelFacts>;

/**
 * A scoring backend. `deadline` is an absolute `performance.now()` time after which the result is
 * useless; `version` is the request's model version, the one its fallbacks would also answer from
 * (the pool scores on `version.model`; test doubles may use a version without a model).
 */
export interface Scorer<V = VersionInService> {
  score(input: ScoreInput, deadline: number, version: V): Promise<ScoreOutput>;
}

/** The read-only facts of the model version in service that fallbacks and test clients need (no kernel). */
export interface ModelFacts {
  version: string;
  whitelist: readonly string[];
  /** TAAR's test-client candidates: the whole whitelist in whitelist order with sha256 weights (SPEC §3.2). */
  testClientCandidates: WeightedList;
  /** The locale's top list, sorted as TAAR sorts it (SPEC §5.6), or undefined for an unknown locale. */
  localeTop(locale: string): WeightedList | undefined;
  /** Global top-popular list from the install ranking, most installed first. */
  globalTop: WeightedList;
  /** TAAR-lite: `[[guid, rankString], …]` (SPEC §6.6), at most `limit` entries. */
  related(guid: string, normalize: string | undefined, limit: number): Array<[string, string]>;
}
