/**
 * One client through all recommenders and the ensemble (SPEC §6.4, §6.5), on any Kernel. This is what a
 * worker runs per request and what `recscore score` prints. Results are GUID ids; the caller maps them
 * to strings with the model's GUID table.
 */
import { LR_ZERO_DENOMINATOR, type Kernel, type Ranked } from '../kernel/kernel.js';
import type { PackedModel } from '../model/kinds/taar/packed-model.js';
import type { RecommenderFailure } from './contracts.js';
import type { EncodedClient } from './client-features.js';
import type { WeightedIds } from '../kernel/ensemble.js';

export interface ScoreDetail {
  /** null where the recommender cannot recommend (TAAR's can_recommend is false) or failed */
  collaborative: Ranked | null;
  similarity: Ranked | null;
  locale: WeightedIds | null;
  failures: RecommenderFailure[];
  /** ensemble lists, one per requested limit, in the order of `limits` */
  ensembles: Ranked[];
}

/** An EncodedClient, or the worker's view of one (installed GUID ids as a slice of its batch array). */
export type ScoreInput = Omit<EncodedClient, 'installedIds'> & { installedIds: Iterable<number> };

/** Recommender failures TAAR would have crashed on (its whole ensemble then answers []). */
export const SIMILARITY_LR_FAILURE: RecommenderFailure = {
  recommender: 'similarity',
  code: 'RECSCORE_RECOMMENDER_FAILED',
  message: 'the nearest LR curve entry has a zero denominator',
};
export const invalidSimilarityInput = (message: string): RecommenderFailure => ({
  recommender: 'similarity',
  code: 'RECSCORE_PROFILE_INVALID',
  message,
});

/**
 * `listsAsSets`: the caller reads only the ensembles, never the recommenders' own lists, and passes one
 * limit. Those lists then come in any order: each is exactly the ensemble's per-list cut and its GUIDs
 * are distinct, so the ensemble's sums (added list by list) are the same bits, and the kernel skips
 * sorting them.
 */
export function scoreClient(
  kernel: Kernel,
  model: PackedModel,
  c: ScoreInput,
  limits: number[],
  listsAsSets = false,
): ScoreDetail {
  const maxLimit = Math.max(0, ...limits);
  // Each list is computed once with the largest limit: a top-k under a total order is a prefix of a top-K.
  const ext = maxLimit + c.installedCount;
  const ordered = !listsAsSets || limits.length !== 1;
  const failures: RecommenderFailure[] = [];
  const collaborative = c.canCollaborative ? kernel.collaborative(c.hashes, ext, ordered) : null;
  let similarity: Ranked | null = null;
  if (c.similarity.kind === 'invalid') {
    failures.push(invalidSimilarityInput(c.similarity.message));
  } else if (c.similarity.kind === 'ok') {
    const r = kernel.similarity(c.similarity.cont, c.similarity.cat, ext, ordered);
    if (r === LR_ZERO_DENOMINATOR) {
      failures.push(SIMILARITY_LR_FAILURE);
    } else similarity = r;
  }
  let locale: WeightedIds | null = null;
  if (c.localeList !== undefined) {
    const a = model.localeOffs[c.localeList];
    const b = Math.min(model.localeOffs[c.localeList + 1], a + ext);
    locale = { ids: model.localeGuid.subarray(a, b), weights: model.localeW.subarray(a, b) };
  }
  const w = model.meta.ensembleWeights;
  const lists = [
    collaborative ? { list: collaborative, coefficient: w.collaborative } : undefined,
    similarity ? { list: similarity, coefficient: w.similarity } : undefined,
    locale ? { list: locale, coefficient: w.locale } : undefined,
  ];
  const ensembles = kernel.ensemble(lists, c.installedIds, c.installedCount, limits);
  return { collaborative, similarity, locale, failures, ensembles };
}

/** TAAR's answer for a test client id (SPEC §3.2): the whitelist in its own order with sha256 weights. */
export function testClientList(model: PackedModel, limit: number): Ranked {
  const n = Math.min(limit, model.meta.whitelist.length);
  return {
    ids: Int32Array.from(model.meta.whitelist.slice(0, n)),
    weights: Float64Array.from(model.meta.testWeights.slice(0, n)),
  };
}
