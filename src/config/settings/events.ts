/** Feedback events (src/events/). */
import { bool, int, text } from '../values.js';
import { optional, setting, type Setting } from './define.js';

export const EVENT_SETTINGS = {
  dataDir: setting({
    env: 'RECSCORE_DATA_DIR',
    flag: 'data-dir',
    kind: text(),
    default: './data',
    doc: 'Base folder of local data; the embedded event log is `<dir>/events/`',
  }),
  events: optional({
    env: 'RECSCORE_EVENTS',
    flag: 'events',
    kind: text(),
    doc: 'Event store: a folder (embedded) or `redis://host:port[/db]`; unset: the data folder',
  }),
  eventDimensions: optional({
    env: 'RECSCORE_EVENT_DIMENSIONS',
    flag: 'event-dimensions',
    kind: text(),
    doc:
      'Distinct-count segments, `;`-separated, dimensions joined by `+` ' +
      '(unset: none;locale;os;served_by;variant;item;model)',
  }),
  eventTypes: optional({
    env: 'RECSCORE_EVENT_TYPES',
    flag: 'event-types',
    kind: text(),
    doc: "Custom event types with their usage weight, or built-in types' new weights: `like:2,impression:0.1`",
  }),
  eventRetentionDays: setting({
    env: 'RECSCORE_EVENT_RETENTION_DAYS',
    flag: 'event-retention-days',
    kind: int(1, 3650),
    default: 90,
    doc: 'Days the event log, sketches and counters are kept',
  }),
  eventSketchMb: setting({
    env: 'RECSCORE_EVENT_SKETCH_MB',
    flag: 'event-sketch-mb',
    kind: int(1, 1_048_576),
    // About 100 days of 200k daily clients over the default combinations (README: sketch memory).
    default: 512,
    doc: "Embedded store: MiB of all in-memory sketches; above it a day's new segments are refused (counted)",
  }),
  eventMaxLen: optional({
    env: 'RECSCORE_EVENT_MAXLEN',
    flag: 'event-maxlen',
    kind: int(1, 1_000_000_000_000),
    doc: 'Redis: approximate cap of entries per day stream',
  }),
  eventPrefix: setting({
    env: 'RECSCORE_EVENT_PREFIX',
    flag: 'event-prefix',
    kind: text(256),
    default: 'recscore:events:',
    doc: 'Redis key prefix of the event store',
  }),
  eventShownClients: setting({
    env: 'RECSCORE_EVENT_SHOWN_CLIENTS',
    flag: 'event-shown-clients',
    kind: int(1, 10_000_000),
    default: 20_000,
    doc: 'Embedded store: clients whose per-item impressions are counted per day (least recently shown dropped)',
  }),
  eventShownItems: setting({
    env: 'RECSCORE_EVENT_SHOWN_ITEMS',
    flag: 'event-shown-items',
    kind: int(1, 100_000),
    default: 200,
    doc: 'Embedded store: items counted per client and day in those per-client impression counts',
  }),
  eventShownDays: setting({
    env: 'RECSCORE_EVENT_SHOWN_DAYS',
    flag: 'event-shown-days',
    kind: int(1, 3650),
    // ~0.9 KB per client and day of 30 items (README): the defaults hold at most ~250 MB.
    default: 14,
    doc: 'Embedded store: days of per-client impression counts kept in memory (at most the retention)',
  }),
  servedLogFlushMs: setting({
    env: 'RECSCORE_SERVED_LOG_FLUSH_MS',
    flag: 'served-log-flush-ms',
    kind: int(1, 60_000),
    // A write is one line without its own fdatasync (impressions are at-most-once analytics); what the
    // main thread does per write (sketches, counters, shown counts) grows with the batch, so batches stay
    // small (250 answers) and a full one goes at once; this is the most a quiet period waits.
    default: 250,
    doc: 'Served log: most ms between its batched writes (a full batch of 250 answers is written at once)',
  }),
  servedLog: setting({
    env: 'RECSCORE_SERVED_LOG',
    flag: 'served-log',
    kind: bool,
    // On: one impression event per answer, written every RECSCORE_SERVED_LOG_FLUSH_MS, costs the gate's
    // recommend scenario ~10-15 µs per answer of ~150 (README, events section).
    default: true,
    doc: "Write each answer's list to the event log as one `impression` event (batched, off the response path)",
  }),
} satisfies Record<string, Setting<unknown>>;
