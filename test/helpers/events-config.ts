/**
 * The embedded event store's configuration for a test server: the settings' defaults with the log in
 * `dataDir` and the served log off, whatever the environment says (startServer's `events` option).
 */
import { defaultOf } from '../../src/config/index.js';
import { eventsConfigOf, type EventsConfig } from '../../src/events/config.js';

export function testEventsConfig(dataDir: string): EventsConfig {
  return eventsConfigOf({
    dataDir,
    events: undefined,
    eventDimensions: undefined,
    eventTypes: undefined,
    eventRetentionDays: defaultOf('eventRetentionDays'),
    eventMaxLen: undefined,
    eventPrefix: defaultOf('eventPrefix'),
    servedLog: false,
    eventSketchMb: defaultOf('eventSketchMb'),
  });
}
