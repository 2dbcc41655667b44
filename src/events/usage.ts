/**
 * The event log as training input: `events:FROM..TO` (UTC days `YYYY-MM-DD`; `events:DAY` for one) names
 * the events whose timestamp falls on those days, read from the configured event store, as usage
 * (user = client_id, the item, time in epoch seconds, weight = the event's own `weight`, else its type's).
 * Events without an item, or whose weight is 0 (impressions, uninstalls and removals by default), are not
 * usage and are left out; an answer's impression (`items`) is one usage event per listed item; a
 * configured weight (`RECSCORE_EVENT_TYPES=impression:0.1,click:2`) brings a type in or changes it. The
 * same events and times as `recscore events export --format csv` writes, so training from either gives
 * the same model.
 */
import { RecscoreError } from '../errors.js';
import { daysBetween, parseDay } from './day.js';
import { itemsOf } from './event.js';
import type { ReadReport, EventStore } from './store.js';

export const EVENTS_USAGE_PREFIX = 'events:';

export interface UsageRange {
  from: string;
  to: string;
}

export function isEventsUsage(spec: string): boolean {
  return spec.startsWith(EVENTS_USAGE_PREFIX);
}

/** `events:2026-12-01..2026-12-04` or `events:2026-12-04` → the days; RECSCORE_SAR_INPUT when malformed. */
export function parseEventsUsage(spec: string): UsageRange {
  const body = spec.slice(EVENTS_USAGE_PREFIX.length);
  const [from, to = from, extra] = body.split('..');
  try {
    if (extra !== undefined) throw new RecscoreError('RECSCORE_BAD_QUERY', 'more than one ".."');
    parseDay(from, 'from');
    daysBetween(from, to, 3660);
  } catch (e) {
    throw new RecscoreError(
      'RECSCORE_SAR_INPUT',
      `${JSON.stringify(spec.slice(0, 60))} is not events:FROM..TO with UTC days YYYY-MM-DD: ${(e as Error).message}`,
    );
  }
  return { from, to };
}

/** One usage event, in the shape the SAR reader takes. */
export interface UsageEvent {
  user: string;
  item: string;
  rating: number;
  /** Epoch seconds (whole: the export's CSV has second resolution). */
  timestamp: number;
}

export interface UsageCounts {
  /** Events read from the store in the range. */
  read: number;
  /** Left out: no item, or a weight of 0. */
  notUsage: number;
}

/**
 * Streams the usage events of `range` from `store` to `sink`. `report` receives the log lines the store
 * could not read (a torn last line after a crash).
 */
export async function readUsage(
  store: Pick<EventStore, 'read'>,
  range: UsageRange,
  weights: ReadonlyMap<string, number>,
  sink: (e: UsageEvent) => void,
  report?: ReadReport,
): Promise<UsageCounts> {
  const counts: UsageCounts = { read: 0, notUsage: 0 };
  for await (const e of store.read(range.from, range.to, report)) {
    counts.read++;
    const rating = e.weight ?? weights.get(e.type) ?? 0;
    const items = itemsOf(e);
    if (items.length === 0 || rating === 0) {
      counts.notUsage++;
      continue;
    }
    const timestamp = Math.floor(e.ts / 1000);
    for (const item of items) sink({ user: e.client_id, item, rating, timestamp });
  }
  return counts;
}
