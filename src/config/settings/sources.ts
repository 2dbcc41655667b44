/** Where models and profiles come from, and logging. */
import { bool, int, oneOf, text, url, type ValueKind } from '../values.js';
import { optional, setting, type Setting } from './define.js';

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'silent'] as const;
export type ConfigLogLevel = (typeof LOG_LEVELS)[number];
const cacheDir: ValueKind<string | null> = {
  describe: 'folder, or off',
  parse: (raw, source) => (raw.trim() === 'off' ? null : text().parse(raw, source)),
};

export const SOURCE_SETTINGS = {
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
} satisfies Record<string, Setting<unknown>>;
