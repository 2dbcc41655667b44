/**
 * The embedded store's in-memory aggregates: per UTC day (of the event's timestamp), per configured
 * combination and tuple of values, per event type, one HyperLogLog sketch of client ids and one counter.
 * Bounded: at most `maxTuplesPerDay` tuples per day and combination (further tuples only count in `none`
 * and the other combinations, and `overflowed` reports it), only days inside the retention, and a global
 * cap on the bytes of all sketches (`maxBytes`): over it, a day's new segments (a new tuple or event type
 * of a combination other than `none`) are refused — counted in `refused` and reported to `onRefuse` —
 * while existing ones keep counting. A sketch never exceeds 16 KiB, so refused growth means bounded memory;
 * `none` (a day's totals, one cell per event type) is always kept, so DAU and MAU stay whole.
 * An answer's impression (`items`) hashes its client once, adds it once to each touched sketch, and counts
 * one impression per listed item (dimensions.ts says which combinations split it per item).
 */
import { comboName, tupleKey, valueOf, type Combo } from './dimensions.js';
import { multiplicityOf, type PostedEvent } from './event.js';
import { dayOf } from './day.js';
import { HllSketch, positionOf } from './hll/sketch.js';

interface Cell {
  sketch: HllSketch;
  count: number;
  /** sketch.bytes as last accounted in the total (read again only when a register changed). */
  bytes: number;
}
type ByType = Map<string, Cell>;
type DayAgg = Map<string, Map<string, ByType>>; // combo name → tuple → type → cell

/*
 * A tuple's key in memory: its JSON text (tupleKey) for combinations of two or more dimensions, and the
 * bare value for one dimension ('' for `none`). The bare value needs no string built per event, and
 * values such as an answer's item ids are the same string objects answer after answer, whose hash V8
 * keeps: the Map lookup per event and combination is then cheap. The JSON text is what leaves this class.
 */
function textOf(combo: Combo, key: string): string {
  if (combo.length > 1) return key;
  return combo.length === 0 ? '[]' : `[${JSON.stringify(key)}]`;
}

function keyOfText(combo: Combo, tuple: string): string {
  if (combo.length > 1) return tuple;
  return combo.length === 0 ? '' : String((JSON.parse(tuple) as unknown[])[0] ?? '');
}

export interface AggregatesOptions {
  /** Distinct tuples kept per day and combination (default 10,000). */
  maxTuplesPerDay?: number;
  /** Bytes of all sketches together above which new segments are refused (default: no cap). */
  maxBytes?: number;
  /** Called with the events a refused segment did not take (day, combination name, events). */
  onRefuse?: (day: string, combo: string, events: number) => void;
}

export class Aggregates {
  readonly #days = new Map<string, DayAgg>();
  readonly #maxBytes: number;
  readonly #onRefuse: AggregatesOptions['onRefuse'];
  /** Bytes of all sketches' registers (sparse or dense). */
  #bytes = 0;
  /** Events not counted in a combination because the byte cap refused their new segment. */
  refused = 0;
  readonly #combos: readonly Combo[];
  readonly #names: readonly string[];
  readonly #maxTuples: number;
  /** Per combination: whether it holds `item`, and whether it holds `variant` (see splitsPerItem). */
  readonly #hasItem: readonly boolean[];
  readonly #hasVariant: readonly boolean[];
  /**
   * Per combination, the cell the last unsplit event went to: answers in a row mostly share their
   * `none`, served_by, model, variant and os tuples, and a hit skips two Map lookups. Cleared whenever
   * cells are replaced or dropped.
   */
  #last: Array<{ tuples: Map<string, ByType>; key: string; type: string; cell: Cell } | undefined> = [];
  overflowed = 0;

  constructor(combos: readonly Combo[], opts: AggregatesOptions = {}) {
    this.#combos = combos;
    this.#maxTuples = opts.maxTuplesPerDay ?? 10_000;
    this.#maxBytes = opts.maxBytes ?? Number.POSITIVE_INFINITY;
    this.#onRefuse = opts.onRefuse;
    this.#names = combos.map(comboName);
    this.#hasItem = combos.map((c) => c.includes('item'));
    this.#hasVariant = combos.map((c) => c.includes('variant'));
  }

  addAll(events: readonly PostedEvent[]): void {
    for (let i = 0; i < events.length; i++) this.add(events[i]);
  }

