/**
 * Where feedback events go. Two backends behind one small interface, chosen by the spec string as the
 * profile stores are (src/profile/store.ts):
 *   a directory (default `./data`, RECSCORE_DATA_DIR) → embedded: JSONL log under `<dir>/events/`, one file
 *                                                         per UTC day, sketches in memory rebuilt from it
 *   `redis://host:port[/db]`, `rediss://…`            → Redis: a Stream per day, PFADD sketches
 *
 * Contract of every backend:
 * - append() resolves only once the events are durable (fsync'd / applied by Redis); it rejects with
 *   RECSCORE_EVENT_STORE otherwise, and then none of the batch is acknowledged;
 * - a batch appended with an idempotency key is written once: appending the same key again (a client's
 *   retry after a lost answer) writes nothing and resolves `replayed: true` with the first call's ids;
 *   without a key, delivery is at-least-once (a retried batch is stored twice, with new ids);
 * - distinct()/counts() read the per-day aggregates (HyperLogLog sketches and counters);
 * - shown() reads per-client × item impression counts (every impression event: an answer's listed items
 *   and posted impressions), what surfaces' fatigue reads.
 */
import type { Logger } from '../log.js';
import type { Combo } from './dimensions.js';
import type { PostedEvent, StoredEvent } from './event.js';

export interface AppendResult {
  /** Ids of the stored events, in order. */
  ids: string[];
  /** True when this idempotency key had already been written: nothing new was stored. */
  replayed: boolean;
}

export interface ReadReport {
  /** Lines of the embedded log that could not be parsed (a torn last line after a crash), by file. */
  skipped: Array<{ file: string; line: number }>;
}

export interface AppendOptions {
  /**
   * False: the embedded log writes the line without its own fdatasync (a later synced batch, or the OS,
   * makes it durable): for the served log's impressions, at-most-once analytics whose sync per batch was
   * most of their cost. A process crash loses nothing written; an OS crash may lose the unsynced tail.
   * Redis applies every batch alike. Default true.
   */
  sync?: boolean;
}

export interface EventStore {
  readonly kind: string;
  /** The configured dimension combinations. */
  readonly combos: readonly Combo[];
  append(events: PostedEvent[], idempotencyKey?: string, options?: AppendOptions): Promise<AppendResult>;
  /** Events whose timestamp falls on the UTC days `from`..`to`, in log order. */
  read(from: string, to: string, report?: ReadReport): AsyncIterable<StoredEvent>;
  /** Distinct clients of any of `types` over the union of `days` and of the tuples of `combo` that `matches`. */
  distinct(
    types: readonly string[],
    days: readonly string[],
    combo: Combo,
    matches: (tuple: string) => boolean,
  ): Promise<number>;
  /** Event counts per tuple of `combo` (key: tuple JSON) and type, summed over `days`. */
  counts(days: readonly string[], combo: Combo): Promise<Map<string, Map<string, number>>>;
  /**
   * Impressions per item shown to `clientId` over the UTC `days` (summed). Embedded: within its memory
   * bounds (shownClients, shownItems, shownDays); an item or client past them reads as not shown.
   */
  shown(clientId: string, days: readonly string[]): Promise<ReadonlyMap<string, number>>;
  /**
   * The client's own recent items over the UTC `days`: per item, the summed usage weight of its events other
   * than impressions (clicks, installs, purchases…: the event's `weight`, else its type's, as the `events:`
   * usage reader weighs them). What SAR sources seed from. Bounded like shown().
   */
  recent(clientId: string, days: readonly string[]): Promise<ReadonlyMap<string, number>>;
  close(): Promise<void>;
}

export interface EventStoreOptions {
  combos?: readonly Combo[];
  /**
   * Days of aggregates kept, default 90. Redis: EXPIRE of a day's stream, sketches and counters. Embedded:
   * older days leave memory (and are not rebuilt at open); their log files stay for export.
   */
  retentionDays?: number;
  /** Redis: approximate cap of entries per day stream (XADD MAXLEN ~), default none. */
  maxLenPerDay?: number;
  /** Redis: key prefix, default `recscore:events:`. */
  prefix?: string;
  /** Embedded: distinct tuples kept per day and combination; later ones are counted as overflow. */
  maxTuplesPerDay?: number;
  /**
   * Embedded: bytes of all in-memory sketches above which a day's new segments (of combinations other
   * than `none`) are refused; default no cap. Refusals are logged once per day and combination.
   */
  maxSketchBytes?: number;
  /** Usage weight per event type for recent() (default DEFAULT_WEIGHTS; the configured types). */
  usageWeights?: ReadonlyMap<string, number>;
  /** Embedded: clients counted per day for shown() and recent() (least recent dropped; 20,000). */
  shownClients?: number;
  /** Embedded: items counted per client and day for shown() (200). */
  shownItems?: number;
  /** Embedded: days of shown() counts kept in memory (14, at most the retention). */
  shownDays?: number;
  /**
   * Embedded: request ids whose answer's variant is remembered to stamp events that refer to them
   * (request-variants.ts; 100,000). Redis keeps them in `<prefix>req:<id>` for `requestTtlSeconds`.
   */
  requestVariants?: number;
  /** Redis: seconds a request's variant is kept for events that refer to it (default 86,400). */
  requestTtlSeconds?: number;
  /** Embedded: called with the events a refused segment did not take (a metric). */
  onSegmentRefused?: (combo: string, events: number) => void;
  /** Embedded: how often the aggregates snapshot is written (ms, default 300,000; 0 = only at close). */
  snapshotIntervalMs?: number;
  /** Embedded: false never writes the snapshot (a CLI reading the log beside a running server). */
  writeSnapshot?: boolean;
  /** Embedded: false skips rebuilding the aggregates at open (an export only reads the log). */
  rebuild?: boolean;
  logger?: Logger;
}
