/**
 * Opens the event store named by the configuration, and the served log that writes each answer's list
 * to it, and mounts the event routes on a built app: the one seam between the server's composition
 * (start.ts) and the event feature. The store opens before the app is built (the pipeline writes to the
 * served log); the routes are mounted after.
 */
import type { Hono, MiddlewareHandler } from 'hono';
import { Counter, Gauge } from 'prom-client';
import type { Logger } from '../log.js';
import type { Metrics } from '../metrics/registry.js';
import { eventSettingsFromEnv, eventsConfigOf, type EventsConfig } from '../events/config.js';
import { createEventStore } from '../events/create-store.js';
import { ServedLog } from '../events/served-log.js';
import type { EventStore } from '../events/store.js';
import type { AppEnv } from './env.js';
import { registerEventRoutes } from './routes/events.js';

export interface OpenEvents {
  store: EventStore;
  config: EventsConfig;
  /** Undefined when RECSCORE_SERVED_LOG is off. */
  served: ServedLog | undefined;
  /** Writes what the served log holds, then closes the store. */
  close(): Promise<void>;
}

export async function openEvents(config: EventsConfig | undefined, log: Logger, metrics: Metrics): Promise<OpenEvents> {
  const cfg = config ?? eventsConfigOf(defaultEventSettings());
  const refused = new Counter({
    name: 'recscore_event_segments_refused_total',
    help: "Events not counted in a combination: the embedded store's sketch memory cap refused a new segment",
    labelNames: ['combination'] as const,
    registers: [metrics.registry],
  });
  const store = await createEventStore(cfg.spec, {
    ...cfg.store,
    logger: log,
    onSegmentRefused: (combination, n) => refused.inc({ combination }, n),
  });
  if (store.kind === 'embedded') {
    const embedded = store as EventStore & { readonly sketchBytes: number };
    new Gauge({
      name: 'recscore_event_sketch_bytes',
      help: "Bytes of the embedded event store's in-memory sketches (capped by RECSCORE_EVENT_SKETCH_MB)",
      registers: [metrics.registry],
      collect() {
        this.set(embedded.sketchBytes);
      },
    });
  }
  let served: ServedLog | undefined;
  if (cfg.servedLog) {
    const dropped = new Counter({
      name: 'recscore_served_log_dropped_total',
      help: 'Impression events of the served log dropped: buffer full (store slow) or store error',
      labelNames: ['reason'] as const,
      registers: [metrics.registry],
    });
    dropped.inc({ reason: 'full' }, 0);
    dropped.inc({ reason: 'store_error' }, 0);
    const written = new Counter({
      name: 'recscore_served_log_written_total',
      help: 'Impression events of the served log written to the event store',
      registers: [metrics.registry],
    });
    served = new ServedLog(store, {
      flushMs: cfg.servedLogFlushMs,
      logger: log,
      onDrop: (n, reason) => dropped.inc({ reason }, n),
      onWrite: (n) => written.inc(n),
    });
  }
  log.info('event store open', { kind: store.kind, served_log: cfg.servedLog });
  return {
    store,
    config: cfg,
    served,
    close: async () => {
      await served?.close();
      await store.close();
    },
  };
}

/** `guard`: what POST /v1/events requires first (the recommend keys, when configured). */
export function attachEvents(
  app: Hono<AppEnv>,
  events: OpenEvents,
  log: Logger,
  guard?: MiddlewareHandler<AppEnv>,
): void {
  registerEventRoutes(app, { store: events.store, rules: events.config.rules, log, guard });
}

/**
 * The event settings when the caller passes none (programmatic and test servers; `serve` passes its
 * configuration): the environment's, else the defaults (the embedded log under ./data).
 */
function defaultEventSettings() {
  return eventSettingsFromEnv();
}
