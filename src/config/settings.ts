/**
 * Every setting of `recscore serve`, in one table: its environment variable, its flag, its rule, its
 * default and what it does. src/config/index.ts reads flags and environment through this table only,
 * and the README's "Configuration" table is rendered from it (test/config/readme-table.test.ts checks).
 *
 * Adding a setting (max profile size, a new timeout, …): one entry here (the key becomes a field of
 * `Config`), then `npm run build` and `node dist/src/config/doc.js` to print the README table. A setting
 * of the HTTP layer also gets a field in src/server/config.ts's schema (default `defaultOf(key)`) and a
 * line in its `serverConfigOf`; one of the pool, a line where src/cli/serve.ts calls startServer.
 */
import { availableParallelism } from 'node:os';
import { bool, int, listOf, oneOf, text, url, type ValueKind } from './values.js';

export interface Setting<T> {
  /** Environment variable; an empty value counts as unset. */
  env?: string;
  /** Flag of `recscore serve`, without the leading dashes (a string-valued flag unless `kind` is a switch). */
  flag?: string;
  kind: ValueKind<T>;
  /** The value when neither flag nor variable is given. */
  fallback: () => T;
  /** The default as the README shows it. */
  shown: string;
  doc: string;
}

type SettingInput<T> = Omit<Setting<T>, 'fallback' | 'shown'> & { default: T; shown?: string; compute?: () => T };

function setting<T>({ default: d, compute, shown, ...s }: SettingInput<T>): Setting<T> {
  return { ...s, fallback: compute ?? (() => d), shown: shown ?? (Array.isArray(d) ? d.join(',') : String(d)) };
}
function optional<T>(s: Omit<Setting<T>, 'fallback' | 'shown'>): Setting<T | undefined> {
  return { ...s, fallback: () => undefined, shown: '(unset)' };
}

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'silent'] as const;
export type ConfigLogLevel = (typeof LOG_LEVELS)[number];
export const FALLBACK_STEPS = ['locale', 'global'] as const;
export type FallbackStep = (typeof FALLBACK_STEPS)[number];

// One core is left to the main thread (HTTP, encoding).
function byCores(): number {
  return Math.max(1, availableParallelism() - 1);
}
const ms = (max: number) => int(1, max);
const cacheDir: ValueKind<string | null> = {
  describe: 'folder, or off',
  parse: (raw, source) => (raw.trim() === 'off' ? null : text().parse(raw, source)),
};