  add(e: PostedEvent): void {
    const day = dayOf(e.ts);
    let agg = this.#days.get(day);
    if (!agg) this.#days.set(day, (agg = new Map()));
    const pos = positionOf(e.client_id); // hash once, add to every sketch the event touches
    const n = multiplicityOf(e);
    if (n === 0) return;
    const items = e.items;
    for (let c = 0; c < this.#combos.length; c++) {
      const combo = this.#combos[c];
      const name = this.#names[c];
      let tuples = agg.get(name);
      if (!tuples) agg.set(name, (tuples = new Map()));
      const capped = combo.length > 0; // `none` is never refused
      if (items !== undefined && (this.#hasItem[c] || (this.#hasVariant[c] && e.item_variants !== undefined))) {
        for (let k = 0; k < items.length; k++) {
          if (this.#addCell(tuples, this.#key(e, combo, k), e.type, pos, 1, capped) === null)
            this.#refuse(day, name, 1);
        }
      } else {
        const key = this.#key(e, combo);
        const last = this.#last[c];
        if (last !== undefined && last.tuples === tuples && last.key === key && last.type === e.type) {
          this.#bump(last.cell, pos, n);
          continue;
        }
        const cell = this.#addCell(tuples, key, e.type, pos, n, capped);
        if (cell === null) this.#refuse(day, name, n);
        else if (cell !== undefined) this.#last[c] = { tuples, key, type: e.type, cell };
      }
    }
  }

  #key(e: PostedEvent, combo: Combo, k?: number): string {
    if (combo.length === 0) return '';
    return combo.length === 1 ? valueOf(e, combo[0], k) : tupleKey(e, combo, k);
  }

  // The cell counted; null when the byte cap refused a new segment; undefined past the tuple cap
  // (`overflowed`, counted here).
  #addCell(
    tuples: Map<string, ByType>,
    key: string,
    type: string,
    pos: number,
    n: number,
    capped: boolean,
  ): Cell | null | undefined {
    let byType = tuples.get(key);
    let cell = byType?.get(type);
    if (!cell) {
      if (capped && this.#bytes >= this.#maxBytes) return null;
      if (!byType) {
        if (tuples.size >= this.#maxTuples) {
          this.overflowed += n;
          return undefined;
        }
        tuples.set(key, (byType = new Map()));
      }
      const sketch = new HllSketch();
      byType.set(type, (cell = { sketch, count: 0, bytes: sketch.bytes }));
      this.#bytes += cell.bytes;
    }
    this.#bump(cell, pos, n);
    return cell;
  }

  #bump(cell: Cell, pos: number, n: number): void {
    if (cell.sketch.addPosition(pos)) {
      const bytes = cell.sketch.bytes;
      if (bytes !== cell.bytes) {
        this.#bytes += bytes - cell.bytes;
        cell.bytes = bytes;
      }
    }
    cell.count += n;
  }

  #refuse(day: string, combo: string, n: number): void {
    this.refused += n;
    this.#onRefuse?.(day, combo, n);
  }

  /** Bytes of all sketches' registers. */
  get bytes(): number {
    return this.#bytes;
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
        if (!matches(textOf(combo, key))) continue;
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
        const text = textOf(combo, key);
        let row = out.get(text);
        if (!row) out.set(text, (row = new Map()));
        for (const [type, cell] of byType) row.set(type, (row.get(type) ?? 0) + cell.count);
      }
    }
    return out;
  }

  /** Every cell, for the snapshot. */
  *cells(): Iterable<{ day: string; combo: string; tuple: string; type: string; count: number; sketch: HllSketch }> {
    for (const [day, agg] of this.#days) {
      for (const [combo, tuples] of agg) {
        const dims = this.#combos[this.#names.indexOf(combo)];
        for (const [key, byType] of tuples) {
          const tuple = textOf(dims, key);
          for (const [type, cell] of byType) yield { day, combo, tuple, type, count: cell.count, sketch: cell.sketch };
        }
      }
    }
  }

  /** Restores one cell from a snapshot (combinations no longer configured are dropped). */
  restore(day: string, combo: string, tuple: string, type: string, count: number, sketch: HllSketch): void {
    this.#last = [];
    const c = this.#names.indexOf(combo);
    if (c < 0) return;
    const key = keyOfText(this.#combos[c], tuple);
    let agg = this.#days.get(day);
    if (!agg) this.#days.set(day, (agg = new Map()));
    let tuples = agg.get(combo);
    if (!tuples) agg.set(combo, (tuples = new Map()));
    let byType = tuples.get(key);
    if (!byType) tuples.set(key, (byType = new Map()));
    const old = byType.get(type);
    if (old) this.#bytes -= old.sketch.bytes;
    byType.set(type, { sketch, count, bytes: sketch.bytes });
    this.#bytes += sketch.bytes;
  }

  /** Drops the days before `oldest` (retention). */
  dropBefore(oldest: string): void {
    this.#last = [];
    for (const [day, agg] of this.#days) {
      if (day >= oldest) continue;
      for (const tuples of agg.values())
        for (const byType of tuples.values()) for (const cell of byType.values()) this.#bytes -= cell.sketch.bytes;
      this.#days.delete(day);
    }
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
