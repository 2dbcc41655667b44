/**
 * How often each client was shown each item over the last days: what fatigue and the `max_shown` filter
 * read. The event store's aggregates count per segment, not per (client, item), so the surfaces keep their
 * own bounded tally of what they served (the same answers the served log writes as impression events):
 * at most `maxClients` clients (least recently served dropped first) and `maxItemsPerClient` items each,
 * per UTC day, so request data can never grow it without bound.
 */
export interface ImpressionCounts {
  /** Impressions per item of `clientId` over the `windowDays` UTC days up to `now` (ms); may be remote (async). */
  counts(
    clientId: string,
    windowDays: number,
    now: number,
  ): ReadonlyMap<string, number> | Promise<ReadonlyMap<string, number>>;
  record(clientId: string, items: readonly string[], now: number): void;
}

const DAY_MS = 86_400_000;
const EMPTY: ReadonlyMap<string, number> = new Map();

export class RecentImpressions implements ImpressionCounts {
  /** client → item → [day, count] pairs, newest last. */
  private readonly clients = new Map<string, Map<string, Array<[number, number]>>>();

  constructor(
    private readonly maxClients = 100_000,
    private readonly maxItemsPerClient = 500,
    private readonly maxDays = 90,
  ) {}

  get size(): number {
    return this.clients.size;
  }

  counts(clientId: string, windowDays: number, now: number): ReadonlyMap<string, number> {
    const items = this.clients.get(clientId);
    if (!items) return EMPTY;
    const from = Math.floor(now / DAY_MS) - windowDays + 1;
    const out = new Map<string, number>();
    for (const [item, days] of items) {
      let n = 0;
      for (const [d, c] of days) if (d >= from) n += c;
      if (n > 0) out.set(item, n);
    }
    return out;
  }

  record(clientId: string, items: readonly string[], now: number): void {
    if (items.length === 0) return;
    const day = Math.floor(now / DAY_MS);
    let mine = this.clients.get(clientId);
    if (mine)
      this.clients.delete(clientId); // re-inserted below: Map order is recency
    else mine = new Map();
    this.clients.set(clientId, mine);
    if (this.clients.size > this.maxClients) this.clients.delete(this.clients.keys().next().value as string);
    for (const item of items) {
      let days = mine.get(item);
      if (!days) {
        if (mine.size >= this.maxItemsPerClient) continue;
        days = [];
        mine.set(item, days);
      }
      const last = days[days.length - 1];
      if (last && last[0] === day) last[1]++;
      else days.push([day, 1]);
      while (days.length > 0 && days[0][0] <= day - this.maxDays) days.shift();
    }
  }
}
