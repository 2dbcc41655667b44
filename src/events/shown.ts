/**
 * The embedded store's per-client impression counts: per UTC day (of the event's timestamp), per client,
 * how many impressions of each item it was shown — what surfaces' fatigue and `max_shown` read through
 * EventStore.shown(). Every impression event counts: an answer's (`items`, one per listed item) and a
 * posted one (`item`).
 *
 * Bounded, because client ids are request data: per day at most `maxClients` clients (the least recently
 * shown one is dropped first: Map order is recency, a client is re-inserted on each impression) and at
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

export class ShownCounts {
  /** day → client → item → impressions. */
  readonly #days = new Map<string, Map<string, Map<string, number>>>();
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
    for (let k = 0; k < items.length; k++) {
      const n = mine.get(items[k]);
      if (n !== undefined) mine.set(items[k], n + 1);
      else if (mine.size < this.#maxItems) mine.set(items[k], 1);
      else this.overflowed++;
    }
  }

  // The client's counts of `day`, made the most recent (and created, dropping the least recent past the bound).
  #client(day: string, client: string): Map<string, number> {
    let clients = this.#days.get(day);
    if (!clients) this.#days.set(day, (clients = new Map()));
    let mine = clients.get(client);
    if (mine) clients.delete(client);
    else mine = new Map();
    clients.set(client, mine);
    if (clients.size > this.#maxClients) clients.delete(clients.keys().next().value as string);
    return mine;
  }

  /** Impressions per item of `client` summed over `days`. */
  shown(client: string, days: readonly string[]): Map<string, number> {
    const out = new Map<string, number>();
    for (const day of days) {
      const mine = this.#days.get(day)?.get(client);
      if (mine) for (const [item, n] of mine) out.set(item, (out.get(item) ?? 0) + n);
    }
    return out;
  }

  /** Drops the days before `oldest`. */
  dropBefore(oldest: string): void {
    for (const day of this.#days.keys()) if (day < oldest) this.#days.delete(day);
  }

  /** Every client's counts, least recent first per day (the snapshot keeps that order). */
  *entries(): Iterable<{ day: string; client: string; items: Map<string, number> }> {
    for (const [day, clients] of this.#days) for (const [client, items] of clients) yield { day, client, items };
  }

  /** Restores one client's counts of a day from a snapshot (in the order entries() gave them). */
  restore(day: string, client: string, items: Iterable<[string, number]>): void {
    const mine = this.#client(day, client);
    for (const [item, n] of items) if (mine.size < this.#maxItems || mine.has(item)) mine.set(item, n);
  }

  /** Clients held per day (tests, memory figures). */
  clients(day: string): number {
    return this.#days.get(day)?.size ?? 0;
  }
}
