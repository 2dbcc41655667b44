/**
 * `recscore serve`: flags win over environment variables, which win over defaults.
 *
 *   --models DIR|gs://B/P   RECSCORE_MODELS (or TAAR's TAAR_*_BUCKET/_KEY variables)
 *   --profiles FILE|URL     RECSCORE_PROFILES  (.jsonl, .jsonl.bz2 or redis://host:port[/db])
 *   --port N                PORT (TAAR's variable; default 8000)
 *   --host H                RECSCORE_HOST (default 127.0.0.1)
 *   --workers N             RECSCORE_WORKERS (default: cores - 1, at least 1)
 *   --reload-interval S     RECSCORE_RELOAD_INTERVAL (seconds, default 60; 0 = never poll)
 *   --no-draw               RECSCORE_DRAW=0: serve the deterministic top list instead of TAAR's draw
 *   --cache-dir DIR         RECSCORE_CACHE_DIR (default .cache/bundles; "off" disables the packed-bundle cache)
 *                           RECSCORE_RELOAD_TOKEN: bearer token enabling POST /v1/models/reload
 *                           RECSCORE_GCS_ENDPOINT: GCS JSON-API endpoint (default Google's)
 *                           RECSCORE_PROFILE_BUDGET_MS (15), RECSCORE_SCORING_BUDGET_MS (25), RECSCORE_TOTAL_BUDGET_MS (50)
 *                           RECSCORE_MAX_BATCH (default 32; 1 disables micro-batching), RECSCORE_MAX_QUEUE (256),
 *                           RECSCORE_INFLIGHT_PER_WORKER (batches handed to each worker at once, default 2)
 *   --demo                  generate (once, into .cache/demo) and serve the synthetic demo model + profiles
 *
 * SIGTERM/SIGINT: graceful shutdown (stop accepting, finish in-flight requests, exit 0). SIGHUP: check the
 * model source now.
 */
import { resolve } from 'node:path';
import { RecscoreError } from '../errors.js';
import { log } from '../log.js';
import { ensureSynthData } from '../model/synth-cache.js';
import { startServer } from '../server/start.js';
import { intOption, parse } from './args.js';

export async function serveCommand(args: string[]): Promise<number> {
  const { values } = parse(args, {
    models: { type: 'string' }, profiles: { type: 'string' }, port: { type: 'string' }, host: { type: 'string' },
    workers: { type: 'string' }, 'reload-interval': { type: 'string' }, 'no-draw': { type: 'boolean' }, demo: { type: 'boolean' }, 'cache-dir': { type: 'string' },
    debug: { type: 'boolean' },
  });
  const env = process.env;
  let models = values.models ?? env.RECSCORE_MODELS;
  let profiles = values.profiles ?? env.RECSCORE_PROFILES;
  if (values.demo) {
    const demo = await ensureSynthData(resolve(env.RECSCORE_DEMO_DIR ?? '.cache/demo'), 'demo');
    models ??= demo.models;
    profiles ??= demo.profiles;
  }
  if (!profiles) throw new RecscoreError('RECSCORE_CONFIG', '--profiles (or RECSCORE_PROFILES) is required: a .jsonl file or a redis:// URL (or use --demo)');
  const port = intOption('port', values.port ?? env.PORT, 8000, 0, 65535);
  const workers = values.workers ?? env.RECSCORE_WORKERS;
  const reloadS = intOption('reload-interval', values['reload-interval'] ?? env.RECSCORE_RELOAD_INTERVAL, 60, 0, 86_400);
  const cacheDir = values['cache-dir'] ?? env.RECSCORE_CACHE_DIR ?? '.cache/bundles';
  const app = await startServer({
    models,
    profiles,
    workers: workers === undefined ? undefined : intOption('workers', workers, 1, 1, 64),
    server: {
      port, host: values.host ?? env.RECSCORE_HOST ?? '127.0.0.1', draw: !(values['no-draw'] || env.RECSCORE_DRAW === '0'),
      profileBudgetMs: intOption('RECSCORE_PROFILE_BUDGET_MS', env.RECSCORE_PROFILE_BUDGET_MS, 15, 1, 60_000),
      scoringBudgetMs: intOption('RECSCORE_SCORING_BUDGET_MS', env.RECSCORE_SCORING_BUDGET_MS, 25, 1, 60_000),
      totalBudgetMs: intOption('RECSCORE_TOTAL_BUDGET_MS', env.RECSCORE_TOTAL_BUDGET_MS, 50, 1, 60_000),
    },
    reload: { intervalMs: reloadS * 1000 },
    cacheDir: cacheDir === 'off' ? null : resolve(cacheDir),
    reloadToken: env.RECSCORE_RELOAD_TOKEN || undefined,
    maxBatch: intOption('RECSCORE_MAX_BATCH', env.RECSCORE_MAX_BATCH, 32, 1, 4096),
    maxQueue: intOption('RECSCORE_MAX_QUEUE', env.RECSCORE_MAX_QUEUE, 256, 1, 1_000_000),
    inflightPerWorker: intOption('RECSCORE_INFLIGHT_PER_WORKER', env.RECSCORE_INFLIGHT_PER_WORKER, 2, 1, 64),
  });
  const facts = app.registry.facts!;
  const example = app.registry.facts?.whitelist.length ? 'client' : '';
  log.info('recscore listening', { url: app.url, model: facts.version, workers: app.pool.workers, profiles: app.profiles.kind });
  process.stdout.write(`recscore listening on ${app.url}\n  try: curl -s ${app.url}/v1/api/recommendations/${'0'.repeat(10)}/   (a TAAR test client id)\n`);
  if (example && values.demo) process.stdout.write(`  or:  curl -s ${app.url}/taarlite/api/v1/addon_recommendations/${encodeURIComponent(facts.whitelist[0])}/\n`);

  await new Promise<void>((done) => {
    const stop = (signal: string) => {
      log.info('shutting down', { signal });
      void app.close().then(done);
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
    process.on('SIGHUP', () => void app.reloader.checkNow());
  });
  return 0;
}
