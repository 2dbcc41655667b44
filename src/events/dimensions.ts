/**
 * Dimension combinations: for each configured combination (default: none, locale, os, served_by, variant,
 * item, model) and each day, one sketch and one counter per event type and tuple of values. A segment query
 * (`locale=de`) is answered from the smallest configured combination that holds all of its dimensions, as
 * the union of the sketches whose values match (Mozilla's approach: no precomputed cube of every segment).
 *
 * A dimension's value is `event.item` for `item` and `event.context[dim]` otherwise; a missing value is ''
 * (so the union over a combination's tuples still holds every event). An answer's impression (`items`)
 * counts once per listed item: in a combination with `item` (or with `variant` when the items carry their
 * own variants) each item is its own tuple (`tupleKey(e, combo, k)`); elsewhere the event is one tuple
 * whose counter grows by the number of items.
 */
import { RecscoreError } from '../errors.js';
import { variantAt, type PostedEvent } from './event.js';

export type Combo = readonly string[];

export const DEFAULT_COMBOS: readonly Combo[] = [
  [],
  ['locale'],
  ['os'],
  ['served_by'],
  ['variant'],
  ['item'],
  ['model'],
];
const DIM = /^[a-z][a-z0-9_]{0,31}$/;

/** `none`, `locale`, `locale+os`: stable names for keys and files. */
export function comboName(combo: Combo): string {
  return combo.length === 0 ? 'none' : combo.join('+');
}

/** Parses `none;locale;os;locale+os` (RECSCORE_EVENT_DIMENSIONS). `none` is always included. */
export function parseCombos(spec: string): Combo[] {
  const out = new Map<string, Combo>([['none', []]]);
  for (const part of spec
    .split(/[;,]/)
    .map((s) => s.trim())
    .filter(Boolean)) {
    if (part === 'none') continue;
    const dims = [...new Set(part.split('+').map((d) => d.trim()))].sort();
    for (const d of dims) {
      if (!DIM.test(d))
        throw new RecscoreError(
          'RECSCORE_CONFIG',
          `event dimension ${JSON.stringify(d)}: 1–32 of a-z 0-9 _, starting with a letter`,
        );
    }
    out.set(comboName(dims), dims);
  }
  return [...out.values()];
}

/** The value of `dim` for the event, or for its `k`-th listed item when `k` is given (an answer's impression). */
export function valueOf(e: PostedEvent, dim: string, k?: number): string {
  if (k !== undefined && e.items !== undefined) {
    if (dim === 'item') return e.items[k] ?? '';
    if (dim === 'variant') return variantAt(e, k) ?? '';
  }
  return (dim === 'item' ? e.item : e.context?.[dim]) ?? '';
}

/** Whether the event's tuple of `combo` differs per listed item (then tupleKey takes the item's index). */
export function splitsPerItem(e: PostedEvent, combo: Combo): boolean {
  return (
    e.items !== undefined && (combo.includes('item') || (e.item_variants !== undefined && combo.includes('variant')))
  );
}

/** The key of one tuple of values (JSON: unambiguous whatever the values hold); `k`: see valueOf. */
export function tupleKey(e: PostedEvent, combo: Combo, k?: number): string {
  // The same text as the general case, without an array per call: this runs per event and combination.
  if (combo.length === 0) return '[]';
  if (combo.length === 1) return `[${JSON.stringify(valueOf(e, combo[0], k))}]`;
  return JSON.stringify(combo.map((d) => valueOf(e, d, k)));
}

export type Segment = ReadonlyMap<string, string>;

export interface SegmentPlan {
  combo: Combo;
  /** True for a tuple key of `combo` that lies in the segment. */
  matches: (tuple: string) => boolean;
}

/** The combination answering `segment`, and which of its tuples to union. */
export function planSegment(segment: Segment, combos: readonly Combo[]): SegmentPlan {
  const dims = [...segment.keys()];
  const fit = combos.filter((c) => dims.every((d) => c.includes(d))).sort((a, b) => a.length - b.length)[0];
  if (!fit) {
    throw new RecscoreError(
      'RECSCORE_BAD_QUERY',
      `no configured dimension combination holds ${dims.join(' + ')}; configured: ${combos.map(comboName).join(', ')}`,
    );
  }
  if (dims.length === 0) return { combo: fit, matches: () => true };
  const want = fit.map((d) => segment.get(d));
  return {
    combo: fit,
    matches: (tuple) => {
      const values = JSON.parse(tuple) as string[];
      return want.every((w, i) => w === undefined || w === values[i]);
    },
  };
}
