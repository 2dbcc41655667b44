/**
 * The embedded event store: the JSONL log (jsonl-log.ts) under `<dataDir>/events/`, and in-memory
 * aggregates (aggregates.ts). The log is the truth; a snapshot of the aggregates and keys (snapshot.ts,
 * written every `snapshotIntervalMs` and at close) records the log offsets it covers, so opening reads the
 * snapshot and replays only the log after those offsets — after a crash, whatever the last snapshot missed.
 * A missing or bad snapshot means a replay of the whole retained log: no count an acknowledged event
 * implies can be lost either way.
 *
 * Idempotency keys: remembered for 24 h (at most 100k, oldest forgotten first), restored from the snapshot
 * and the replayed log. A key in flight makes a concurrent retry wait for its outcome.
 */
import { randomUUID } from 'node:crypto';
import { join, resolve } from 'node:path';
import { log as rootLog, type Logger } from '../log.js';
import { Aggregates } from './aggregates.js';
import { addDays, dayOf, DAY_MS } from './day.js';
import { DEFAULT_COMBOS, type Combo } from './dimensions.js';
import type { PostedEvent, StoredEvent } from './event.js';
import { JsonlLog } from './jsonl-log.js';
import { encodeLine } from './log-line.js';
import { RequestVariants } from './request-variants.js';
import { DEFAULT_WEIGHTS } from './event.js';
import { ShownCounts, usageWeigher } from './shown.js';
import { encodeSnapshot, readSnapshot, writeSnapshot, type SnapshotKey } from './snapshot.js';
import type { AppendOptions, AppendResult, EventStore, EventStoreOptions, ReadReport } from './store.js';

const KEY_TTL_MS = DAY_MS;
const MAX_KEYS = 100_000;
/** Days of arrival that can hold an event of day D: D-1 (clock skew) to D+7 (lateness). */
const ARRIVAL_BEFORE = 1;
const ARRIVAL_AFTER = 8;

export class EmbeddedEventStore implements EventStore {
  readonly kind = 'embedded';
  readonly combos: readonly Combo[];
  readonly #log: JsonlLog;
  #agg: Aggregates;
  readonly #newAggregates: () => Aggregates;
  #shown: ShownCounts;
  readonly #newShown: () => ShownCounts;
  /** recent(): per client and item, the usage weight of the client's own events (same bounds as #shown). */
  #recent: ShownCounts;
  readonly #newRecent: () => ShownCounts;
  readonly #shownDays: number;
  #oldestShown = '';
  /** Request id → the variant its answer carried, for events that refer to it (request-variants.ts). */
  readonly #requests: RequestVariants;
  readonly #keys = new Map<
    string,
    { at: number; result: Promise<AppendResult>; done?: { batch: string; n: number } }
  >();
  /** Per arrival-day file: bytes whose events are in the aggregates (what a snapshot covers). */
  readonly #applied = new Map<string, number>();
  readonly #snapshotPath: string;
  readonly #snapshotMs: number;
  #snapshotTimer: NodeJS.Timeout | undefined;
  #snapshotting = false;
  #saving: Promise<void> | undefined;
  /** Whether open() started from a snapshot (tests, logs). */
  fromSnapshot = false;
  readonly #logger: Logger;
  readonly #retentionDays: number;
  #oldestKept = '';
  /** `day combination` pairs whose refusal was logged (one line each, not one per event). */
  readonly #refusedLogged = new Set<string>();
  /** Lines skipped while rebuilding (torn by a crash). */
  readonly rebuildReport: ReadReport = { skipped: [] };
  rebuiltEvents = 0;

