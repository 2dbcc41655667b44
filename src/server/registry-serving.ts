/**
 * The registry's models on the serving side (issue #13), mounted on a built app: the model cache that
 * loads Completed models into shared memory, its gauges and status sections, and the
 * /api/models/{id|default}/recommend routes behind the recommend keys. The one seam between start.ts's
 * composition and the registry's serving half, as events-attach.ts is for events.
 */
import type { MiddlewareHandler } from 'hono';
import { Gauge } from 'prom-client';
import type { Logger } from '../log.js';
import type { Metrics } from '../metrics/registry.js';
import type { RecordsView } from '../model/records/record.js';
import { ModelCache, type ModelCacheOptions } from '../dispatch/model-cache.js';
import type { ScoringPool } from '../dispatch/pool.js';
import { createModelRecommend } from '../pipeline/model-recommend.js';
import type { RecscoreApp } from './app.js';
import { requireKey } from './auth.js';
import type { ServerConfig } from './config.js';
import type { ControlPlane } from './control-plane.js';
import type { AppEnv } from './env.js';
import { registerModelRecommendRoutes } from './routes/model-recommend.js';
import { loadedModelsStatus, trainingStatus } from './status/registry.js';

export interface RegistryServingDeps {
  app: RecscoreApp;
  control: ControlPlane;
  pool: ScoringPool;
  config: ServerConfig;
  metrics: Metrics;
  logger: Logger;
  budgetBytes: number;
  gcs: ModelCacheOptions['gcs'];
  /** Instead of the registry store's records (tests). */
  records?: RecordsView;
  /** Instead of the recommend keys on the recommend routes (tests). */
  recommendAuth?: MiddlewareHandler<AppEnv>;
}

/** Mounts the registry's models and loads the default before the server listens. */
export async function serveRegistryModels(d: RegistryServingDeps): Promise<ModelCache> {
  const { app, control } = d;
  const cache = new ModelCache({
    records: d.records ?? control.store,
    pool: d.pool,
    budgetBytes: d.budgetBytes,
    gcs: d.gcs,
    logger: d.logger,
  });
  app.status.provide('training', () => trainingStatus(control.store));
  app.status.provide('registry_models', () => loadedModelsStatus(cache));
  registerModelCacheGauges(d.metrics, cache);
  const recommend = createModelRecommend({
    cache,
    pool: d.pool,
    guards: app.guards,
    totalBudgetMs: d.config.totalBudgetMs,
  });
  registerModelRecommendRoutes(app, d.config, recommend, d.recommendAuth ?? requireKey(control.keys, 'recommend'));
  // A default that cannot be loaded is logged, not fatal: the other models and TAAR still serve.
  await cache.start();
  return cache;
}

/** Gauges of the registry models in memory, read at scrape time, so the cache needs no metrics of its own. */
function registerModelCacheGauges(metrics: Metrics, cache: ModelCache): void {
  const registers = [metrics.registry];
  new Gauge({
    name: 'recscore_registry_models_loaded',
    help: 'Registry models loaded in shared memory',
    registers,
    collect() {
      this.set(cache.loaded().length);
    },
  });
  new Gauge({
    name: 'recscore_registry_models_bytes',
    help: 'Shared memory held by loaded registry models (RECSCORE_MODEL_MEMORY bounds it), bytes',
    registers,
    collect() {
      this.set(cache.bytes);
    },
  });
}
