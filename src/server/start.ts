/**
 * Composition of a running recscore server (import-safe: nothing happens until `startServer` is called):
 * model source → first version → registry; profile store; worker pool; app; HTTP listener; reloader.
 * The server is ready once a model is loaded, whatever the state of the profile store.
 *
 * The TAAR model set is optional (issue #13): with no `models` and no TAAR_* variables the server serves
 * the model registry alone. The TAAR routes then answer 503 `RECSCORE_NO_MODEL` ("no TAAR model set is
 * configured"; a fallback list would need a TAAR model too), `/v1/models` is absent, and `/ready` depends
 * on the pool only. Registry models (`records`) are served by a ModelCache on /api/models/{id}/recommend.
 */
import { log as rootLog, type Logger } from '../log.js';
import { ScoringPool } from '../dispatch/pool.js';
import { createMetrics, type Metrics } from '../metrics/registry.js';
import { BundleCache } from '../model/lifecycle/bundle-cache.js';
import { loadModelOffThread } from '../model/lifecycle/off-thread-load.js';
import type { UsableMinimums } from '../model/kinds/taar/usable.js';
import { taarServing } from '../dispatch/kinds.js';
import type { PackedModel } from '../model/kinds/taar/packed-model.js';
import type { ModelFacts, VersionInService } from '../recommend/contracts.js';
import { ModelRegistry } from '../model/lifecycle/registry.js';
import { ModelReloader, type ReloaderOptions } from '../model/lifecycle/reloader.js';
import { createModelSource, type CreateSourceOptions } from '../model/source/index.js';
import { hasTaarEnv } from '../model/source/gcs-layout.js';
import type { RecordsView } from '../model/records/record.js';
import type { ModelCache } from '../dispatch/model-cache.js';
import { EmbeddedProfileStore } from '../profile/embedded-store.js';
import { defaultOf } from '../config/index.js';
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from './env.js';
import { requireKey } from './auth.js';
import { serveRegistryModels } from './registry-serving.js';
import type { ModelSource } from '../model/source/source.js';
import { createProfileStore } from '../profile/create-store.js';
import type { ProfileStore } from '../profile/store.js';
import { modelEnvFrom } from '../config/index.js';
import { createApp, type RecscoreApp } from './app.js';
import { resolveServerConfig, type ServerConfigInput } from './config.js';
import { listen, type RunningServer } from './listen.js';
import { attachEvents, openEvents, type OpenEvents } from './events-attach.js';
import { bearerMatches, registerModelRoutes } from './routes/models.js';
import { modelStatus } from './status/models.js';
import { openControlPlane, type ControlPlane, type ControlPlaneOptions } from './control-plane.js';
import { scoreSar } from '../dispatch/sar-scorer.js';
import { scoreTrip } from '../dispatch/trip.js';
import { SurfacesHolder } from '../pipeline/surfaces/holder.js';
import { registrySarModels, SarModelNames } from '../pipeline/surfaces/sar-names.js';
import type { SarModels } from '../pipeline/surfaces/sources.js';

export interface StartOptions {
  /** folder, gs://…, or undefined with TAAR_* env vars; neither: no TAAR model set (registry only) */
  models: string | undefined;
  /** .jsonl[.bz2] or redis://; required with a TAAR model set (without one: an empty store) */
  profiles?: string;
  /** Redis key prefix of the profile store (default `recscore:`, as `profiles load`) */
  profilesPrefix?: string;
  workers?: number;
  maxBatch?: number;
  maxQueue?: number;
  inflightPerWorker?: number;
  server?: ServerConfigInput;
  reload?: Omit<ReloaderOptions<PackedModel>, 'logger' | 'cache' | 'load' | 'prepare'>;
  /** folder of packed bundles (restart = one read); null disables the cache */
  cacheDir?: string | null;
  /** GCS client timing and retry settings (src/model/source/gcs-options.ts) */
  gcs?: CreateSourceOptions['gcs'];
  /** a model version below these is refused (default: one of each) */
  modelMinimums?: UsableMinimums;
  /** a stored profile larger than this fails its own request (Redis store; default 64 KiB) */
  maxProfileBytes?: number;
  /** bearer token of POST /v1/models/reload (disabled when undefined) */
  reloadToken?: string;
  /**
   * The model source's environment (TAAR_* variables, RECSCORE_GCS_ENDPOINT); default the process's, read by
   * src/config
   */
  env?: Record<string, string | undefined>;
  logger?: Logger;
  random?: () => number;
  /** event store and rules (src/events/config.ts); default: the embedded log under ./data */
  events?: import('../events/config.js').EventsConfig;
  /** the model registry, its training jobs and API keys (issue #13); default `./data/registry`, a generated key */
  registry?: Partial<ControlPlaneOptions>;
  /** surfaces and experiments file (RECSCORE_SURFACES); undefined: only the built-in `taar` surface */
  surfaces?: string;
  /** item catalog file (RECSCORE_CATALOG) and its size bound; re-read with the surfaces file */
  catalog?: string;
  catalogMaxBytes?: number;
  /** experiment results answers reused (RECSCORE_EXPERIMENT_RESULTS_CACHE_S / _ENTRIES; default the settings') */
  experimentResultsCache?: { ttlMs: number; maxEntries: number };
  /** packed SAR models by name or id for SAR sources (the model registry's cache at merge) */
  sarModels?: SarModels;
  /** Instead of the registry store's records (tests); the control plane still opens. */
  records?: RecordsView;
  /** Shared memory for registry models (RECSCORE_MODEL_MEMORY; default its setting's). */
  modelMemory?: number;
  /** Instead of the recommend keys (`requireKey(keys, 'recommend')`) on the registry recommend routes (tests). */
  recommendAuth?: MiddlewareHandler<AppEnv>;
}

