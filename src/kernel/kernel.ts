/**
 * The scoring kernel seen from TypeScript: three pure functions over one packed model. Two
 * implementations: the AssemblyScript/WASM kernel (wasm-kernel.ts, what serves) and a plain TypeScript
 * reference (reference.ts, the oracle for differential tests and the baseline for benchmarks).
 * Results are best first; ids are GUID ids of the packed model.
 */
export interface Ranked {
  ids: Int32Array;
  weights: Float64Array;
}

/** A recommender's list as the ensemble reads it (a Ranked, or a view into the model's locale lists). */
export interface WeightedIds {
  ids: ArrayLike<number>;
  weights: ArrayLike<number>;
}

/** One recommender's list and its ensemble coefficient; undefined where the recommender does not run. */
export type EnsembleInput = { list: WeightedIds; coefficient: number } | undefined;

/** TAAR raises ZeroDivisionError when a donor maps to an LR entry whose denominator is 0. */
export const LR_ZERO_DENOMINATOR = 'lr-zero-denominator' as const;

export const LITE_MODES = { none: 0, row_count: 1, row_sum: 2, rownorm_sum: 3, guidception: 4 } as const;
export type LiteMode = keyof typeof LITE_MODES;

export interface Kernel {
  /**
   * `hashes`: positive_hash of each installed add-on (duplicates harmless). SPEC §6.1. With `ordered` false
   * the same top k may come in any order (its GUIDs are distinct: the ensemble reads it as a set).
   */
  collaborative(hashes: ArrayLike<number>, k: number, ordered?: boolean): Ranked;
  /**
   * `cont`: the 5 continuous features; `cat`: the 3 categorical dictionary ids (-1 = no donor has it).
   * SPEC §6.2. `ordered` as for collaborative.
   */
  similarity(
    cont: ArrayLike<number>,
    cat: ArrayLike<number>,
    k: number,
    ordered?: boolean,
  ): Ranked | typeof LR_ZERO_DENOMINATOR;
  /**
   * TAAR's ensemble (SPEC §6.4) once per limit: `lists` in RECOMMENDER_KEYS order (collaborative,
   * similarity, locale), each at least limit + installedCount long where the recommender has that many;
   * `installed`: GUID ids of the installed add-ons. Best first, at most `limit` entries each.
   */
  ensemble(lists: EnsembleInput[], installed: Iterable<number>, installedCount: number, limits: number[]): Ranked[];
  /** TAAR-lite's normalised weights for one key GUID id, best `keep` first. SPEC §6.6. */
  lite(keyId: number, mode: number, keep: number): Ranked;
}

/** scoreSets' flags (assembly/score.ts SETS_*): which lists took part, and a failed similarity. */
export const SETS_COLLABORATIVE = 1;
export const SETS_SIMILARITY = 2;
export const SETS_LOCALE = 4;
export const SETS_SIMILARITY_FAILED = 8;

/**
 * One request for WasmKernel.scoreSets, as slices of the caller's arrays: a caller fills one object per
 * request and reuses it, so the hot path allocates nothing.
 */
export interface SetsQuery {
  hashes: Int32Array;
  hashFrom: number;
  hashTo: number;
  installed: Int32Array;
  installedFrom: number;
  installedTo: number;
  /** len(installed_addons), unknown GUIDs and duplicates included */
  installedCount: number;
  canCollaborative: boolean;
  /** the 5 continuous features from cont[5·featureAt], the 3 categorical ids from cat[3·featureAt]; null: cannot */
  cont: Float64Array | null;
  cat: Int32Array;
  featureAt: number;
  /** index of the locale list, −1 when the locale recommender cannot recommend */
  localeList: number;
  limit: number;
  /** the model's ensemble coefficients: collaborative, similarity, locale */
  coefficients: readonly [number, number, number];
}
