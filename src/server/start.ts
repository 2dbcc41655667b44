/**
 * Composition of a running recscore server (import-safe: nothing happens until `startServer` is called):
 * model source → first version → registry; profile store; worker pool; app; HTTP listener; reloader.
 * The server is ready once a model is loaded, whatever the state of the profile store.
 */
import { log as rootLog, type Logger } from '../log.js';
import { ScoringPool } from '../dispatch/pool.js';
import { createMetrics, type Metrics } from '../metrics/registry.js';
import { BundleCache } from '../model/bundle-cache.js';
import { loadModelOffThread } from '../model/off-thread-load.js';
import { ModelRegistry } from '../model/registry.js';
import { ModelReloader, type ReloaderOptions } from '../model/reloader.js';
import { createModelSource, type CreateSourceOptions } from '../model/source/index.js';
import type { ModelSource } from '../model/source/source.js';
import { createProfileStore } from '../profile/store.js';
import type { ProfileStore } from '../profile/store.js';
import { createApp } from './app.js';
import { resolveServerConfig, type ServerConfigInput } from './config.js';
import { listen, type RunningServer } from './listen.js';
import { attachEvents } from './events-attach.js';
import { registerModelRoutes } from './routes/models.js';

export interface StartOptions {
  models: string | undefined; // folder, gs://…, or undefined with TAAR_* env vars
  profiles: string; // .jsonl[.bz2] or redis://
  workers?: number;
  maxBatch?: number;
  maxQueue?: number;
  inflightPerWorker?: number;
  server?: ServerConfigInput;
  reload?: Omit<ReloaderOptions, 'logger' | 'cache'>;
  /** folder of packed bundles (restart = one read); null disables the cache */
  cacheDir?: string | null;
  /** GCS client timing and retry settings (src/model/source/gcs-options.ts) */
  gcs?: CreateSourceOptions['gcs'];
  /** bearer token of POST /v1/models/reload (disabled when undefined) */
  reloadToken?: string;
  env?: Record<string, string | undefined>;
  logger?: Logger;
  random?: () => number;
  /** event store and rules (src/events/env.ts); default from the environment: embedded under ./data */
  events?: import('../events/env.js').EventsConfig;
}

export interface Recscore {
  url: string;
  http: RunningServer;
  registry: ModelRegistry;
  reloader: ModelReloader;
  pool: ScoringPool;
  profiles: ProfileStore;
  metrics: Metrics;
  close(): Promise<void>;
}

export async function startServer(opts: StartOptions): Promise<Recscore> {
  const logger = opts.logger ?? rootLog;
  const config = resolveServerConfig(opts.server ?? {});
  const metrics = createMetrics({ defaultMetrics: true });
  const registry = new ModelRegistry();
  registry.onInstall((v) => metrics.setModelVersion(v.model.version));
  const env = opts.env ?? process.env;
  // RECSCORE_GCS_ENDPOINT points the GCS client at another JSON-API endpoint (a loopback fake in tests).
  const gcs = { ...(env.RECSCORE_GCS_ENDPOINT ? { apiEndpoint: env.RECSCORE_GCS_ENDPOINT } : {}), ...opts.gcs };
  const source: ModelSource = createModelSource(opts.models, env, { logger, gcs });
  const pool = new ScoringPool(() => registry.model, {
    workers: opts.workers, maxBatch: opts.maxBatch, maxQueue: opts.maxQueue, inflightPerWorker: opts.inflightPerWorker, logger,
    onBatch: (b) => metrics.pool.observeBatch(b),
  });
  const cache = opts.cacheDir ? new BundleCache(opts.cacheDir, source.location, 3, logger) : undefined;
  const reloader = new ModelReloader(source, registry, {
    ...opts.reload, logger, cache, prepare: (m) => pool.warm(m),
    // Decoding JSON blocks for seconds on a large model: it happens in a loader thread, not here.
    load: (_source, version) => loadModelOffThread(opts.models, { ...env }, gcs, version),
  });
  try {
    await reloader.loadInitial();
  } catch (e) {
    await pool.close();
    throw e;
  }

  const profiles = await createProfileStore(opts.profiles, { logger });
  const app = createApp({
    scorer: pool, facts: () => registry.facts, profiles, config, log: logger, metrics, random: opts.random,
    ready: () => pool.healthy,
  });
  registerModelRoutes(app, registry, reloader, opts.reloadToken);
  const events = await attachEvents(app, opts.events, env, logger);
  const http = await listen(app, config, logger);
  reloader.start();
  const queueGauge = setInterval(() => metrics.pool.setQueueDepth(pool.queueDepth), 1000).unref();
  let closed: Promise<void> | undefined;
  return {
    url: http.url, http, registry, reloader, pool, profiles, metrics,
    close: () =>
      (closed ??= (async () => {
        clearInterval(queueGauge);
        reloader.stop();
        await http.close();
        await pool.close();
        await profiles.close();
        await events.close();
        await source.close();
      })()),
  };
}
