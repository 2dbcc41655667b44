/**
 * The quality factor of a surface: an AIMD controller on its p95 latency (as in Twitter's follow
 * recommendations service). Every `every` answers it compares those answers' p95 with the target: above,
 * the factor is multiplied by `decrease`; at or below, it grows by `increase`, up to 1. Each decision
 * uses only the answers since the previous one, so a stall or a burst leaves no lasting trace: once
 * latency is back under the target the factor climbs back to 1 (the estimate recovers).
 *
 * The runner reads it twice: first-N shrinks to `first_n × factor` (never below the final size), and
 * below `offBelow` the most expensive source of the surface is switched off.
 */
export interface QualityOptions {
  targetP95Ms: number;
  every?: number;
  increase?: number;
  decrease?: number;
  min?: number;
  /** Below this factor the most expensive source is switched off. */
  offBelow?: number;
}

export class QualityFactor {
  private factor = 1;
  private readonly samples: Float64Array;
  private n = 0;
  private readonly opts: Required<QualityOptions>;

  constructor(opts: QualityOptions) {
    this.opts = { every: 32, increase: 0.05, decrease: 0.7, min: 0.1, offBelow: 0.5, ...opts };
    this.samples = new Float64Array(this.opts.every);
  }

  get value(): number {
    return this.factor;
  }

  get shedsCostliest(): boolean {
    return this.factor < this.opts.offBelow;
  }

  /** One answer's latency (ms); returns true when this sample closed a window (the factor may have changed). */
  observe(ms: number): boolean {
    this.samples[this.n++] = ms;
    if (this.n < this.samples.length) return false;
    const sorted = Float64Array.from(this.samples).sort();
    const p95 = sorted[Math.min(sorted.length - 1, Math.ceil(0.95 * sorted.length) - 1)];
    const { targetP95Ms, increase, decrease, min } = this.opts;
    this.factor = p95 > targetP95Ms ? Math.max(min, this.factor * decrease) : Math.min(1, this.factor + increase);
    this.n = 0;
    return true;
  }

  /** First-N under the current factor: never below the final size. */
  firstN(firstN: number, size: number): number {
    return Math.max(size, Math.round(firstN * this.factor));
  }
}
