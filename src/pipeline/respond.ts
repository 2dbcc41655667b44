/**
 * The recommendation response: TAAR's `{"results": [guid, …]}` plus `result_info`, which says which
 * path served the answer and why (TAAR's API.md promised such a field; TAAR never sent one). Clients
 * that only read `results` see TAAR's shape.
 */
import type { RecommenderFailure, RecommenderName, WeightedList } from '../recommend/contracts.js';
import type { FallbackReason, ServedBy } from '../resilience/fallback.js';

export interface ResultInfo {
  served_by: ServedBy;
  /** Why a fallback served (absent for `ensemble` and `test-client`). */
  reason?: FallbackReason;
  model_version: string;
  /** Ensemble path: the recommenders that contributed. */
  recommenders?: RecommenderName[];
  /** Recommenders that failed (TAAR would have answered `[]` for the whole ensemble, SPEC §6.4). */
  failures?: RecommenderFailure[];
  /** Locale fallback: the locale whose top list served. */
  locale?: string;
  /** Whether the weighted draw picked the results (false: top candidates in order). */
  draw: boolean;
  /** The request's id, as in the `x-request-id` header: joins the answer to its impression events. */
  request_id?: string;
  /** The client's variant of each experiment on the `taar` surface (absent when there is none). */
  experiments?: Record<string, string>;
}

export interface RecommendationBody {
  results: string[];
  result_info: ResultInfo;
}

export function recommendationBody(list: WeightedList, info: ResultInfo): RecommendationBody {
  return { results: list.map(([guid]) => guid), result_info: info };
}
