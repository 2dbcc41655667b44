/**
 * TAAR's `client_info` (SPEC §4): what the recommenders read about one client. Feature values are kept
 * as stored (`unknown`) because TAAR's semantics depend on them exactly: `null`/missing disables the
 * similarity recommender, a string where a number belongs makes it fail, `""` and `0` are fine.
 */
export interface ClientInfo {
  client_id: string;
  installed_addons: string[];
  disabled_addons_ids?: string[];
  geo_city?: unknown;
  subsession_length?: unknown;
  locale?: unknown;
  os?: unknown;
  bookmark_count?: unknown;
  tab_open_count?: unknown;
  total_uri?: unknown;
  unique_tlds?: unknown;
}

/** Query parameters TAAR passes to the recommenders as `extra_data`. */
export interface ExtraData {
  locale?: string;
  platform?: string;
}
