/**
 * Usage read from the event store (`events:FROM..TO`, src/events/usage.ts) into the SAR reader's report and
 * sink, as a file's lines would be: each usage event is one "line" of the input named by the spec, its ids
 * checked by the same rules as a file's (a client id is always a valid user; an item with `,` or `"` is
 * not a valid SAR item and is counted as IllegalCharactersInItemId); a torn log line is a MalformedLine.
 * The store is opened read-only (no rebuild of its counts, no snapshot) and closed after.
 */
import { eventSettingsFromEnv, eventsConfigOf } from '../../../../events/config.js';
import { createEventStore } from '../../../../events/create-store.js';
import type { EventStoreOptions, ReadReport } from '../../../../events/store.js';
import { parseEventsUsage, readUsage } from '../../../../events/usage.js';
import { recordError, type ParseReport } from './codes.js';
import { checkIds, type ParsedEvent } from './line.js';

/** Which event store and weights `events:` input reads; default: the event settings (RECSCORE_EVENTS…). */
export interface EventsInput {
  /** A directory (embedded log) or a redis:// URL, as RECSCORE_EVENTS. */
  spec: string;
  store?: EventStoreOptions;
  /** Usage weight per event type (0 or absent: not usage). */
  weights: ReadonlyMap<string, number>;
}

export function eventsInputFromEnv(): EventsInput {
  const cfg = eventsConfigOf(eventSettingsFromEnv());
  return { spec: cfg.spec, store: cfg.store, weights: cfg.rules.weights };
}

export async function readStoreUsage(
  spec: string,
  report: ParseReport,
  sink: (e: ParsedEvent) => void,
  input: EventsInput = eventsInputFromEnv(),
): Promise<void> {
  const range = parseEventsUsage(spec);
  const store = await createEventStore(input.spec, { ...input.store, rebuild: false, writeSnapshot: false });
  try {
    const torn: ReadReport = { skipped: [] };
    report.files++;
    let n = 0;
    await readUsage(
      store,
      range,
      input.weights,
      (e) => {
        n++;
        report.totalLines++;
        const bad = checkIds(e.user, e.item);
        if (bad) recordError(report, bad, spec, n);
        else {
          report.successfulLines++;
          sink(e);
        }
      },
      torn,
    );
    for (const s of torn.skipped) {
      report.totalLines++;
      recordError(report, 'MalformedLine', s.file, s.line);
    }
  } finally {
    await store.close();
  }
}