export const SETTINGS = {
  // Where models and profiles come from.
  models: optional({
    env: 'RECSCORE_MODELS',
    flag: 'models',
    kind: text(),
    doc: "Model folder, `file://…` or `gs://bucket/prefix`; unset: TAAR's `TAAR_*` variables below",
  }),
  profiles: optional({
    env: 'RECSCORE_PROFILES',
    flag: 'profiles',
    kind: text(),
    doc: 'Profile store: `.jsonl[.bz2]` file or `redis://host:port[/db]` (required unless `--demo`)',
  }),
  profilesPrefix: setting({
    env: 'RECSCORE_PROFILES_PREFIX',
    flag: 'profiles-prefix',
    kind: text(256),
    default: 'recscore:',
    doc: 'Redis key prefix of the profile store (as `profiles load --prefix`)',
  }),
  demo: setting({
    flag: 'demo',
    kind: bool,
    default: false,
    doc: 'Generate (once) and serve the synthetic demo model and profiles (a switch)',
  }),
  demoDir: setting({
    env: 'RECSCORE_DEMO_DIR',
    flag: 'demo-dir',
    kind: text(),
    default: '.cache/demo',
    doc: 'Where `--demo` keeps its generated data',
  }),
  cacheDir: setting({
    env: 'RECSCORE_CACHE_DIR',
    flag: 'cache-dir',
    kind: cacheDir,
    default: '.cache/bundles' as string | null,
    doc: 'Packed-bundle cache (a restart is one file read); `off` disables it',
  }),
  reloadIntervalS: setting({
    env: 'RECSCORE_RELOAD_INTERVAL',
    flag: 'reload-interval',
    kind: int(0, 86_400),
    default: 60,
    doc: 'Seconds between checks of the model source; 0 = only on SIGHUP or reload',
  }),
  reloadToken: optional({
    env: 'RECSCORE_RELOAD_TOKEN',
    kind: text(),
    doc: 'Bearer token enabling `POST /v1/models/reload` (env only: flags show in `ps`)',
  }),
  gcsEndpoint: optional({
    env: 'RECSCORE_GCS_ENDPOINT',
    flag: 'gcs-endpoint',
    kind: url(['http', 'https']),
    doc: "GCS JSON-API endpoint (default Google's)",
  }),
  logLevel: setting({
    env: 'RECSCORE_LOG_LEVEL',
    kind: oneOf(LOG_LEVELS),
    default: 'info' as ConfigLogLevel,
    doc: 'Lowest level logged (stderr, JSON lines)',
  }),
  // Listener.
  host: setting({ env: 'RECSCORE_HOST', flag: 'host', kind: text(255), default: '127.0.0.1', doc: 'Bind address' }),
  port: setting({
    env: 'PORT',
    flag: 'port',
    kind: int(0, 65_535),
    default: 8000,
    doc: "TCP port (TAAR's variable); 0 picks a free one",
  }),
  headersTimeoutMs: setting({
    env: 'RECSCORE_HEADERS_TIMEOUT_MS',
    flag: 'headers-timeout-ms',
    kind: ms(600_000),
    default: 10_000,
    doc: 'All request headers must arrive within this (408 otherwise); ≤ the request timeout',
  }),
  requestTimeoutMs: setting({
    env: 'RECSCORE_REQUEST_TIMEOUT_MS',
    flag: 'request-timeout-ms',
    kind: ms(600_000),
    default: 30_000,
    doc: 'The whole request, body included, must arrive within this (408 otherwise)',
  }),
  keepAliveTimeoutMs: setting({
    env: 'RECSCORE_KEEP_ALIVE_TIMEOUT_MS',
    flag: 'keep-alive-timeout-ms',
    kind: ms(600_000),
    default: 65_000,
    doc: 'Idle keep-alive; above the usual 60 s load-balancer idle timeout',
  }),
  maxConnections: setting({
    env: 'RECSCORE_MAX_CONNECTIONS',
    flag: 'max-connections',
    kind: int(1, 1_000_000),
    default: 10_000,
    doc: 'Open sockets; Node drops further ones',
  }),
  maxHeaderBytes: setting({
    env: 'RECSCORE_MAX_HEADER_BYTES',
    flag: 'max-header-bytes',
    kind: int(1_024, 1_048_576),
    default: 16_384,
    doc: 'Largest request head (431 above)',
  }),
  bodyLimitBytes: setting({
    env: 'RECSCORE_BODY_LIMIT_BYTES',
    flag: 'body-limit-bytes',
    kind: int(1_024, 16_777_216),
    default: 65_536,
    doc: 'Largest request body (413 above)',
  }),
  closeGraceMs: setting({
    env: 'RECSCORE_CLOSE_GRACE_MS',
    flag: 'close-grace-ms',
    kind: int(0, 600_000),
    default: 10_000,
    doc: 'On SIGTERM, in-flight requests get this long before their sockets are destroyed',
  }),
  accessLogPerSecond: setting({
    env: 'RECSCORE_ACCESS_LOG_PER_SECOND',
    flag: 'access-log-per-second',
    kind: int(0, 1_000_000),
    default: 100,
    doc: 'Access-log lines per second; requests above it are counted in the next line (0: no access log)',
  }),
  // Answers.
  draw: setting({
    env: 'RECSCORE_DRAW',
    flag: 'draw',
    kind: bool,
    default: true,
    doc: "TAAR's weighted draw of the results (`--no-draw` = false; per request `?draw=0\\|1`)",
  }),
  maxResults: setting({
    env: 'TAAR_MAX_RESULTS',
    flag: 'max-results',
    kind: int(1, 100),
    default: 10,
    doc: 'Results per recommendation, drawn and fallback lists alike (per request `?count=`/`?limit=` 1–100)',
  }),
  liteMaxResults: setting({
    env: 'TAARLITE_MAX_RESULTS',
    flag: 'lite-max-results',
    kind: int(1, 20),
    default: 4,
    doc: 'A TAAR-lite answer has exactly this many GUIDs or none (the model keeps 20 per GUID)',
  }),
  fallbackChain: setting({
    env: 'RECSCORE_FALLBACK_CHAIN',
    flag: 'fallback-chain',
    kind: listOf(FALLBACK_STEPS),
    default: FALLBACK_STEPS as readonly FallbackStep[],
    doc: 'Fallback steps tried in order; `none` answers `[]` as TAAR does',
  }),
  // Budgets and breakers.
  profileBudgetMs: setting({
    env: 'RECSCORE_PROFILE_BUDGET_MS',
    flag: 'profile-budget-ms',
    kind: ms(60_000),
    default: 15,
    doc: 'Budget of the profile lookup',
  }),
  scoringBudgetMs: setting({
    env: 'RECSCORE_SCORING_BUDGET_MS',
    flag: 'scoring-budget-ms',
    kind: ms(60_000),
    default: 25,
    doc: 'Budget of scoring',
  }),
  totalBudgetMs: setting({
    env: 'RECSCORE_TOTAL_BUDGET_MS',
    flag: 'total-budget-ms',
    kind: ms(60_000),
    default: 50,
    doc: 'Budget of the whole recommendation',
  }),
  breakerFailures: setting({
    env: 'RECSCORE_BREAKER_FAILURES',
    flag: 'breaker-failures',
    kind: int(1, 10_000),
    default: 5,
    doc: "Consecutive profile-store failures that open its breaker (scorer: the sampled rate's minimum count)",
  }),
  breakerHalfOpenMs: setting({
    env: 'RECSCORE_BREAKER_HALF_OPEN_MS',
    flag: 'breaker-half-open-ms',
    kind: ms(3_600_000),
    default: 5_000,
    doc: 'How long an open breaker waits before one probe',
  }),
  // Model versions that cannot personalise are refused (src/model/kinds/taar/usable.ts); 0 turns a check off.
  modelMinWhitelist: setting({
    env: 'RECSCORE_MODEL_MIN_WHITELIST',
    flag: 'model-min-whitelist',
    kind: int(0, 1_000_000_000),
    default: 1,
    doc: 'A model version needs at least this many whitelisted GUIDs',
  }),
  modelMinItems: setting({
    env: 'RECSCORE_MODEL_MIN_ITEMS',
    flag: 'model-min-items',
    kind: int(0, 1_000_000_000),
    default: 1,
    doc: 'A model version needs at least this many item-matrix rows',
  }),
  modelMinDonors: setting({
    env: 'RECSCORE_MODEL_MIN_DONORS',
    flag: 'model-min-donors',
    kind: int(0, 1_000_000_000),
    default: 1,
    doc: 'A model version needs at least this many donors',
  }),
  // Profiles.
  maxProfileBytes: setting({
    env: 'RECSCORE_MAX_PROFILE_BYTES',
    flag: 'max-profile-bytes',
    kind: int(1_024, 16_777_216),
    default: 65_536,
    doc: 'A stored profile larger than this fails its own request (never transferred from Redis)',
  }),
  // Feedback events (src/events/).
  dataDir: setting({
    env: 'RECSCORE_DATA_DIR',
    flag: 'data-dir',
    kind: text(),
    default: './data',
    doc: 'Base folder of local data; the embedded event log is `<dir>/events/`',
  }),
  events: optional({
    env: 'RECSCORE_EVENTS',
    flag: 'events',
    kind: text(),
    doc: 'Event store: a folder (embedded) or `redis://host:port[/db]`; unset: the data folder',
  }),
  eventDimensions: optional({
    env: 'RECSCORE_EVENT_DIMENSIONS',
    flag: 'event-dimensions',
    kind: text(),
    doc:
      'Distinct-count segments, `;`-separated, dimensions joined by `+` ' +
      '(unset: none;locale;os;served_by;variant;item;model)',
  }),
  eventTypes: optional({
    env: 'RECSCORE_EVENT_TYPES',
    flag: 'event-types',
    kind: text(),
    doc: 'Custom event types with their usage weight: `like:2,share:3`',
  }),
  eventRetentionDays: setting({
    env: 'RECSCORE_EVENT_RETENTION_DAYS',
    flag: 'event-retention-days',
    kind: int(1, 3650),
    default: 90,
    doc: 'Days the event log, sketches and counters are kept',
  }),
  eventMaxLen: optional({
    env: 'RECSCORE_EVENT_MAXLEN',
    flag: 'event-maxlen',
    kind: int(1, 1_000_000_000_000),
    doc: 'Redis: approximate cap of entries per day stream',
  }),
  eventPrefix: setting({
    env: 'RECSCORE_EVENT_PREFIX',
    flag: 'event-prefix',
    kind: text(256),
    default: 'recscore:events:',
    doc: 'Redis key prefix of the event store',
  }),
  servedLog: setting({
    env: 'RECSCORE_SERVED_LOG',
    flag: 'served-log',
    kind: bool,
    // Off until its main-thread cost (~55-75 µs per answer, loadtest/README.md) is cut: on, it would
    // slow every recommendation by about half of what the rest of the request costs.
    default: false,
    doc: "Write each answer's list to the event log as `impression` events (batched, off the response path)",
  }),
  // Scoring pool.
  workers: setting({
    env: 'RECSCORE_WORKERS',
    flag: 'workers',
    kind: int(1, 64),
    default: 1,
    compute: byCores,
    shown: 'cores − 1 (≥ 1)',
    doc: 'Scoring worker threads',
  }),
  maxBatch: setting({
    env: 'RECSCORE_MAX_BATCH',
    flag: 'max-batch',
    kind: int(1, 4096),
    default: 32,
    doc: 'Largest micro-batch; 1 disables batching',
  }),
  maxQueue: setting({
    env: 'RECSCORE_MAX_QUEUE',
    flag: 'max-queue',
    kind: int(1, 1_000_000),
    default: 256,
    doc: 'Requests waiting for a worker; more are shed to the fallback',
  }),
  inflightPerWorker: setting({
    env: 'RECSCORE_INFLIGHT_PER_WORKER',
    flag: 'inflight-per-worker',
    kind: int(1, 64),
    default: 2,
    doc: 'Batches handed to each worker at once',
  }),
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
