/**
 * The HTTP application: TAAR's URLs and JSON (SPEC §2), `POST /v1/recommendations`, health, readiness
 * and metrics. Import-safe: createApp builds everything from its arguments; listen.ts serves it.
 *
 * Middleware order: request id, access log and timing/metrics (request-context.ts; outermost, sees every
 * final status; it also turns a 404 for a known path with another method into a JSON 405) → routes. Errors
 * and unknown routes are JSON (on-error.ts).
 */
import { Hono, type Context, type MiddlewareHandler } from 'hono';
import type { EventStore } from '../events/store.js';
import { taarVariant } from '../pipeline/experiments/taar-variant.js';
import type { SurfacesHolder } from '../pipeline/surfaces/holder.js';
import type { ResultsCacheOptions } from '../pipeline/experiments/results-cache.js';
import type { ShownCounts } from '../pipeline/surfaces/impressions.js';
import { createSurfaceService } from '../pipeline/surfaces/service.js';
import type { SarModels, SarScore } from '../pipeline/surfaces/sources.js';
import { SurfaceMetrics } from '../pipeline/surfaces/stats.js';
import { registerSurfaceRoutes } from './routes/surfaces.js';
import { RecscoreError } from '../errors.js';
import type { ScoringPool } from '../dispatch/pool.js';
import type { KernelTrip } from '../dispatch/trip.js';
import { createModelRecommend, type ModelRecommendDeps } from '../pipeline/model-recommend.js';
import { registerModelRecommendRoutes } from './routes/model-recommend.js';
import { methodNotAllowed } from 'hono/method-not-allowed';
import type { Logger } from '../log.js';
import { childCache, type Metrics } from '../metrics/registry.js';
import { StatusSeries } from '../metrics/series.js';
import type { ProfileStore } from '../profile/store.js';
import type { ServedSink } from '../events/served-log.js';
import type { Scorer, VersionInService } from '../recommend/contracts.js';
import { createGuards, type Guards } from '../resilience/guard.js';
import type { ServerConfig } from './config.js';
import type { AppEnv } from './env.js';
import { createOnError, notFound, onMethodNotAllowed } from './on-error.js';
import { createRecommendPipeline, type PipelineVersion } from '../pipeline/recommend.js';
import { requestContext } from './request-context.js';
import { SplitRouter } from './split-router.js';
import { registerClientHasAddonRoutes } from './routes/client-has-addon.js';
import { registerHealthRoutes } from './routes/health.js';
import { registerLiteRoutes } from './routes/lite.js';
import { registerRecommendRoutes } from './routes/recommend.js';
import { registerVersionRoute } from './routes/version.js';
import { registerApiDocsRoutes } from './routes/api-docs.js';
import { registerStatusRoutes } from './routes/status.js';
import { StatusBoard } from './status/board.js';
import { readVersionInfo, type VersionInfo } from './version.js';

export interface AppDeps<V extends PipelineVersion = VersionInService> {
  scorer: Scorer<V>;
  /** The model version in service (`registry.current`); a swap replaces it atomically, each request reads it once. */
  current: () => V | undefined;
  profiles: ProfileStore;
  /** From resolveServerConfig (src/server/config.ts). */
  config: ServerConfig;
  log: Logger;
  metrics: Metrics;
  /** Uniform [0, 1) source of the weighted draw (default Math.random; tests inject a seeded one). */
  random?: () => number;
  /** Extra readiness condition for /ready (default: always true). */
  ready?: () => boolean;
  /** Access log lines per second before they are counted instead (src/server/request-context.ts). */
  accessLogPerSecond?: number;
  /** What /__version__ answers (default: read from version.json, package.json and .git). */
  version?: VersionInfo;
  /** Where each answer's list is logged as impressions (src/events/served-log.ts); none when undefined. */
  served?: ServedSink;
  /** Requests waiting for a worker (the status page's queue depth). */
  queueDepth?: () => number;
  /** RECSCORE_RELOAD_TOKEN: a caller that sends it sees paths and error texts in `/v1/status`. */
  adminToken?: string;
  /** Whether a TAAR model set is configured (default true); without one /ready depends on `ready` alone. */
  taar?: boolean;
  /** The registry's models (issue #13): /api/models/{id}/recommend, through the same guards as TAAR's. */
  registryModels?: { cache: ModelRecommendDeps['cache']; pool: ScoringPool; auth?: MiddlewareHandler<AppEnv> };
  /** Surfaces and experiments (src/pipeline/surfaces/); without it only TAAR's routes are served. */
  surfaces?: AppSurfaces;
}

export interface AppSurfaces {
  holder: SurfacesHolder;
  /** Packed SAR models by name or id, and how to score one (the pool's scoreSar). */
  sar?: SarModels;
  sarScore?: SarScore;
  /** One pool trip for all kernel-backed sources of a request (the pool's scoreTrip); default: one each. */
  trip?: KernelTrip<VersionInService>;
  /** Where experiment results are read from. */
  events?: EventStore;
  /** The admin check of `explain=1` (default: nobody is admin). */
  isAdmin?: (c: Context<AppEnv>) => boolean;
  /** Per-client impression counts for fatigue and `max_shown` (default: `events`, the event store's). */
  shown?: ShownCounts;
  /** Reuse of experiment results answers (default: none). */
  resultsCache?: ResultsCacheOptions;
}

