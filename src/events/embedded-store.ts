/**
 * The embedded event store: the JSONL log (jsonl-log.ts) under `<dataDir>/events/`, and in-memory
 * aggregates (aggregates.ts) rebuilt from the whole log when the store opens — the log is the only
 * persisted state, so a crash can lose no count that an acknowledged event implies.
 *
 * Idempotency keys: remembered for 24 h (at most 100k, oldest forgotten first) and rebuilt from the log
 * lines of the last two days at open. A key in flight makes a concurrent retry wait for its outcome.
 */
import { randomUUID } from 'node:crypto';
import { join, resolve } from 'node:path';
import { log as rootLog, type Logger } from '../log.js';
import { Aggregates } from './aggregates.js';
import { addDays, dayOf, DAY_MS } from './day.js';
import { DEFAULT_COMBOS, type Combo } from './dimensions.js';
import type { PostedEvent, StoredEvent } from './event.js';
import { JsonlLog } from './jsonl-log.js';
import type { AppendResult, EventStore, EventStoreOptions, ReadReport } from './store.js';

const KEY_TTL_MS = DAY_MS;
const MAX_KEYS = 100_000;
/** Days of arrival that can hold an event of day D: D-1 (clock skew) to D+7 (lateness). */
const ARRIVAL_BEFORE = 1;
const ARRIVAL_AFTER = 8;

export class EmbeddedEventStore implements EventStore {
  readonly kind = 'embedded';
  readonly combos: readonly Combo[];
  readonly #log: JsonlLog;
  readonly #agg: Aggregates;
  readonly #keys = new Map<string, { at: number; result: Promise<AppendResult> }>();
  readonly #logger: Logger;
  readonly #retentionDays: number;
  #oldestKept = '';
  /** Lines skipped while rebuilding (torn by a crash). */
  readonly rebuildReport: ReadReport = { skipped: [] };
  rebuiltEvents = 0;

  private constructor(dataDir: string, opts: EventStoreOptions) {
    this.combos = opts.combos ?? DEFAULT_COMBOS;
    this.#logger = (opts.logger ?? rootLog).child({ store: 'events-embedded' });
    this.#log = new JsonlLog(join(resolve(dataDir), 'events'), this.#logger);
    this.#agg = new Aggregates(this.combos, opts.maxTuplesPerDay ?? 10_000);
    this.#retentionDays = opts.retentionDays ?? 90;
  }

  // Drops the aggregates of days past the retention; runs when the oldest day to keep changes.
  #retain(): string {
    const oldest = dayOf(Date.now() - (this.#retentionDays - 1) * DAY_MS);
    if (oldest !== this.#oldestKept) {
      this.#agg.dropBefore(oldest);
      this.#oldestKept = oldest;
    }
    return oldest;
  }

  static async open(dataDir: string, opts: EventStoreOptions = {}): Promise<EmbeddedEventStore> {
    const s = new EmbeddedEventStore(dataDir, opts);
    await s.#log.init();
    if (opts.rebuild !== false) await s.#rebuild();
    return s;
  }

  get dir(): string {
    return this.#log.dir;
  }

  async #rebuild(): Promise<void> {
    const recent = dayOf(Date.now() - 2 * DAY_MS);
    const oldest = this.#retain();
    for (const day of await this.#log.days()) {
      if (day < addDays(oldest, -ARRIVAL_AFTER)) continue; // holds no event of a retained day
      for await (const line of this.#log.lines(day, this.rebuildReport)) {
        for (const e of line.e) if (dayOf(e.ts) >= oldest) this.#agg.add(e);
        this.rebuiltEvents += line.e.length;
        if (line.k !== null && day >= recent)
          this.#remember(line.k, line.r, { ids: line.e.map((e) => e.id), replayed: true });
      }
    }
    for (const s of this.rebuildReport.skipped) this.#logger.warn('skipped an unreadable event log line', s);
  }

  #remember(key: string, at: number, result: AppendResult): void {
    this.#keys.delete(key);
    this.#keys.set(key, { at, result: Promise.resolve(result) });
    this.#trimKeys();
  }

  #trimKeys(): void {
    const horizon = Date.now() - KEY_TTL_MS;
    for (const [k, v] of this.#keys) {
      if (this.#keys.size <= MAX_KEYS && v.at >= horizon) break;
      this.#keys.delete(k);
    }
  }

  append(events: PostedEvent[], idempotencyKey?: string): Promise<AppendResult> {
    if (idempotencyKey === undefined) return this.#write(events, null);
    const known = this.#keys.get(idempotencyKey);
    if (known) return known.result.then((r) => ({ ids: r.ids, replayed: true }));
    const result = this.#write(events, idempotencyKey);
    this.#keys.set(idempotencyKey, { at: Date.now(), result });
    this.#trimKeys();
    // A failed write is not a write: forget the key so the client's retry is written.
    result.catch(() => this.#keys.get(idempotencyKey)?.result === result && this.#keys.delete(idempotencyKey));
    return result;
  }

  async #write(events: PostedEvent[], key: string | null): Promise<AppendResult> {
    const b = randomUUID();
    const stored: StoredEvent[] = events.map((e, i) => ({ id: `${b}:${i}`, ...e }));
    await this.#log.append({ b, k: key, r: Date.now(), e: stored });
    const oldest = this.#retain();
    for (const e of stored) if (dayOf(e.ts) >= oldest) this.#agg.add(e);
    return { ids: stored.map((e) => e.id), replayed: false };
  }

  async *read(from: string, to: string, report?: ReadReport): AsyncIterable<StoredEvent> {
    const first = addDays(from, -ARRIVAL_BEFORE);
    const last = addDays(to, ARRIVAL_AFTER);
    for (const day of await this.#log.days()) {
      if (day < first || day > last) continue;
      for await (const line of this.#log.lines(day, report)) {
        for (const e of line.e) {
          const d = dayOf(e.ts);
          if (d >= from && d <= to) yield e;
        }
      }
    }
  }

  async distinct(
    types: readonly string[],
    days: readonly string[],
    combo: Combo,
    matches: (tuple: string) => boolean,
  ): Promise<number> {
    return this.#agg.distinct(types, days, combo, matches);
  }

  async counts(days: readonly string[], combo: Combo): Promise<Map<string, Map<string, number>>> {
    return this.#agg.counts(days, combo);
  }

  memory() {
    return this.#agg.memory();
  }

  async close(): Promise<void> {
    await this.#log.close();
  }
}
