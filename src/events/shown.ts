/**
 * The embedded store's per-client impression counts: per UTC day (of the event's timestamp), per client,
 * how many impressions of each item it was shown — what surfaces' fatigue and `max_shown` read through
 * EventStore.shown(). Every impression event counts: an answer's (`items`, one per listed item) and a
 * posted one (`item`).
 *
 * Bounded, because client ids are request data: per day at most `maxClients` clients (the least recently
 * shown are dropped first, half the bound at a time: see Day) and at
 * most `maxItems` items per client (a new item past that is not counted; those already there keep
 * counting); days older than `days` leave memory. Like the sketches, the counts are rebuilt from the
 * snapshot and the log after a restart, and in the same order, so the same clients survive the bound.
 *
 * The same machinery, with another `weigh`, holds recent(): per client and item the usage weight of the
 * client's own events (clicks, installs, purchases…), what SAR sources seed from.
 */
import { dayOf } from './day.js';
import { itemsOf, type PostedEvent } from './event.js';

/** How much an event adds to each item it names (0: not counted). */
export type Weigher = (e: PostedEvent) => number;

/** shown(): one per listed item of every impression event. */
export const impressionsOnly: Weigher = (e) => (e.type === 'impression' ? 1 : 0);

/**
 * recent(): the client's own actions (every type but impressions), weighted as the usage reader weighs
 * them (usage.ts: the event's `weight`, else its type's; 0 = not usage).
 */
export function usageWeigher(weights: ReadonlyMap<string, number>): Weigher {
  return (e) => (e.type === 'impression' ? 0 : (e.weight ?? weights.get(e.type) ?? 0));
}

export interface ShownOptions {
  /** What an event counts (default: impressionsOnly). */
  weigh?: Weigher;
  /** Clients kept per day (default 20,000). */
  maxClients?: number;
  /** Items kept per client and day (default 200). */
  maxItems?: number;
}

export const SHOWN_DEFAULTS = { maxClients: 20_000, maxItems: 200 } as const;
/** Item ids shared between clients' lists (a catalog's worth). */
const MAX_IDS = 200_000;

/**
 * One client's items of a day and their counts, side by side: cheaper to create and fill than a Map for
 * the few items an answer lists (this runs on the main thread for every served answer); a linear search
 * over at most `maxItems` is what a lookup costs.
 */
interface Tally {
  items: string[];
  counts: number[];
}

/**
 * A day's clients in two generations: those shown since the last turn (`young`) and before it (`old`).
 * A client shown again moves to `young`; when `young` holds half the bound, `old` (the least recently
 * shown) is dropped whole and `young` becomes `old`. No Map is iterated or trimmed one client at a time
 * (a Map iterator walks the holes its earlier deletes left: one drop per new client, at 20,000 clients,
 * cost 8 µs per answer), and at most `maxClients` are held.
 */
interface Day {
  young: Map<string, Tally>;
  old: Map<string, Tally>;
}

export class ShownCounts {
  /** day → its clients, each with its items and their impressions. */
  readonly #days = new Map<string, Day>();
  readonly #maxClients: number;
  readonly #maxItems: number;
  readonly #weigh: Weigher;
  /** Impressions not counted because their client's item bound was reached. */
  overflowed = 0;
  /**
   * One string per item id: events replayed from the log carry a new string per occurrence, which would
   * make every client's list hold its own copies. Bounded; past the bound an id is kept as it comes.
   */
  readonly #ids = new Map<string, string>();

  constructor(opts: ShownOptions = {}) {
    this.#maxClients = opts.maxClients ?? SHOWN_DEFAULTS.maxClients;
    this.#maxItems = opts.maxItems ?? SHOWN_DEFAULTS.maxItems;
    this.#weigh = opts.weigh ?? impressionsOnly;
  }

  add(e: PostedEvent): void {
    const w = this.#weigh(e);
    if (w === 0) return;
    const items = itemsOf(e);
    if (items.length === 0) return;
    const mine = this.#client(dayOf(e.ts), e.client_id);
    for (let k = 0; k < items.length; k++) this.#count(mine, items[k], w);
  }

  #count(mine: Tally, item: string, n: number): void {
    const at = mine.items.indexOf(item);
    if (at >= 0) mine.counts[at] += n;
    else if (mine.items.length < this.#maxItems) {
      let id = this.#ids.get(item);
      if (id === undefined) {
        id = item;
        if (this.#ids.size < MAX_IDS) this.#ids.set(id, id);
      }
      mine.items.push(id);
      mine.counts.push(n);
    } else this.overflowed += n;
  }

  // The client's counts of `day`, in the young generation (created there when new).
  #client(day: string, client: string): Tally {
    let d = this.#days.get(day);
    if (!d) this.#days.set(day, (d = { young: new Map(), old: new Map() }));
    let mine = d.young.get(client);
    if (mine) return mine;
    mine = d.old.get(client);
    if (mine) d.old.delete(client);
    else mine = { items: [], counts: [] };
    if (d.young.size >= Math.max(1, this.#maxClients >> 1)) {
      d.old = d.young;
      d.young = new Map();
    }
    d.young.set(client, mine);
    return mine;
  }

  /** Impressions per item of `client` summed over `days`. */
  shown(client: string, days: readonly string[]): Map<string, number> {
    const out = new Map<string, number>();
    for (const day of days) {
      const d = this.#days.get(day);
      const mine = d?.young.get(client) ?? d?.old.get(client);
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

  /** Every client's counts, the older generation first (the snapshot keeps that order). */
  *entries(): Iterable<{ day: string; client: string; items: Array<[string, number]> }> {
    for (const [day, d] of this.#days) {
      for (const gen of [d.old, d.young]) {
        for (const [client, t] of gen) yield { day, client, items: t.items.map((item, k) => [item, t.counts[k]]) };
      }
    }
  }

  /** Restores one client's counts of a day from a snapshot (in the order entries() gave them). */
  restore(day: string, client: string, items: Iterable<[string, number]>): void {
    const mine = this.#client(day, client);
    for (const [item, n] of items) this.#count(mine, item, n);
  }

  /** Clients held per day (tests, memory figures). */
  clients(day: string): number {
    const d = this.#days.get(day);
    return d ? d.young.size + d.old.size : 0;
  }
}
