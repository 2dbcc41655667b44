/**
 * Every recscore metric, declared once, named `recscore_<stage>_<unit>`. Other modules import the
 * object `createMetrics()` returns and only call its members. Each call builds its own prom-client
 * Registry (never the global one) so tests can run several apps in one process.
 *
 * Served path and fallback reason are bounded label sets (see src/resilience/fallback.ts); routes are
 * route names, never raw paths, so no client input reaches a label value.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { DeferredCounter } from './deferred-counter.js';
import { ServingWindow } from './serving-window.js';
import { suppressedLogLines } from '../log.js';

// Seconds; the request budgets are 15/25/50 ms so most resolution sits below 0.1 s.
const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.015, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];
const BATCH_BUCKETS = [1, 2, 4, 8, 16, 32, 64, 128];
// A hand-off is tens to hundreds of µs; a batch's compute up to a few ms.
const HANDOFF_BUCKETS = [0.00005, 0.0001, 0.0002, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.025];

/** Gauge values of `recscore_breaker_state`. */
export const BREAKER_STATE_VALUE = { closed: 0, 'half-open': 1, open: 2, isolated: 3 } as const;
export type BreakerStateName = keyof typeof BREAKER_STATE_VALUE;

export interface MetricsOptions {
  /** Add prom-client's process metrics (CPU, memory, event-loop lag) — once per process, in main. */
  defaultMetrics?: boolean;
}

