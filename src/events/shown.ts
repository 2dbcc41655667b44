/**
 * The embedded store's per-client impression counts: per UTC day (of the event's timestamp), per client,
 * how many impressions of each item it was shown — what surfaces' fatigue and `max_shown` read through
 * EventStore.shown(). Every impression event counts: an answer's (`items`, one per listed item) and a
 * posted one (`item`).
 *
 * Bounded, because client ids are request data: per day at most `maxClients` clients (the least recently
 * shown are dropped first, 1/64 of the bound at a time: Map order is recency, a client is re-inserted on
 * each impression) and at
 * most `maxItems` items per client (a new item past that is not counted; those already there keep
 * counting); days older than `days` leave memory. Like the sketches, the counts are rebuilt from the
 * snapshot and the log after a restart, and in the same order, so the same clients survive the bound.
 */
import { dayOf } from './day.js';
import { itemsOf, type PostedEvent } from './event.js';

export interface ShownOptions {
  /** Clients kept per day (default 20,000). */
  maxClients?: number;
  /** Items kept per client and day (default 200). */
  maxItems?: number;
}

export const SHOWN_DEFAULTS = { maxClients: 20_000, maxItems: 200 } as const;

/**
 * One client's items of a day and their counts, side by side: cheaper to create and fill than a Map for
 * the few items an answer lists (this runs on the main thread for every served answer); a linear search
 * over at most `maxItems` is what a lookup costs.
 */
interface Tally {
  items: string[];
  counts: number[];
}

export class ShownCounts {
  /** day → client → its items and their impressions. */
  readonly #days = new Map<string, Map<string, Tally>>();
  readonly #maxClients: number;
  readonly #maxItems: number;
  /** Impressions not counted because their client's item bound was reached. */
  overflowed = 0;

  constructor(opts: ShownOptions = {}) {
    this.#maxClients = opts.maxClients ?? SHOWN_DEFAULTS.maxClients;
    this.#maxItems = opts.maxItems ?? SHOWN_DEFAULTS.maxItems;
  }

  add(e: PostedEvent): void {
    if (e.type !== 'impression') return;
    const items = itemsOf(e);
    if (items.length === 0) return;
    const mine = this.#client(dayOf(e.ts), e.client_id);
    for (let k = 0; k < items.length; k++) this.#count(mine, items[k], 1);
  }

  #count(mine: Tally, item: string, n: number): void {
    const at = mine.items.indexOf(item);
    if (at >= 0) mine.counts[at] += n;
    else if (mine.items.length < this.#maxItems) {
      mine.items.push(item);
      mine.counts.push(n);
    } else this.overflowed += n;
  }

  // The client's counts of `day`, made the most recent (and created, dropping the least recent past the bound).
  #client(day: string, client: string): Tally {
    let clients = this.#days.get(day);
    if (!clients) this.#days.set(day, (clients = new Map()));
    let mine = clients.get(client);
    if (mine) clients.delete(client);
    else mine = { items: [], counts: [] };
    clients.set(client, mine);
    if (clients.size > this.#maxClients) {
      // The least recent 1/64 go at once: a Map iterator walks over the holes its earlier deletes left,
      // so dropping one client per new one was 8 µs per answer at 20,000 clients; in bulk it is shared.
      let drop = clients.size - this.#maxClients + (this.#maxClients >> 6);
      for (const old of clients.keys()) {
        if (drop-- <= 0 || old === client) break;
        clients.delete(old);
      }
    }
    return mine;
  }

  /** Impressions per item of `client` summed over `days`. */
  shown(client: string, days: readonly string[]): Map<string, number> {
    const out = new Map<string, number>();
    for (const day of days) {
      const mine = this.#days.get(day)?.get(client);
      if (!mine) continue;
      for (let k = 0; k < mine.items.length; k++)
        out.set(mine.items[k], (out.get(mine.items[k]) ?? 0) + mine.counts[k]);
    }
    return out;
  }

  /** Drops the days before `oldest`. */
  dropBefore(oldest: string): void {
    for (const day of this.#days.keys()) if (day < oldest) this.#days.delete(day);
  }

  /** Every client's counts, least recent first per day (the snapshot keeps that order). */
  *entries(): Iterable<{ day: string; client: string; items: Array<[string, number]> }> {
    for (const [day, clients] of this.#days) {
      for (const [client, t] of clients) yield { day, client, items: t.items.map((item, k) => [item, t.counts[k]]) };
    }
  }

  /** Restores one client's counts of a day from a snapshot (in the order entries() gave them). */
  restore(day: string, client: string, items: Iterable<[string, number]>): void {
    const mine = this.#client(day, client);
    for (const [item, n] of items) this.#count(mine, item, n);
  }

  /** Clients held per day (tests, memory figures). */
  clients(day: string): number {
    return this.#days.get(day)?.size ?? 0;
  }
}
