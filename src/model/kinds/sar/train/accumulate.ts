/**
 * Folds a stream of events into per-(user, item) sums (SPEC §3) and, for the timestamp unit, the set of
 * (user, timestamp) baskets each item is in. Memory grows with distinct pairs, not with events.
 *
 * Decay without a configured reference time needs t0 = the newest event, known only at the end. Each pair
 * therefore keeps its sum relative to its own newest event p (rescaled when a newer one arrives) and is
 * multiplied by 0.5^((t0 − p)/T) at the end. A pair with one event — every pair of a deduplicated log —
 * ends as r · 0.5^((t0 − t)/T), PY's expression with PY's rounding.
 */
import type { SarParams } from '../types.js';
import { GrowF64, GrowI32 } from './grow.js';
import { KeyTable } from './key-table.js';
import { Interner } from './interner.js';

export const SECONDS_PER_DAY = 86400;

export class EventAccumulator {
  readonly users = new Interner();
  readonly items = new Interner();
  readonly pairs = new KeyTable();
  readonly aff = new GrowF64();
  readonly unit = new GrowF64();
  readonly pivot = new GrowF64();
  readonly baskets: KeyTable | undefined;
  readonly basketItems: KeyTable | undefined;
  /** Per basket-item entry: the basket id and the item (the timestamp unit's binary U). */
  readonly biBasket = new GrowI32();
  readonly biItem = new GrowI32();
  events = 0;
  tsMin = Infinity;
  tsMax = -Infinity;
  private readonly halfLife: number;
  private readonly t0: number | undefined;

  constructor(readonly params: SarParams) {
    this.halfLife = params.decayHalfLifeDays === undefined ? NaN : params.decayHalfLifeDays * SECONDS_PER_DAY;
    this.t0 = params.referenceTime;
    if (params.unit === 'timestamp') {
      this.baskets = new KeyTable();
      this.basketItems = new KeyTable();
    }
  }

  add(user: string, item: string, rating: number, timestamp: number): void {
    const u = this.users.id(user);
    const i = this.items.id(item);
    this.events++;
    if (timestamp < this.tsMin) this.tsMin = timestamp;
    if (timestamp > this.tsMax) this.tsMax = timestamp;
    const id = this.pairs.idOf(u, i);
    const decay = !Number.isNaN(this.halfLife);
    if (this.pairs.isNew) {
      if (!decay) this.pushPair(rating, 1, timestamp);
      else if (this.t0 !== undefined) {
        const f = decayFactor(this.t0, timestamp, this.halfLife);
        this.pushPair(rating * f, f, timestamp);
      } else this.pushPair(rating, 1, timestamp);
    } else if (!decay) {
      this.aff.a[id] += rating;
      this.unit.a[id] += 1;
    } else if (this.t0 !== undefined) {
      const f = decayFactor(this.t0, timestamp, this.halfLife);
      this.aff.a[id] += rating * f;
      this.unit.a[id] += f;
    } else {
      const p = this.pivot.a[id];
      if (timestamp <= p) {
        const g = 0.5 ** ((p - timestamp) / this.halfLife);
        this.aff.a[id] += rating * g;
        this.unit.a[id] += g;
      } else {
        const g = 0.5 ** ((timestamp - p) / this.halfLife);
        this.aff.a[id] = this.aff.a[id] * g + rating;
        this.unit.a[id] = this.unit.a[id] * g + 1;
        this.pivot.a[id] = timestamp;
      }
    }
    if (this.baskets) {
      const b = this.baskets.idOf(u, timestamp);
      this.basketItems!.idOf(b, i);
      if (this.basketItems!.isNew) {
        this.biBasket.push(b);
        this.biItem.push(i);
      }
    }
  }

  /** The reference time t0 used for decay: the configured one, else the newest event. */
  referenceTime(): number {
    return this.t0 ?? (this.events > 0 ? this.tsMax : NaN);
  }

  /** Applies the deferred decay factor (reference time = newest event); call once, after the last add. */
  finish(): void {
    if (Number.isNaN(this.halfLife) || this.t0 !== undefined) return;
    const t0 = this.tsMax;
    for (let id = 0; id < this.aff.n; id++) {
      const f = 0.5 ** ((t0 - this.pivot.a[id]) / this.halfLife);
      this.aff.a[id] = this.aff.a[id] * f;
      this.unit.a[id] = this.unit.a[id] * f;
    }
  }

  private pushPair(a: number, unit: number, t: number): void {
    this.aff.push(a);
    this.unit.push(unit);
    this.pivot.push(t);
  }
}

/** PY `exponential_decay`: min(1, 0.5^((t0 − t)/T)); events newer than t0 weigh 1. */
export function decayFactor(t0: number, t: number, halfLifeSeconds: number): number {
  return Math.min(1, 0.5 ** ((t0 - t) / halfLifeSeconds));
}
