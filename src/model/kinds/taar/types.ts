/**
 * The TAAR model set after decoding and schema validation (src/model/kinds/taar/decode.ts), before packing.
 * Shapes follow SPEC §5 exactly; object key order is kept as JSON.parse gives it, which is the file
 * order for every key that is not an array index (GUIDs never are).
 */
export interface ItemRow {
  id: number; // positive_hash(guid), 23 bits
  features: number[]; // float32 text parsed as float64, as TAAR does
}

/**
 * The item matrix as packed (src/model/kinds/taar/item-matrix.ts): row r is item `ids[r]`, its factors are
 * `features[r * nFactors … (r + 1) * nFactors)`. Typed arrays, not rows: a real matrix has a million items.
 */
export interface ItemMatrix {
  ids: Int32Array;
  features: Float64Array;
  nFactors: number;
}

export interface AddonMappingEntry {
  id: string;
  isWebextension?: boolean;
}

/** Continuous values may be NaN: TAAR turns a missing/null donor value into NaN (SPEC §4, §10.15). */
export interface Donor {
  activeAddons: string[];
  // subsession_length, bookmark_count, tab_open_count, total_uri, unique_tlds
  continuous: [number, number, number, number, number];
  categorical: [unknown, unknown, unknown]; // geo_city, locale, os — compared with Python `!=`
}

export interface EnsembleWeights {
  collaborative: number;
  similarity: number;
  locale: number;
}

export interface TaarModelSet {
  itemMatrix: ItemMatrix;
  addonMapping: Map<string, AddonMappingEntry>;
  whitelist: string[];
  donors: Donor[];
  lrCurves: Array<[number, number, number]>; // x, numerator density, denominator density
  locale: Map<string, Array<[string, number]>>; // as in the file; sorted at pack time
  ensembleWeights: EnsembleWeights;
  coinstall: Map<string, Array<[string, number]>>; // key -> row, both in file order
  ranking: Map<string, number>;
}

/** The similarity recommender's donor features, in the order of a donor's vectors. */
export const CONTINUOUS_FEATURES = [
  'subsession_length',
  'bookmark_count',
  'tab_open_count',
  'total_uri',
  'unique_tlds',
] as const;
export const CATEGORICAL_FEATURES = ['geo_city', 'locale', 'os'] as const;
