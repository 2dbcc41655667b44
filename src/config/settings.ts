/**
 * Every setting of `recscore serve`, in one table: its environment variable, its flag, its rule, its
 * default and what it does. src/config/index.ts reads flags and environment through this table only,
 * and the README's "Configuration" table is rendered from it (test/config/readme-table.test.ts checks).
 *
 * Adding a setting (max profile size, a new timeout, …): one entry in its group under settings/ (the key
 * becomes a field of `Config`; a new area gets its own group file, spread below), then `npm run build`
 * and `node dist/src/config/doc.js` to print the README table. A setting of the HTTP layer also gets a
 * field in src/server/config.ts's schema (default `defaultOf(key)`) and a line in its `serverConfigOf`;
 * one of the pool, a line where src/cli/serve.ts calls startServer.
 */
import { ANSWER_SETTINGS } from './settings/answers.js';
import type { Setting } from './settings/define.js';
import { EVENT_SETTINGS } from './settings/events.js';
import { LISTENER_SETTINGS } from './settings/listener.js';
import { MODEL_CACHE_SETTINGS } from './settings/model-cache.js';
import { POOL_SETTINGS } from './settings/pool.js';
import { REGISTRY_SETTINGS } from './settings/registry.js';
import { SOURCE_SETTINGS } from './settings/sources.js';
import { SURFACE_SETTINGS } from './settings/surfaces.js';

export type { Setting } from './settings/define.js';
export { FALLBACK_STEPS, type FallbackStep } from './settings/answers.js';
export { LOG_LEVELS, type ConfigLogLevel } from './settings/sources.js';

// The order here is the README table's order.
export const SETTINGS = {
  ...SOURCE_SETTINGS,
  ...LISTENER_SETTINGS,
  ...ANSWER_SETTINGS,
  ...EVENT_SETTINGS,
  ...POOL_SETTINGS,
  ...REGISTRY_SETTINGS,
  ...SURFACE_SETTINGS,
  ...MODEL_CACHE_SETTINGS,
} satisfies Record<string, Setting<unknown>>;

/**
 * TAAR's own variables naming each model object in GCS (read by src/model/source/gcs-layout.ts), used
 * when no model location is given: a TAAR deployment's environment works unchanged.
 */
export const TAAR_MODEL_VARIABLES = [
  'TAAR_ITEM_MATRIX_BUCKET',
  'TAAR_ITEM_MATRIX_KEY',
  'TAAR_ADDON_MAPPING_BUCKET',
  'TAAR_ADDON_MAPPING_KEY',
  'TAAR_WHITELIST_BUCKET',
  'TAAR_WHITELIST_KEY',
  'TAAR_SIMILARITY_BUCKET',
  'TAAR_SIMILARITY_DONOR_KEY',
  'TAAR_SIMILARITY_LRCURVES_KEY',
  'TAAR_LOCALE_BUCKET',
  'TAAR_LOCALE_KEY',
  'TAAR_ENSEMBLE_BUCKET',
  'TAAR_ENSEMBLE_KEY',
  'TAARLITE_GUID_COINSTALL_BUCKET',
  'TAARLITE_GUID_COINSTALL_KEY',
  'TAARLITE_GUID_RANKING_KEY',
] as const;

export type SettingKey = keyof typeof SETTINGS;