/**
 * The app, plus its breakers (for tests and for the operator's logs) and its status board, where features
 * register their sections (`app.status.provide('models', …)`); `app.status.series.stop()` ends its sampler.
 */
export type RecscoreApp = Hono<AppEnv> & { readonly guards: Guards; readonly status: StatusBoard };

const KNOWN_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']);

export function createApp<V extends PipelineVersion>(deps: AppDeps<V>): RecscoreApp {
  const facts = () => deps.current()?.facts;
  const { config, metrics, log } = deps;
  const guards = createGuards(config, { log, metrics });
  const recommend = createRecommendPipeline({
    scorer: deps.scorer,
    current: deps.current,
    profiles: deps.profiles,
    config,
    guards,
    metrics,
    log,
    random: deps.random ?? Math.random,
    served: deps.served,
  });

  const durations = childCache((route: string) => metrics.httpDuration.labels({ route }));
  // The registry API (/api/models/default next to /api/models/:id) is the part the RegExpRouter refuses.
  const app = new Hono<AppEnv>({ router: new SplitRouter(['/api/models/']) });
  // Hono's methodNotAllowed only acts on a 404; called from requestContext, it is no layer of its own.
  const allowed = methodNotAllowed({ app, onMethodNotAllowed });
  const unhandled = async () => {};
  app.use(
    requestContext({
      log,
      accessLogPerSecond: deps.accessLogPerSecond,
      onNotFound: (c) => allowed(c, unhandled) as Promise<void>,
      onDone: (c, status, ms) => {
        const route =
          c.get('route') ?? (status === 404 ? 'not_found' : status === 405 ? 'method_not_allowed' : 'other');
        const method = KNOWN_METHODS.has(c.req.method) ? c.req.method : 'other';
        metrics.requestsBy.child(route, method, String(status)).inc();
        durations(route).observe(ms / 1000);
      },
    }),
  );
  app.notFound(notFound);
  app.onError(createOnError(log));

  // Without a TAAR model set there is nothing to fall back on either: a clear 503 instead of "not loaded yet".
  const noTaar = async (): Promise<never> => {
    const message =
      'no TAAR model set is configured (serve --models); registry models answer /api/models/{id}/recommend';
    throw new RecscoreError('RECSCORE_NO_MODEL', message);
  };
  const surfaces = deps.surfaces;
  const serveSurface = surfaces
    ? createSurfaceService({
        current: deps.current,
        scorer: deps.scorer,
        profiles: deps.profiles,
        guards,
        sar: surfaces.sar,
        sarScore: surfaces.sarScore,
        // The server's versions are VersionInService (start.ts); tests over fakes give no trip.
        trip: surfaces.trip as KernelTrip<V> | undefined,
        holder: surfaces.holder,
        metrics: new SurfaceMetrics(metrics.registry),
        fallbackChain: config.fallbackChain,
        shown: surfaces.shown ?? surfaces.events,
        recent: surfaces.events,
        served: deps.served,
        random: deps.random,
      })
    : undefined;
  const taarExperiments = surfaces
    ? { variantOf: (id: string) => taarVariant(surfaces.holder.current, id), serveSurface: serveSurface! }
    : undefined;
  const taar = registerRecommendRoutes(app, config, deps.taar === false ? noTaar : recommend, taarExperiments);
  if (deps.registryModels) {
    const { cache, pool, auth } = deps.registryModels;
    const modelRecommend = createModelRecommend({ cache, pool, guards, totalBudgetMs: config.totalBudgetMs });
    registerModelRecommendRoutes(app, config, modelRecommend, auth);
  }

  if (surfaces && serveSurface) {
    registerSurfaceRoutes(app, {
      config,
      holder: surfaces.holder,
      serve: serveSurface,
      taar,
      isAdmin: surfaces.isAdmin ?? (() => false),
      events: surfaces.events,
      resultsCache: surfaces.resultsCache,
    });
  }
  registerClientHasAddonRoutes(app, config, deps.profiles, guards);
  registerLiteRoutes(app, config, facts);
  registerHealthRoutes(app, facts, deps.ready ?? (() => true), metrics, deps.taar ?? true);
  const version = deps.version ?? readVersionInfo();
  registerVersionRoute(app, version);

  const series = new StatusSeries(metrics);
  series.start();
  const status = new StatusBoard({
    metrics,
    series,
    breakers: [guards.profileBreaker, guards.scorerBreaker],
    version,
    queueDepth: deps.queueDepth,
  });
  if (surfaces) status.provide('experiments', () => surfaces.holder.describe());
  registerStatusRoutes(app, status, deps.adminToken);
  registerApiDocsRoutes(app, version);

  return Object.assign(app, { guards, status });
}
