/**
 * TAAR's BigTable payload → `client_info` (SPEC §4, `taar/profile_fetcher.py:ProfileFetcher.get`).
 *
 * Mode `'taar'` is TAAR bit-for-bit: only the DynamoDB-era key names are read, with Python
 * `dict.get(key, default)` semantics (a key present with `null` stays `null`). Mode `'both'` (the default)
 * also reads the names the GCP ETL writes (`geo_city`, `bookmark_count`, `tab_open_count`, `total_uri`,
 * `unique_tlds`) when the old name is absent — an intended improvement: TAAR turns such payloads into
 * `geo_city = ""` and zero engagement counts (SPEC §4 "Field-name mismatch").
 *
 * Where TAAR would raise (an add-on entry without `addon_id`, `active_addons` not a list) or would produce
 * a value our `ClientInfo` cannot hold (a non-string add-on id), this throws `RECSCORE_PROFILE_INVALID`;
 * TAAR's fetcher swallowed such errors into "no profile".
 */
import { RecscoreError } from '../errors.js';
import type { ClientInfo } from './client-info.js';

export type PayloadMode = 'both' | 'taar';

type Dict = Record<string, unknown>;

function isDict(v: unknown): v is Dict {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Python truthiness for JSON values: `None`, `False`, `0`, `""`, `[]` and `{}` are false. */
function pyTruthy(v: unknown): boolean {
  if (v === null || v === undefined || v === false || v === 0 || v === '') return false;
  if (Array.isArray(v)) return v.length > 0;
  if (isDict(v)) return Object.keys(v).length > 0;
  return true;
}

/** `d.get(key, def)`, and in `'both'` mode the GCP-ETL name `alt` when `key` is absent. */
function pick(d: Dict, key: string, alt: string | undefined, def: unknown, mode: PayloadMode): unknown {
  if (Object.hasOwn(d, key)) return d[key];
  if (mode === 'both' && alt !== undefined && Object.hasOwn(d, alt)) return d[alt];
  return def;
}

function invalid(clientId: string, field: string, problem: string): RecscoreError {
  return new RecscoreError('RECSCORE_PROFILE_INVALID', `payload of ${clientId}: ${field}: ${problem}`, {
    clientId,
    field,
  });
}

function installedAddons(clientId: string, d: Dict): string[] {
  const active = Object.hasOwn(d, 'active_addons') ? d.active_addons : [];
  if (!Array.isArray(active)) throw invalid(clientId, 'active_addons', 'is not a list');
  const ids: string[] = [];
  active.forEach((addon, i) => {
    if (!isDict(addon)) throw invalid(clientId, `active_addons.${i}`, 'is not an object');
    // `not addon.get("is_system", False)`: Python truthiness, so `null`, 0 and "" count as "not system".
    // The filter runs first, so a system add-on without `addon_id` is fine, as in TAAR.
    if (pyTruthy(Object.hasOwn(addon, 'is_system') ? addon.is_system : false)) return;
    if (!Object.hasOwn(addon, 'addon_id')) throw invalid(clientId, `active_addons.${i}.addon_id`, 'is missing');
    if (typeof addon.addon_id !== 'string') throw invalid(clientId, `active_addons.${i}.addon_id`, 'is not a string');
    ids.push(addon.addon_id);
  });
  return ids;
}

function disabledAddons(clientId: string, d: Dict): string[] {
  const v = Object.hasOwn(d, 'disabled_addons_ids') ? d.disabled_addons_ids : [];
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) {
    throw invalid(clientId, 'disabled_addons_ids', 'is not a list of strings');
  }
  return v as string[];
}

/** Maps one payload; key order is TAAR's so that JSON output matches TAAR's byte for byte. */
export function payloadToClientInfo(clientId: string, payload: unknown, mode: PayloadMode = 'both'): ClientInfo {
  if (!isDict(payload)) throw invalid(clientId, '(payload)', 'is not an object');
  const d = payload;
  return {
    client_id: clientId,
    geo_city: pick(d, 'city', 'geo_city', '', mode),
    subsession_length: pick(d, 'subsession_length', undefined, 0, mode),
    locale: pick(d, 'locale', undefined, '', mode),
    os: pick(d, 'os', undefined, '', mode),
    installed_addons: installedAddons(clientId, d),
    disabled_addons_ids: disabledAddons(clientId, d),
    bookmark_count: pick(d, 'places_bookmarks_count', 'bookmark_count', 0, mode),
    tab_open_count: pick(d, 'scalar_parent_browser_engagement_tab_open_event_count', 'tab_open_count', 0, mode),
    total_uri: pick(d, 'scalar_parent_browser_engagement_total_uri_count', 'total_uri', 0, mode),
    unique_tlds: pick(d, 'scalar_parent_browser_engagement_unique_domains_count', 'unique_tlds', 0, mode),
  };
}
