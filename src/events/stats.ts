/**
 * The stats answers, shared by the HTTP routes and `recscore stats`:
 *   distinct    {event?, from, to, <dim>=<value>…} → distinct clients in the segment over the days (union)
 *   engagement  {event?, day, <dim>=…}             → DAU, MAU (the 28 days up to `day`), ER = DAU / MAU
 *   ctr         {from, to, by?, <dim>=…}           → impressions, clicks, installs per value of `by`
 *                                                    (default served_by), with click-through and install rates
 * `event` names one type, or several separated by commas; absent = any type (activity).
 */
import { RecscoreError } from '../errors.js';
import { addDays, daysBetween, parseDay } from './day.js';
import { comboName, planSegment, type Segment } from './dimensions.js';
import type { EventStore } from './store.js';

export const MAU_DAYS = 28;
const RESERVED = new Set(['event', 'from', 'to', 'day', 'by']);
const DIM = /^[a-z][a-z0-9_]{0,31}$/;

export interface StatsQuery {
  types: string[];
  segment: Segment;
  params: Record<string, string>;
}

/** Checks a query's parameters: event types against `known`, every other non-reserved name is a segment. */
export function parseStatsQuery(params: Record<string, string>, known: Iterable<string>): StatsQuery {
  const knownSet = new Set(known);
  const types = params.event ? params.event.split(',') : [...knownSet];
  for (const t of types) {
    if (!knownSet.has(t))
      throw new RecscoreError('RECSCORE_BAD_QUERY', `event: ${JSON.stringify(t.slice(0, 40))} is not an event type`);
  }
  const segment = new Map<string, string>();
  for (const [k, v] of Object.entries(params)) {
    if (RESERVED.has(k)) continue;
    if (!DIM.test(k))
      throw new RecscoreError('RECSCORE_BAD_QUERY', `${JSON.stringify(k.slice(0, 40))} is not a dimension name`);
    if (v.length === 0 || v.length > 200) throw new RecscoreError('RECSCORE_BAD_QUERY', `${k}: 1–200 characters`);
    segment.set(k, v);
  }
  return { types, segment, params };
}

function need(q: StatsQuery, name: string): string {
  const v = q.params[name];
  if (v === undefined || v === '') throw new RecscoreError('RECSCORE_BAD_QUERY', `${name} is required (YYYY-MM-DD)`);
  return v;
}

function segmentJson(s: Segment): Record<string, string> {
  return Object.fromEntries(s);
}

export async function distinctStats(store: EventStore, q: StatsQuery) {
  const from = need(q, 'from');
  const to = need(q, 'to');
  const days = daysBetween(from, to);
  const plan = planSegment(q.segment, store.combos);
  const distinct = await store.distinct(q.types, days, plan.combo, plan.matches);
  return {
    distinct,
    event: q.params.event ?? null,
    from,
    to,
    segment: segmentJson(q.segment),
    combination: comboName(plan.combo),
  };
}

export async function engagementStats(store: EventStore, q: StatsQuery) {
  const day = need(q, 'day');
  parseDay(day);
  const plan = planSegment(q.segment, store.combos);
  const dau = await store.distinct(q.types, [day], plan.combo, plan.matches);
  const first = addDays(day, -(MAU_DAYS - 1));
  const mau = await store.distinct(q.types, daysBetween(first, day), plan.combo, plan.matches);
  // Two sketches estimate DAU and MAU separately: DAU may exceed MAU by the error; ER is capped at 1.
  const er = mau === 0 ? null : Math.min(1, dau / mau);
  return {
    dau,
    mau,
    er,
    day,
    mau_from: first,
    event: q.params.event ?? null,
    segment: segmentJson(q.segment),
    combination: comboName(plan.combo),
  };
}

export async function ctrStats(store: EventStore, q: StatsQuery) {
  const from = need(q, 'from');
  const to = need(q, 'to');
  const days = daysBetween(from, to);
  const by = q.params.by ?? 'served_by';
  if (!DIM.test(by))
    throw new RecscoreError('RECSCORE_BAD_QUERY', `by: ${JSON.stringify(by.slice(0, 40))} is not a dimension name`);
  const dims = new Map(q.segment);
  const plan = planSegment(dims.set(by, dims.get(by) ?? '\u0000any'), store.combos);
  const byIndex = plan.combo.indexOf(by);
  const filter = planSegment(q.segment, [plan.combo]);
  const rows = new Map<string, { impressions: number; clicks: number; installs: number }>();
  for (const [tuple, perType] of await store.counts(days, plan.combo)) {
    if (!filter.matches(tuple)) continue;
    const value = (JSON.parse(tuple) as string[])[byIndex];
    const row = rows.get(value) ?? rows.set(value, { impressions: 0, clicks: 0, installs: 0 }).get(value)!;
    row.impressions += perType.get('impression') ?? 0;
    row.clicks += perType.get('click') ?? 0;
    row.installs += perType.get('install') ?? 0;
  }
  const out = [...rows]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([value, r]) => ({
      [by]: value === '' ? null : value,
      ...r,
      ctr: r.impressions ? r.clicks / r.impressions : null,
      install_rate: r.impressions ? r.installs / r.impressions : null,
    }));
  return { by, from, to, segment: segmentJson(q.segment), rows: out };
}
