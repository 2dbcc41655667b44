/**
 * SAR (Smart Adaptive Recommendations), recscore's second model kind: the public shapes. A model is
 * item-to-item similarity (CSR) plus per-user affinities (CSR), built by train/train.ts from usage events,
 * packed by pack/pack.ts and scored by score/*. Behaviour: ../shared/sar/SPEC.md (sections cited as §n).
 */

export const SIMILARITY_TYPES = [
  'cooccurrence',
  'jaccard',
  'lift',
  'cosine',
  'inclusion-index',
  'mutual-information',
  'lexicographers-mutual-information',
] as const;
export type SimilarityType = (typeof SIMILARITY_TYPES)[number];

/** What co-occurs: items of one user (SPEC §4), or items of one user at one timestamp (PR's "basket"). */
export type CooccurrenceUnit = 'user' | 'timestamp';

export interface SarParams {
  similarity: SimilarityType;
  /** Support threshold, integer ≥ 1 (§4). */
  threshold: number;
  /** Half-life in days; undefined = no time decay (§3). */
  decayHalfLifeDays?: number;
  /** Decay reference time t0 in epoch seconds; undefined = the newest training event (§3). */
  referenceTime?: number;
  unit: CooccurrenceUnit;
}

export const DEFAULT_PARAMS: SarParams = { similarity: 'jaccard', threshold: 1, unit: 'user' };

/** Compressed sparse rows: row r's entries are [rowPtr[r], rowPtr[r+1]) of cols/vals, cols ascending. */
export interface Csr {
  rowPtr: Uint32Array;
  cols: Int32Array;
  vals: Float64Array;
}

/** Training statistics kept in the model (also printed by `recscore sar train`). */
export interface SarStats {
  events: number;
  users: number;
  items: number;
  pairs: number;
  /** Co-occurrence units (users, or distinct (user, timestamp) baskets). */
  units: number;
  similarityNnz: number;
  /** Smallest and largest per-pair affinity after decay and aggregation (normalize, §6). */
  ratingMin: number;
  ratingMax: number;
  /** The decay reference time used (the newest event unless configured); NaN when no event has a time. */
  referenceTime: number;
  timestampMin: number;
  timestampMax: number;
}

export interface SarModel {
  params: SarParams;
  /** Item ids in code-unit order: item index order = tie-break order (§6). */
  items: string[];
  /** User ids in code-unit order. */
  users: string[];
  /** m × m similarity, symmetric, zero wherever c_ij = 0 after thresholding (§5). */
  sim: Csr;
  /** n × m affinity a_ui for every seen pair (§3), and the same with every rating 1 (`unit`, for normalize). */
  aff: Csr;
  affUnit: Float64Array;
  /** c_ii after thresholding (§4). */
  itemFreq: Float64Array;
  stats: SarStats;
}

/** One usage event as parsed; `timestamp` in epoch seconds (NaN when the source has none). */
export interface UsageEvent {
  user: string;
  item: string;
  rating: number;
  timestamp: number;
}