export interface Recscore {
  url: string;
  http: RunningServer;
  /** TAAR's versions (empty without a TAAR model set). */
  registry: ModelRegistry<PackedModel, ModelFacts>;
  /** Undefined without a TAAR model set. */
  reloader: ModelReloader<PackedModel> | undefined;
  /** The registry's models in memory. */
  modelCache: ModelCache;
  pool: ScoringPool;
  profiles: ProfileStore;
  metrics: Metrics;
  /** The event store and the served log (undefined when off). */
  events: OpenEvents;
  /** The surfaces configuration: `load()` re-reads the file (SIGHUP), keeping the old one if it is bad. */
  surfaces: SurfacesHolder;
  /** The app as mounted (its routes, guards and status board). */
  app: RecscoreApp;
  /** The model registry, its training queue and API keys (`control.generatedAdminKey` when none was configured). */
  control: ControlPlane;
  close(): Promise<void>;
}

export async function startServer(opts: StartOptions): Promise<Recscore> {
  const logger = opts.logger ?? rootLog;
  const config = resolveServerConfig(opts.server ?? {});
  // Read first: a bad surfaces file stops the start before anything heavy is loaded.
  const surfaces = new SurfacesHolder(opts.surfaces, logger, {
    path: opts.catalog,
    maxBytes: opts.catalogMaxBytes ?? defaultOf('catalogMaxBytes'),
  });
  await surfaces.load(true);
  const metrics = createMetrics({ defaultMetrics: true });
  // The one kind served today; a second kind would be chosen here by configuration.
  const kind = taarServing;
  const registry = new ModelRegistry(kind.createFacts);
  registry.onInstall((v) => metrics.setModelVersion(v.model.version));
  const { taarModelEnv, gcsEndpoint } = modelEnvFrom(opts.env);
  // RECSCORE_GCS_ENDPOINT points the GCS client at another JSON-API endpoint (a loopback fake in tests).
  const gcs = { ...(gcsEndpoint ? { apiEndpoint: gcsEndpoint } : {}), ...opts.gcs };
  const taar = opts.models !== undefined || hasTaarEnv(taarModelEnv);
  const source: ModelSource | undefined = taar
    ? createModelSource(opts.models, taarModelEnv, { logger, gcs })
    : undefined;
  const pool = new ScoringPool({
    workers: opts.workers,
    maxBatch: opts.maxBatch,
    maxQueue: opts.maxQueue,
    inflightPerWorker: opts.inflightPerWorker,
    logger,
    onBatch: (b) => metrics.pool.observeBatch(b),
  });
  const cache =
    source && opts.cacheDir ? new BundleCache(kind.model, opts.cacheDir, source.location, 3, logger) : undefined;
  const reloader =
    source &&
    new ModelReloader(source, registry, {
      ...opts.reload,
      logger,
      cache,
      prepare: (m) => pool.warm(m),
      // Decoding JSON blocks for seconds on a large model: it happens in a loader thread, not here.
      load: (_source, version) => {
        const job = { location: opts.models, env: { ...taarModelEnv }, gcs, version, limits: opts.modelMinimums };
        return loadModelOffThread(kind.model, job, kind.finish);
      },
    });
  try {
    await reloader?.loadInitial();
  } catch (e) {
    await pool.close();
    throw e;
  }

  const profiles = opts.profiles
    ? await createProfileStore(opts.profiles, {
        logger,
        redis: { prefix: opts.profilesPrefix, maxProfileBytes: opts.maxProfileBytes },
      })
    : EmbeddedProfileStore.empty();
  let events: OpenEvents;
  try {
    events = await openEvents(opts.events, logger, metrics);
  } catch (e) {
    await pool.close();
    await profiles.close();
    throw e;
  }
  // SAR sources of surfaces name registry models (`default`, an id, a description: sar-names.ts), resolved by
  // the registry's records and loaded through the model cache, both created once the registry is open.
  let modelCacheRef: ModelCache | undefined;
  let sarNames: SarModelNames | undefined;
  const registrySar = registrySarModels(
    () => sarNames,
    () => modelCacheRef,
  );
  const app = createApp<VersionInService>({
    scorer: pool,
    current: () => registry.current,
    profiles,
    config,
    log: logger,
    metrics,
    random: opts.random,
    ready: () => pool.healthy,
    accessLogPerSecond: config.accessLogPerSecond,
    served: events.served,
    surfaces: {
      holder: surfaces,
      sar: opts.sarModels ?? registrySar,
      sarScore: (model, req, deadline) => scoreSar(pool, model, req, deadline),
      trip: (parts, deadline) => scoreTrip(pool, parts, deadline),
      events: events.store,
      resultsCache: opts.experimentResultsCache ?? {
        ttlMs: defaultOf('experimentResultsCacheS') * 1000,
        maxEntries: defaultOf('experimentResultsCacheEntries'),
      },
      // An admin API key (x-api-key), or the reload bearer token that explain accepted first.
      isAdmin: (c) =>
        control?.keys.kindOf(c.req.header('x-api-key')) === 'admin' ||
        bearerMatches(c.req.header('authorization'), opts.reloadToken),
    },
    queueDepth: () => pool.queueDepth,
    adminToken: opts.reloadToken,
    taar,
  });
  app.status.provide('models', ({ full }) => (reloader ? modelStatus(registry, reloader, full) : []));
  let control: ControlPlane | undefined;
  try {
    control = await openControlPlane(app, {
      ...opts.registry,
      gcsEndpoint,
      // Training from `events:FROM..TO` reads this server's event store, wherever flags put it.
      usageEvents: {
        spec: events.config.spec,
        store: { prefix: events.config.store.prefix },
        weights: events.config.rules.weights,
      },
      log: logger,
      bodyLimitBytes: config.bodyLimitBytes,
    });
  } catch (e) {
    await pool.close();
    await profiles.close();
    await events.close();
    throw e;
  }
  if (reloader) registerModelRoutes(app, registry, reloader, opts.reloadToken, control.keys);
  // The registry's Completed models, served from shared memory; the default is loaded before listening.
  const modelCache = await serveRegistryModels({
    app,
    control,
    pool,
    config,
    metrics,
    logger,
    budgetBytes: opts.modelMemory ?? defaultOf('modelMemory'),
    gcs,
    records: opts.records,
    recommendAuth: opts.recommendAuth,
  });
  modelCacheRef = modelCache;
  sarNames = new SarModelNames(opts.records ?? control.store);
  const names = sarNames;
  surfaces.setModelResolver((ref) => names.resolve(ref));
  names.onChange(() => surfaces.checkModels());
  // Posting events needs a key once recommend keys exist (issue 14); without them it is open, as TAAR's routes.
  const eventsGuard = opts.registry?.recommendKeys?.length ? requireKey(control.keys, 'recommend') : undefined;
  attachEvents(app, events, logger, eventsGuard);
  const http = await listen(app, config, logger);
  reloader?.start();
  const queueGauge = setInterval(() => metrics.pool.setQueueDepth(pool.queueDepth), 1000).unref();
  let closed: Promise<void> | undefined;
  return {
    url: http.url,
    http,
    registry,
    reloader,
    modelCache,
    pool,
    profiles,
    metrics,
    events,
    surfaces,
    app,
    control,
    close: () =>
      (closed ??= (async () => {
        clearInterval(queueGauge);
        app.status.series.stop();
        reloader?.stop();
        await http.close();
        modelCache.close();
        names.close();
        await control.close();
        await pool.close();
        await profiles.close();
        await events.close();
        await source?.close();
      })()),
  };
}
