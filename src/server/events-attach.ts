/**
 * Opens the event store named by the configuration and mounts the event routes on a built app: the one
 * seam between the server's composition (start.ts) and the event feature.
 */
import type { Hono } from 'hono';
import type { Logger } from '../log.js';
import { eventsConfigFromEnv, type EventsConfig } from '../events/env.js';
import { createEventStore, type EventStore } from '../events/store.js';
import type { AppEnv } from './env.js';
import { registerEventRoutes } from './routes/events.js';

export async function attachEvents(
  app: Hono<AppEnv>,
  config: EventsConfig | undefined,
  env: Record<string, string | undefined>,
  log: Logger,
): Promise<EventStore> {
  const cfg = config ?? eventsConfigFromEnv(env);
  const store = await createEventStore(cfg.spec, { ...cfg.store, logger: log });
  registerEventRoutes(app, { store, rules: cfg.rules, log });
  log.info('event store open', { kind: store.kind });
  return store;
}
