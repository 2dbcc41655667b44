/**
 * The embedded store's in-memory aggregates: per UTC day (of the event's timestamp), per configured
 * combination and tuple of values, per event type, one HyperLogLog sketch of client ids and one counter.
 * Bounded: at most `maxTuplesPerDay` tuples per day and combination (further tuples only count in `none`
 * and the other combinations, and `overflowed` reports it), and only days inside the retention.
 */
import { comboName, tupleKey, type Combo } from './dimensions.js';
import type { PostedEvent } from './event.js';
import { dayOf } from './day.js';
import { HllSketch, positionOf } from './hll/sketch.js';

interface Cell {
  sketch: HllSketch;
  count: number;
}
type ByType = Map<string, Cell>;
type DayAgg = Map<string, Map<string, ByType>>; // combo name → tuple → type → cell

function sameButItem(a: PostedEvent, b: PostedEvent): boolean {
  return a.client_id === b.client_id && a.type === b.type && a.ts === b.ts && a.context === b.context;
}

export class Aggregates {
  readonly #days = new Map<string, DayAgg>();
  readonly #combos: readonly Combo[];
  readonly #names: readonly string[];
  readonly #maxTuples: number;
  /** Per combination: whether its tuple depends on `item` (so a run of one answer's items is split). */
  readonly #perEvent: readonly boolean[];
  overflowed = 0;

  constructor(combos: readonly Combo[], maxTuplesPerDay: number) {
    this.#combos = combos;
    this.#names = combos.map(comboName);
    this.#perEvent = combos.map((c) => c.includes('item'));
    this.#maxTuples = maxTuplesPerDay;
  }

  add(e: PostedEvent): void {
    this.#addRun([e], 0, 1);
  }

  /**
   * Adds events in order. A run of consecutive events that differ only in `item` (one answer's
   * impressions: same client, type, time and context object) touches the cells of every combination
   * without `item` once, adding the run's length to the counter: the sketch of one client is the same
   * after one add as after ten. Combinations with `item` still take each event.
   */
  addAll(events: readonly PostedEvent[]): void {
    let i = 0;
    while (i < events.length) {
      const e = events[i];
      let j = i + 1;
      while (j < events.length && sameButItem(events[j], e)) j++;
      this.#addRun(events, i, j);
      i = j;
    }
  }

  #addRun(events: readonly PostedEvent[], from: number, to: number): void {
    const e = events[from];
    const day = dayOf(e.ts);
    let agg = this.#days.get(day);
    if (!agg) this.#days.set(day, (agg = new Map()));
    const pos = positionOf(e.client_id); // hash once, add to every sketch of the run
    for (let c = 0; c < this.#combos.length; c++) {
      const combo = this.#combos[c];
      const name = this.#names[c];
      let tuples = agg.get(name);
      if (!tuples) agg.set(name, (tuples = new Map()));
      if (this.#perEvent[c]) {
        for (let k = from; k < to; k++) this.#addCell(tuples, tupleKey(events[k], combo), e.type, pos, 1);
      } else {
        this.#addCell(tuples, tupleKey(e, combo), e.type, pos, to - from);
      }
    }
  }

  #addCell(tuples: Map<string, ByType>, key: string, type: string, pos: number, n: number): void {
    let byType = tuples.get(key);
    if (!byType) {
      if (tuples.size >= this.#maxTuples) {
        this.overflowed += n;
        return;
      }
      tuples.set(key, (byType = new Map()));
    }
    let cell = byType.get(type);
    if (!cell) byType.set(type, (cell = { sketch: new HllSketch(), count: 0 }));
    cell.sketch.addPosition(pos);
    cell.count += n;
  }

  distinct(
    types: readonly string[],
    days: readonly string[],
    combo: Combo,
    matches: (tuple: string) => boolean,
  ): number {
    const union = new HllSketch();
    for (const day of days) {
      const tuples = this.#days.get(day)?.get(comboName(combo));
      if (!tuples) continue;
      for (const [key, byType] of tuples) {
        if (!matches(key)) continue;
        for (const type of types) {
          const cell = byType.get(type);
          if (cell) union.merge(cell.sketch);
        }
      }
    }
    return union.count();
  }

  counts(days: readonly string[], combo: Combo): Map<string, Map<string, number>> {
    const out = new Map<string, Map<string, number>>();
    for (const day of days) {
      const tuples = this.#days.get(day)?.get(comboName(combo));
      if (!tuples) continue;
      for (const [key, byType] of tuples) {
        let row = out.get(key);
        if (!row) out.set(key, (row = new Map()));
        for (const [type, cell] of byType) row.set(type, (row.get(type) ?? 0) + cell.count);
      }
    }
    return out;
  }

  /** Every cell, for the snapshot. */
  *cells(): Iterable<{ day: string; combo: string; tuple: string; type: string; count: number; sketch: HllSketch }> {
    for (const [day, agg] of this.#days) {
      for (const [combo, tuples] of agg) {
        for (const [tuple, byType] of tuples) {
          for (const [type, cell] of byType) yield { day, combo, tuple, type, count: cell.count, sketch: cell.sketch };
        }
      }
    }
  }

  /** Restores one cell from a snapshot (combinations no longer configured are dropped). */
  restore(day: string, combo: string, tuple: string, type: string, count: number, sketch: HllSketch): void {
    if (!this.#names.includes(combo)) return;
    let agg = this.#days.get(day);
    if (!agg) this.#days.set(day, (agg = new Map()));
    let tuples = agg.get(combo);
    if (!tuples) agg.set(combo, (tuples = new Map()));
    let byType = tuples.get(tuple);
    if (!byType) tuples.set(tuple, (byType = new Map()));
    byType.set(type, { sketch, count });
  }

  /** Drops the days before `oldest` (retention). */
  dropBefore(oldest: string): void {
    for (const day of this.#days.keys()) if (day < oldest) this.#days.delete(day);
  }

  /** Register bytes held, per day and combination (for the README's memory figures). */
  memory(): Array<{ day: string; combo: string; tuples: number; sketches: number; bytes: number }> {
    const out = [];
    for (const [day, agg] of this.#days) {
      for (const [combo, tuples] of agg) {
        let sketches = 0;
        let bytes = 0;
        for (const byType of tuples.values()) {
          for (const cell of byType.values()) {
            sketches++;
            bytes += cell.sketch.bytes;
          }
        }
        out.push({ day, combo, tuples: tuples.size, sketches, bytes });
      }
    }
    return out;
  }
}