  private constructor(dataDir: string, opts: EventStoreOptions) {
    this.combos = opts.combos ?? DEFAULT_COMBOS;
    this.#logger = (opts.logger ?? rootLog).child({ store: 'events-embedded' });
    this.#log = new JsonlLog(join(resolve(dataDir), 'events'), this.#logger);
    this.#newAggregates = () =>
      new Aggregates(this.combos, {
        maxTuplesPerDay: opts.maxTuplesPerDay,
        maxBytes: opts.maxSketchBytes,
        onRefuse: (day, combo, n) => {
          opts.onSegmentRefused?.(combo, n);
          const key = `${day} ${combo}`;
          if (this.#refusedLogged.has(key)) return;
          if (this.#refusedLogged.size >= 10_000) this.#refusedLogged.clear();
          this.#refusedLogged.add(key);
          this.#logger.warn('event sketch memory cap reached: new segments of this day are not counted', {
            day,
            combination: combo,
            sketch_bytes: this.#agg.bytes,
            cap_bytes: opts.maxSketchBytes,
          });
        },
      });
    this.#agg = this.#newAggregates();
    this.#newShown = () => new ShownCounts({ maxClients: opts.shownClients, maxItems: opts.shownItems });
    this.#shown = this.#newShown();
    const weigh = usageWeigher(opts.usageWeights ?? new Map(Object.entries(DEFAULT_WEIGHTS)));
    this.#newRecent = () => new ShownCounts({ maxClients: opts.shownClients, maxItems: opts.shownItems, weigh });
    this.#recent = this.#newRecent();
    this.#requests = new RequestVariants(opts.requestVariants);
    this.#retentionDays = opts.retentionDays ?? 90;
    this.#shownDays = Math.min(opts.shownDays ?? 14, this.#retentionDays);
    this.#snapshotPath = join(this.#log.dir, 'aggregates.snapshot');
    this.#snapshotMs = opts.snapshotIntervalMs ?? 300_000;
  }

  // Drops the aggregates (and shown counts) of days past their retention; runs when the oldest day changes.
  #retain(): string {
    const now = Date.now();
    const oldest = dayOf(now - (this.#retentionDays - 1) * DAY_MS);
    if (oldest !== this.#oldestKept) {
      this.#agg.dropBefore(oldest);
      this.#oldestKept = oldest;
      this.#oldestShown = dayOf(now - (this.#shownDays - 1) * DAY_MS);
      this.#shown.dropBefore(this.#oldestShown);
      this.#recent.dropBefore(this.#oldestShown);
    }
    return oldest;
  }

  // Adds accepted events to the aggregates and shown counts (those of days still kept).
  #apply(e: PostedEvent, oldest: string): void {
    if (e.items !== undefined) this.#requests.learn(e);
    const day = dayOf(e.ts);
    if (day < oldest) return;
    this.#agg.add(e);
    if (day >= this.#oldestShown) {
      if (e.type === 'impression') this.#shown.add(e);
      else this.#recent.add(e);
    }
  }

  static async open(dataDir: string, opts: EventStoreOptions = {}): Promise<EmbeddedEventStore> {
    const s = new EmbeddedEventStore(dataDir, opts);
    await s.#log.init();
    if (opts.rebuild !== false) {
      await s.#rebuild();
      s.#snapshotting = opts.writeSnapshot !== false;
      if (s.#snapshotting && s.#snapshotMs > 0)
        s.#snapshotTimer = setInterval(() => void s.saveSnapshot(), s.#snapshotMs).unref();
    }
    return s;
  }

  get dir(): string {
    return this.#log.dir;
  }

  async #rebuild(): Promise<void> {
    const days = await this.#log.days();
    const start = await this.#restoreSnapshot(days);
    const recent = dayOf(Date.now() - 2 * DAY_MS);
    const oldest = this.#retain();
    for (const day of days) {
      if (day < addDays(oldest, -ARRIVAL_AFTER)) continue; // holds no event of a retained day
      for await (const line of this.#log.lines(day, this.rebuildReport, start.get(day) ?? 0)) {
        for (const e of line.e) this.#apply(e, oldest);
        this.rebuiltEvents += line.e.length;
        if (line.k !== null && day >= recent) this.#remember(line.k, line.r, line.b, line.e.length);
      }
      this.#applied.set(day, await this.#log.sizeOf(day));
    }
    for (const s of this.rebuildReport.skipped) this.#logger.warn('skipped an unreadable event log line', s);
  }

