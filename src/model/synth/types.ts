/**
 * The synthetic model set as TAAR's nine files contain it (SPEC §5), one JSON-serialisable value per
 * file. Field names are the ModelFileKind keys of src/model/kinds/taar/files.ts, so a writer maps them 1:1 onto
 * object names.
 */
import type { EnsembleWeights, ItemRow } from '../kinds/taar/types.js';

export interface SynthOptions {
  seed: number;
  /** Size of the GUID universe (a minimum: more are made if hash collisions leave too few for `items`). */
  guids: number;
  items: number;
  factors: number;
  donors: number;
  locales: number;
  whitelist: number;
  coinstallKeys: number;
  lrPoints: number;
}

export interface SynthMappingEntry {
  name: string;
  id: string;
  isWebextension: boolean;
}

/** SPEC §5.4: the keys TAAR reads (not the ETL's `city`/`subsession_hours_sum`). */
export interface SynthDonor {
  active_addons: string[];
  geo_city: string;
  subsession_length: number;
  locale: string;
  os: string;
  bookmark_count: number;
  tab_open_count: number;
  total_uri: number;
  unique_tlds: number;
}

/** SPEC §4 client_info with every field present, as the vectors' profiles have it. */
export interface SynthProfile {
  client_id: string;
  geo_city: string;
  subsession_length: number;
  locale: string;
  os: string;
  installed_addons: string[];
  disabled_addons_ids: string[];
  bookmark_count: number;
  tab_open_count: number;
  total_uri: number;
  unique_tlds: number;
}

export interface SynthOutput {
  itemMatrix: ItemRow[];
  /** Key = String(positiveHash(id)). */
  addonMapping: Record<string, SynthMappingEntry>;
  whitelist: string[];
  donors: SynthDonor[];
  /** `[x, [numerator density, denominator density]]`, x increasing. */
  lrCurves: Array<[number, [number, number]]>;
  locale: Record<string, Array<[string, number]>>;
  ensembleWeights: { ensemble_weights: EnsembleWeights };
  coinstall: Record<string, Record<string, number>>;
  ranking: Record<string, number>;
}
