/**
 * `recscore serve`: every flag and environment variable is a setting of src/config (flags win over
 * environment variables, which win over defaults); the README's "Configuration" table lists them all.
 * `--no-draw` is `--draw false`.
 *
 * Signals are handled from the first line, before the model loads (a signal without a handler kills
 * the process: SIGHUP 0.8 s after start used to end it with exit 129):
 * - SIGTERM/SIGINT while starting: nothing is served yet, so the process exits 0 at once; once serving:
 *   graceful shutdown (stop accepting, finish in-flight requests, exit 0);
 * - SIGHUP: check the model source now, re-read the registry, the surfaces and catalog files (a bad one is logged,
 *   the old one keeps serving); while starting, ignored (the first load is under way).
 */
import { resolve } from 'node:path';
import { flagOptions, loadConfig, type Flags } from '../config/index.js';
import { eventsConfigOf } from '../events/config.js';
import { log } from '../log.js';
import { ensureSynthData } from '../model/synth/cache.js';
import { serverConfigOf } from '../server/config.js';
import { startServer, type Recscore } from '../server/start.js';
import { parse } from './args.js';

export async function serveCommand(args: string[]): Promise<number> {
  let app: Recscore | undefined;
  let stopped!: () => void;
  const done = new Promise<void>((r) => (stopped = r));
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    if (!app) {
      log.info('stopped while starting', { signal });
      process.exit(0);
    }
    log.info('shutting down', { signal });
    void app.close().then(stopped);
  };
  const onTerm = () => stop('SIGTERM');
  const onInt = () => stop('SIGINT');
  const onHup = () => {
    if (app) {
      log.info('SIGHUP: checking the model source, the registry, the surfaces and catalog files');
      void app.reloader?.checkNow();
      void app.control.store
        .refresh()
        .catch((e: unknown) => log.warn('SIGHUP: registry read failed', { error: (e as Error).message }));
      void app.surfaces.load();
    } else log.info('SIGHUP while starting: ignored, the first model load is under way');
  };
  process.on('SIGTERM', onTerm);
  process.on('SIGINT', onInt);
  process.on('SIGHUP', onHup);
  try {
    log.debug('recscore starting', { pid: process.pid });
    const parsed = parse(args, { ...flagOptions(), 'no-draw': { type: 'boolean' }, debug: { type: 'boolean' } });
    const values = parsed.values as Flags;
    const flags = { ...values, ...(values['no-draw'] && values.draw === undefined ? { draw: 'false' } : {}) };
    const config = loadConfig({ flags });
    let { models, profiles } = config;
    if (config.demo) {
      const demo = await ensureSynthData(resolve(config.demoDir), 'demo');
      models ??= demo.models;
      profiles ??= demo.profiles;
    }
    app = await startServer({
      models,
      profiles,
      profilesPrefix: config.profilesPrefix,
      workers: config.workers,
      server: serverConfigOf(config),
      reload: { intervalMs: config.reloadIntervalS * 1000 },
      cacheDir: config.cacheDir === null ? null : resolve(config.cacheDir),
      reloadToken: config.reloadToken,
      maxBatch: config.maxBatch,
      maxQueue: config.maxQueue,
      inflightPerWorker: config.inflightPerWorker,
      modelMinimums: {
        whitelist: config.modelMinWhitelist,
        items: config.modelMinItems,
        donors: config.modelMinDonors,
      },
      maxProfileBytes: config.maxProfileBytes,
      events: eventsConfigOf(config),
      modelMemory: config.modelMemory,
      registry: {
        location: config.registry,
        dataDir: config.dataDir,
        pollMs: config.registryPollS * 1000,
        adminKeys: config.adminKeys,
        recommendKeys: config.recommendKeys,
        concurrency: config.trainConcurrency,
        capacity: config.trainQueue,
        maxBadLines: config.trainMaxBadLines,
        queueUrl: config.queue,
        queuePrefix: config.queuePrefix,
      },
      surfaces: config.surfaces === undefined ? undefined : resolve(config.surfaces),
      catalog: config.catalog === undefined ? undefined : resolve(config.catalog),
      catalogMaxBytes: config.catalogMaxBytes,
      experimentResultsCache: {
        ttlMs: config.experimentResultsCacheS * 1000,
        maxEntries: config.experimentResultsCacheEntries,
      },
    });
    const facts = app.registry.facts;
    const { url } = app;
    const { pool, profiles: store } = app;
    log.info('recscore listening', { url, model: facts?.version, workers: pool.workers, profiles: store.kind });
    if (!facts) {
      process.stdout.write(`recscore listening on ${url} (no TAAR model set: registry models only)\n`);
    } else {
      const testClient = `${url}/v1/api/recommendations/${'0'.repeat(10)}/`;
      process.stdout.write(`recscore listening on ${url}\n  try: curl -s ${testClient}   (a TAAR test client id)\n`);
    }
    if (facts?.whitelist.length && config.demo) {
      const guid = encodeURIComponent(facts.whitelist[0]);
      process.stdout.write(`  or:  curl -s ${url}/taarlite/api/v1/addon_recommendations/${guid}/\n`);
    }
    const generated = app.control.generatedAdminKey;
    if (generated) {
      log.warn('RECSCORE_ADMIN_KEYS is unset: generated an admin key for this process', {
        registry: app.control.store.location,
      });
      process.stdout.write(`  admin key (generated; set RECSCORE_ADMIN_KEYS to choose one): ${generated}\n`);
    }
    await done;
    return 0;
  } finally {
    process.off('SIGTERM', onTerm);
    process.off('SIGINT', onInt);
    process.off('SIGHUP', onHup);
  }
}