  // Loads the snapshot when it is consistent with the log; returns where to resume each file.
  async #restoreSnapshot(days: string[]): Promise<Map<string, number>> {
    try {
      const snap = await readSnapshot(this.#snapshotPath);
      if (!snap) return new Map();
      for (const [day, off] of Object.entries(snap.positions)) {
        if (!days.includes(day) || (await this.#log.sizeOf(day)) < off)
          throw new Error(`log ${day} is shorter than recorded`);
      }
      for (const c of snap.cells) this.#agg.restore(c.day, c.combo, c.tuple, c.type, c.count, c.sketch);
      for (const c of snap.shown) this.#shown.restore(c.day, c.client, c.items);
      for (const c of snap.recent) this.#recent.restore(c.day, c.client, c.items);
      for (const k of snap.keys) this.#remember(k.key, k.at, k.batch, k.n);
      this.fromSnapshot = true;
      return new Map(Object.entries(snap.positions));
    } catch (e) {
      this.#logger.warn('event snapshot unusable; rebuilding from the whole log', { error: e });
      this.#agg = this.#newAggregates();
      this.#shown = this.#newShown();
      this.#recent = this.#newRecent();
      this.#keys.clear();
      return new Map();
    }
  }

  /** Writes the snapshot now (also done every snapshotIntervalMs and at close). */
  saveSnapshot(): Promise<void> {
    if (this.#saving) return this.#saving;
    const keys: SnapshotKey[] = [];
    for (const [key, v] of this.#keys) if (v.done) keys.push({ key, at: v.at, batch: v.done.batch, n: v.done.n });
    // Collected in this tick: the cells hold exactly the events of the bytes #applied records.
    const bytes = encodeSnapshot(
      Object.fromEntries(this.#applied),
      keys,
      this.#agg.cells(),
      this.#shown.entries(),
      this.#recent.entries(),
    );
    this.#saving = writeSnapshot(this.#snapshotPath, bytes)
      .catch((e) => this.#logger.warn('event snapshot not written', { error: e }))
      .finally(() => (this.#saving = undefined));
    return this.#saving;
  }

  #remember(key: string, at: number, batch: string, n: number): void {
    const ids = Array.from({ length: n }, (_, i) => `${batch}:${i}`);
    this.#keys.delete(key);
    this.#keys.set(key, { at, result: Promise.resolve({ ids, replayed: true }), done: { batch, n } });
    this.#trimKeys();
  }

  #trimKeys(): void {
    const horizon = Date.now() - KEY_TTL_MS;
    for (const [k, v] of this.#keys) {
      if (this.#keys.size <= MAX_KEYS && v.at >= horizon) break;
      this.#keys.delete(k);
    }
  }

  append(events: PostedEvent[], idempotencyKey?: string, options?: AppendOptions): Promise<AppendResult> {
    if (idempotencyKey === undefined) return this.#write(events, null, options?.sync !== false);
    const known = this.#keys.get(idempotencyKey);
    if (known) return known.result.then((r) => ({ ids: r.ids, replayed: true }));
    const result = this.#write(events, idempotencyKey);
    const entry: { at: number; result: Promise<AppendResult>; done?: { batch: string; n: number } } = {
      at: Date.now(),
      result,
    };
    this.#keys.set(idempotencyKey, entry);
    result.then(
      (r) => (entry.done = { batch: r.ids[0]?.split(':')[0] ?? '', n: r.ids.length }),
      () => {},
    );
    this.#trimKeys();
    // A failed write is not a write: forget the key so the client's retry is written.
    result.catch(() => this.#keys.get(idempotencyKey)?.result === result && this.#keys.delete(idempotencyKey));
    return result;
  }

  async #write(posted: PostedEvent[], key: string | null, sync = true): Promise<AppendResult> {
    const events = this.#requests.stampAll(posted);
    const b = randomUUID();
    const r = Date.now();
    const pos = await this.#log.append(r, encodeLine(b, key, r, events), sync);
    const oldest = this.#retain();
    for (let i = 0; i < events.length; i++) this.#apply(events[i], oldest);
    this.#applied.set(pos.day, Math.max(this.#applied.get(pos.day) ?? 0, pos.end));
    return { ids: events.map((_, i) => `${b}:${i}`), replayed: false };
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

  async shown(clientId: string, days: readonly string[]): Promise<ReadonlyMap<string, number>> {
    return this.#shown.shown(clientId, days);
  }

  async recent(clientId: string, days: readonly string[]): Promise<ReadonlyMap<string, number>> {
    return this.#recent.shown(clientId, days);
  }

  memory() {
    return this.#agg.memory();
  }

  /** Bytes of all in-memory sketches (the figure RECSCORE_EVENT_SKETCH_MB caps). */
  get sketchBytes(): number {
    return this.#agg.bytes;
  }

  async close(): Promise<void> {
    clearInterval(this.#snapshotTimer);
    await this.#log.close();
    if (this.#snapshotting) {
      await this.#saving;
      await this.saveSnapshot();
    }
  }
}
