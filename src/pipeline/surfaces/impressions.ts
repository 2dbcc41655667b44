/**
 * What fatigue and the `max_shown` filter read: how often each item was shown to a client over the last
 * days. The event store answers it (EventStore.shown) from every impression event it holds — the served
 * log's answers of every route and replica and posted impressions alike — so the counts survive restarts
 * and are shared by replicas. The surfaces only read: the served log is the one writer of impressions.
 * This narrow interface keeps the pipeline testable with a fake.
 */
import { DAY_MS, dayOf } from '../../events/day.js';

export interface ShownCounts {
  /** Impressions per item shown to `clientId` over the UTC `days` (`YYYY-MM-DD`). */
  shown(clientId: string, days: readonly string[]): Promise<ReadonlyMap<string, number>>;
}

/** The `n` UTC days ending with the day of `now` (ms), oldest first. */
export function windowDays(now: number, n: number): string[] {
  const today = Math.floor(now / DAY_MS);
  return Array.from({ length: n }, (_, i) => dayOf((today - n + 1 + i) * DAY_MS));
}