export function createMetrics(options: MetricsOptions = {}) {
  const registry = new Registry();
  // prom-client's own names (process_cpu_seconds_total, nodejs_heap_size_used_bytes, …): stock Node
  // dashboards read them unchanged. A prefix here gave `recscore_process_process_cpu_seconds_total`.
  if (options.defaultMetrics) collectDefaultMetrics({ register: registry });
  const registers = [registry];

  // The per-answer counters are counted off prom-client and added when read (deferred-counter.ts).
  let requestsBy: DeferredCounter<'route' | 'method' | 'status'> | undefined;
  let servedBy: DeferredCounter<'served_by'> | undefined;
  let fallbacksBy: DeferredCounter<'reason'> | undefined;
  const httpRequests = new Counter({
    name: 'recscore_http_requests_total',
    help: 'HTTP requests answered, by route, method and status',
    labelNames: ['route', 'method', 'status'] as const,
    registers,
    collect: () => requestsBy?.flush(),
  });
  const httpDuration = new Histogram({
    name: 'recscore_http_duration_seconds',
    help: 'Time to build the HTTP response, by route',
    labelNames: ['route'] as const,
    buckets: LATENCY_BUCKETS,
    registers,
  });
  const served = new Counter({
    name: 'recscore_recommend_served_total',
    help: 'Recommendation answers by serving path',
    labelNames: ['served_by'] as const,
    registers,
    collect: () => servedBy?.flush(),
  });
  const servedDuration = new Histogram({
    name: 'recscore_recommend_duration_seconds',
    help: 'Recommendation latency by serving path',
    labelNames: ['served_by'] as const,
    buckets: LATENCY_BUCKETS,
    registers,
  });
  const fallbacks = new Counter({
    name: 'recscore_fallback_total',
    help: 'Answers served from the fallback chain, by reason',
    labelNames: ['reason'] as const,
    registers,
    collect: () => fallbacksBy?.flush(),
  });
  requestsBy = new DeferredCounter(httpRequests, ['route', 'method', 'status']);
  servedBy = new DeferredCounter(served, ['served_by']);
  fallbacksBy = new DeferredCounter(fallbacks, ['reason']);
  const breakerState = new Gauge({
    name: 'recscore_breaker_state',
    help: 'Circuit breaker state: 0 closed, 1 half-open, 2 open, 3 isolated',
    labelNames: ['breaker'] as const,
    registers,
  });
  const breakerTransitions = new Counter({
    name: 'recscore_breaker_transitions_total',
    help: 'Circuit breaker state changes, by breaker and new state',
    labelNames: ['breaker', 'state'] as const,
    registers,
  });
  const profileDuration = new Histogram({
    name: 'recscore_profile_duration_seconds',
    help: 'Profile store lookups that completed, by outcome',
    labelNames: ['outcome'] as const,
    buckets: LATENCY_BUCKETS,
    registers,
  });
  const profileErrors = new Counter({
    name: 'recscore_profile_errors_total',
    help: 'Profile store failures, by kind (timeout, error)',
    labelNames: ['kind'] as const,
    registers,
  });
  const profileInvalid = new Counter({
    name: 'recscore_profile_invalid_total',
    help: 'Stored profiles rejected because of their shape',
    registers,
  });
  const scoringDuration = new Histogram({
    name: 'recscore_scoring_duration_seconds',
    help: 'Scorer calls that completed, by outcome',
    labelNames: ['outcome'] as const,
    buckets: LATENCY_BUCKETS,
    registers,
  });
  const poolQueueDepth = new Gauge({
    name: 'recscore_pool_queue_depth',
    help: 'Scoring requests waiting for a worker',
    registers,
  });
  const poolBatchSize = new Histogram({
    name: 'recscore_pool_batch_size',
    help: 'Requests per batch sent to a worker',
    buckets: BATCH_BUCKETS,
    registers,
  });
  const poolBatchTime = new Histogram({
    name: 'recscore_pool_batch_seconds',
    help:
      "A batch's time by phase: handoff (posted until a worker starts it), compute (in the worker), " +
      'return (worker done until the result is back on the main thread)',
    labelNames: ['phase'] as const,
    buckets: HANDOFF_BUCKETS,
    registers,
  });
  const batchPhase = {
    handoff: poolBatchTime.labels({ phase: 'handoff' }),
    compute: poolBatchTime.labels({ phase: 'compute' }),
    return: poolBatchTime.labels({ phase: 'return' }),
  };
  // Per process, like the log limiter it reads: the counter reports the process total at each scrape.
  const counted = { warn: 0, error: 0 };
  const logSuppressed: Counter<'level'> = new Counter({
    name: 'recscore_log_suppressed_total',
    help: 'Repeated warning and error log lines counted instead of written (src/log.ts)',
    labelNames: ['level'] as const,
    registers,
    collect() {
      const now = suppressedLogLines();
      for (const level of ['warn', 'error'] as const) {
        if (now[level] > counted[level]) logSuppressed.inc({ level }, now[level] - counted[level]);
        counted[level] = now[level];
      }
    },
  });
  logSuppressed.inc({ level: 'warn' }, 0);
  logSuppressed.inc({ level: 'error' }, 0);
  const modelInfo = new Gauge({
    name: 'recscore_model_info',
    help: 'The model version in service (value 1)',
    labelNames: ['version'] as const,
    registers,
  });
  const serving = new ServingWindow();
  new Gauge({
    name: 'recscore_recommend_personalised_ratio',
    help: 'Personalised share of the answers to known clients over the last 30 s (1 when there were none)',
    registers,
    collect() {
      const s = serving.snapshot();
      this.set(s.personalised + s.fallback === 0 ? 1 : s.personalised / (s.personalised + s.fallback));
    },
  });
  new Gauge({
    name: 'recscore_recommend_seconds_since_personalised',
    help: 'Seconds since the last personalised answer (-1: none since start)',
    registers,
    collect() {
      this.set(serving.snapshot().secondsSincePersonalised ?? -1);
    },
  });
  const kernelReference = new Counter({
    name: 'recscore_kernel_reference_ensembles_total',
    help: 'Ensembles computed by the TypeScript reference instead of the WASM kernel (inputs beyond its scratch)',
    registers,
  });

  return {
    registry,
    httpRequests,
    /** `httpRequests` by (route, method, status), for the request path (an `inc()` without label hashing). */
    requestsBy,
    httpDuration,
    served,
    /** `served` by served_by, for the request path. */
    servedBy,
    servedDuration,
    fallbacks,
    /** `fallbacks` by reason, for the request path. */
    fallbacksBy,
    breakerState,
    breakerTransitions,
    profileDuration,
    profileErrors,
    profileInvalid,
    scoringDuration,
    /** Personalised vs fallback answers to known clients (src/pipeline/recommend.ts records, /ready reads). */
    serving,
    /** Setters for the worker pool (src/dispatch/), which owns these numbers. */
    pool: {
      setQueueDepth: (n: number) => poolQueueDepth.set(n),
      observeBatch: (b: {
        size: number;
        handoffMs: number;
        computeMs: number;
        returnMs: number;
        referenceEnsembles?: number;
      }) => {
        poolBatchSize.observe(b.size);
        if (b.referenceEnsembles) kernelReference.inc(b.referenceEnsembles);
        // Clocks of two threads: a sub-µs negative difference is rounding, not time travel.
        batchPhase.handoff.observe(Math.max(0, b.handoffMs) / 1000);
        batchPhase.compute.observe(b.computeMs / 1000);
        batchPhase.return.observe(Math.max(0, b.returnMs) / 1000);
      },
    },
    /** Called on every model swap; the previous version's series is removed. */
    setModelVersion: (version: string) => {
      modelInfo.reset();
      modelInfo.set({ version }, 1);
    },
    setBreakerState: (breaker: string, state: BreakerStateName) => {
      breakerState.set({ breaker }, BREAKER_STATE_VALUE[state]);
      breakerTransitions.inc({ breaker, state });
    },
  };
}

export type Metrics = ReturnType<typeof createMetrics>;

/**
 * A metric's label children, cached by their joined label values: prom-client hashes the label object
 * on every `inc({…})`/`observe({…})`, which shows on the request path. Label values must be bounded
 * (route names, served paths), as they are for every recscore metric.
 * @example
 * const byRoute = childCache((route: string) => metrics.httpDuration.labels({ route }));
 * byRoute('health').observe(0.001);
 */
export function childCache<C, A extends string[]>(make: (...values: A) => C): (...values: A) => C {
  const children = new Map<string, C>();
  return (...values) => {
    const key = values.join('\u0000');
    let child = children.get(key);
    if (child === undefined) {
      child = make(...values);
      children.set(key, child);
    }
    return child;
  };
}
