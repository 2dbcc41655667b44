/**
 * An in-process test server's options over the TAAR fixtures, and the embedded event store's configuration
 * for one: the settings' defaults with the log in `dataDir` and the served log off, whatever the
 * environment says (startServer's `events` option).
 */
import { fileURLToPath } from 'node:url';
import { defaultOf } from '../../src/config/index.js';
import { eventsConfigOf, type EventSettings, type EventsConfig } from '../../src/events/config.js';

const fixture = (p: string) => fileURLToPath(new URL(`../../../test/fixtures/taar/${p}`, import.meta.url));

/** startServer's options: the fixture model and profiles, one worker, a free loopback port, no reloads. */
export function fixtureServerOptions(eventsDir: string) {
  return {
    models: fixture('models'),
    profiles: fixture('profiles.jsonl'),
    workers: 1,
    cacheDir: null,
    server: { port: 0, host: '127.0.0.1' },
    reload: { intervalMs: 0 },
    events: testEventsConfig(eventsDir),
  };
}

/** `overrides` replace single settings (a test that needs the served log on, a shorter window…). */
export function testEventsConfig(dataDir: string, overrides: Partial<EventSettings> = {}): EventsConfig {
  return eventsConfigOf({
    dataDir,
    events: undefined,
    eventDimensions: undefined,
    eventTypes: undefined,
    eventRetentionDays: defaultOf('eventRetentionDays'),
    eventMaxLen: undefined,
    eventPrefix: defaultOf('eventPrefix'),
    eventShownClients: defaultOf('eventShownClients'),
    eventShownItems: defaultOf('eventShownItems'),
    eventShownDays: defaultOf('eventShownDays'),
    servedLogFlushMs: defaultOf('servedLogFlushMs'),
    servedLog: false,
    eventSketchMb: defaultOf('eventSketchMb'),
    ...overrides,
  });
}
