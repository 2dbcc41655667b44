/**
 * The one wrapper around every source and stage of a surface: requests, latency, outcome (ok, empty,
 * timeout, failed by class, off), input and output sizes, as Prometheus metrics labelled by surface, stage and
 * source. Label values are configured names (surfaces, sources) or fixed ones (stages, outcomes, error codes),
 * never request data, so the label sets stay bounded.
 */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { isRecscoreError } from '../../errors.js';
import { DeferredCounter } from '../../metrics/deferred-counter.js';
import { childCache } from '../../metrics/registry.js';

const SIZE_BUCKETS = [0, 1, 5, 10, 20, 50, 100, 200, 500, 1000];
const LATENCY_BUCKETS = [0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25];

export type StepOutcome = 'ok' | 'empty' | 'timeout' | 'failed' | 'off';

/** Failure class of an error: its RECSCORE_ code, or `other`. */
export function failureClass(e: unknown): string {
  return isRecscoreError(e) ? e.code : 'other';
}

/** Why a step failed when its caller names nothing: a timeout of its own budget, else the failure class. */
function failureReason(e: unknown): string {
  return isRecscoreError(e) && e.code === 'RECSCORE_BUDGET_EXCEEDED' ? 'budget' : failureClass(e);
}

export class SurfaceMetrics {
  private readonly steps: Counter<'surface' | 'stage' | 'source' | 'outcome'>;
  private readonly failures: Counter<'surface' | 'stage' | 'source' | 'class' | 'reason'>;
  private readonly seconds: Histogram<'surface' | 'stage' | 'source'>;
  private readonly sizes: Histogram<'surface' | 'stage' | 'source' | 'side'>;
  readonly quality: Gauge<'surface'>;
  readonly requests: Counter<'surface' | 'served_by'>;
  /** `requests` by (surface, served_by), counted without label hashing (metrics/deferred-counter.ts). */
  readonly requestsBy: DeferredCounter<'surface' | 'served_by'>;
  private readonly stepsBy: DeferredCounter<'surface' | 'stage' | 'source' | 'outcome'>;
  private readonly secondsOf;
  private readonly sizeOf;

  constructor(registry: Registry) {
    const registers = [registry];
    this.steps = new Counter({
      name: 'recscore_surface_steps_total',
      help: 'Runs of each surface source and stage, by outcome (ok, empty, timeout, failed, off)',
      labelNames: ['surface', 'stage', 'source', 'outcome'] as const,
      registers,
      collect: () => this.stepsBy.flush(),
    });
    this.failures = new Counter({
      name: 'recscore_surface_failures_total',
      help:
        'Failed or late surface sources and stages, by failure class (error code, or timeout) and reason ' +
        '(as result_info names it: budget, a fallback reason such as breaker-open, unknown-model, the code)',
      labelNames: ['surface', 'stage', 'source', 'class', 'reason'] as const,
      registers,
    });
    this.seconds = new Histogram({
      name: 'recscore_surface_step_seconds',
      help: 'Latency of each surface source and stage',
      labelNames: ['surface', 'stage', 'source'] as const,
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.sizes = new Histogram({
      name: 'recscore_surface_step_items',
      help: 'Items into (side=in) and out of (side=out) each surface source and stage',
      labelNames: ['surface', 'stage', 'source', 'side'] as const,
      buckets: SIZE_BUCKETS,
      registers,
    });
    this.quality = new Gauge({
      name: 'recscore_surface_quality_factor',
      help: 'Quality factor of each surface (1: full work; lower: fewer candidates, costly sources off)',
      labelNames: ['surface'] as const,
      registers,
    });
    this.requests = new Counter({
      name: 'recscore_surface_requests_total',
      help: 'Surface answers, by surface and serving path (surface or a fallback step)',
      labelNames: ['surface', 'served_by'] as const,
      registers,
      collect: () => this.requestsBy.flush(),
    });
    this.requestsBy = new DeferredCounter(this.requests, ['surface', 'served_by']);
    this.stepsBy = new DeferredCounter(this.steps, ['surface', 'stage', 'source', 'outcome']);
    this.secondsOf = childCache((surface: string, stage: string, source: string) =>
      this.seconds.labels({ surface, stage, source }),
    );
    this.sizeOf = childCache((surface: string, stage: string, source: string, side: string) =>
      this.sizes.labels({ surface, stage, source, side }),
    );
  }

  /**
   * Records one run (stage `source` for a source, the stage's name and source `-` otherwise). `reason`: why a
   * failed or late one went empty (a bounded set: `budget`, FALLBACK_REASONS, `unknown-model`, error codes).
   */
  record(
    surface: string,
    stage: string,
    source: string,
    outcome: StepOutcome,
    ms: number,
    sizes: { in?: number; out?: number },
    error?: unknown,
    reason?: string,
  ): void {
    this.stepsBy.child(surface, stage, source, outcome).inc();
    if (outcome === 'off') return;
    this.secondsOf(surface, stage, source).observe(ms / 1000);
    if (sizes.in !== undefined) this.sizeOf(surface, stage, source, 'in').observe(sizes.in);
    if (sizes.out !== undefined) this.sizeOf(surface, stage, source, 'out').observe(sizes.out);
    if (outcome === 'failed' || outcome === 'timeout') {
      const cls = outcome === 'timeout' ? 'timeout' : failureClass(error);
      this.failures.labels({ surface, stage, source, class: cls, reason: reason ?? failureReason(error) }).inc();
    }
  }
}
