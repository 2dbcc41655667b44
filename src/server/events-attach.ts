/**
 * Opens the event store named by the configuration and mounts the event routes on a built app: the one
 * seam between the server's composition (start.ts) and the event feature.
 */
import type { Hono } from 'hono';
import type { Logger } from '../log.js';
import { defaultOf } from '../config/index.js';
import { eventsConfigOf, type EventsConfig } from '../events/config.js';
import { createEventStore } from '../events/create-store.js';
import type { EventStore } from '../events/store.js';
import type { AppEnv } from './env.js';
import { registerEventRoutes } from './routes/events.js';

export async function attachEvents(
  app: Hono<AppEnv>,
  config: EventsConfig | undefined,
  log: Logger,
): Promise<EventStore> {
  const cfg = config ?? eventsConfigOf(defaultEventSettings());
  const store = await createEventStore(cfg.spec, { ...cfg.store, logger: log });
  registerEventRoutes(app, { store, rules: cfg.rules, log });
  log.info('event store open', { kind: store.kind });
  return store;
}

/** The event settings' defaults: the embedded log under ./data (serve passes its configuration). */
function defaultEventSettings() {
  return {
    dataDir: defaultOf('dataDir'),
    events: undefined,
    eventDimensions: undefined,
    eventTypes: undefined,
    eventRetentionDays: defaultOf('eventRetentionDays'),
    eventMaxLen: undefined,
    eventPrefix: defaultOf('eventPrefix'),
  };
}
