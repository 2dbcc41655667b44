/**
 * The event feature's settings (src/config: RECSCORE_DATA_DIR, RECSCORE_EVENTS, RECSCORE_EVENT_*) turned
 * into what the store and the routes need: the store's location, its options, and the event rules.
 */
import { settingFromEnv, type Config, type Env } from '../config/index.js';
import { RecscoreError } from '../errors.js';
import { DEFAULT_COMBOS, parseCombos, type Combo } from './dimensions.js';
import { defaultRules, isCustomTypeName, type EventRules } from './event.js';
import type { EventStoreOptions } from './store.js';

export interface EventsConfig {
  spec: string;
  store: EventStoreOptions;
  rules: EventRules;
  /** Log each recommendation answer's list as impression events (RECSCORE_SERVED_LOG). */
  servedLog: boolean;
  /** Ms between the served log's batched writes (RECSCORE_SERVED_LOG_FLUSH_MS). */
  servedLogFlushMs: number;
}

export function parseCustomTypes(spec: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const part of spec
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const [name, w] = part.split(':');
    const weight = w === undefined ? 1 : Number(w);
    if (!isCustomTypeName(name) || !Number.isFinite(weight)) {
      throw new RecscoreError(
        'RECSCORE_CONFIG',
        `RECSCORE_EVENT_TYPES: "${part}" is not name[:weight] (name: a-z 0-9 _)`,
      );
    }
    out[name] = weight;
  }
  return out;
}

/** The settings the event feature reads. */
export type EventSettings = Pick<
  Config,
  | 'dataDir'
  | 'events'
  | 'eventDimensions'
  | 'eventTypes'
  | 'eventRetentionDays'
  | 'eventSketchMb'
  | 'eventMaxLen'
  | 'eventPrefix'
  | 'eventShownClients'
  | 'eventShownItems'
  | 'eventShownDays'
  | 'servedLogFlushMs'
  | 'servedLog'
>;

const EVENT_KEYS = [
  'dataDir',
  'events',
  'eventDimensions',
  'eventTypes',
  'eventRetentionDays',
  'eventSketchMb',
  'eventMaxLen',
  'eventPrefix',
  'eventShownClients',
  'eventShownItems',
  'eventShownDays',
  'servedLogFlushMs',
  'servedLog',
] as const satisfies ReadonlyArray<keyof EventSettings>;

/** The event settings from the environment alone, for the one-shot CLI commands (`events`, `stats`). */
export function eventSettingsFromEnv(env?: Env): EventSettings {
  const out: Record<string, unknown> = {};
  for (const key of EVENT_KEYS) out[key] = settingFromEnv(key, env);
  return out as EventSettings;
}

export function eventsConfigOf(s: EventSettings): EventsConfig {
  const combos: readonly Combo[] = s.eventDimensions ? parseCombos(s.eventDimensions) : DEFAULT_COMBOS;
  const rules = defaultRules(parseCustomTypes(s.eventTypes ?? ''));
  return {
    spec: s.events ?? s.dataDir,
    store: {
      combos,
      retentionDays: s.eventRetentionDays,
      maxSketchBytes: s.eventSketchMb * 1024 * 1024,
      maxLenPerDay: s.eventMaxLen,
      prefix: s.eventPrefix,
      shownClients: s.eventShownClients,
      shownItems: s.eventShownItems,
      shownDays: s.eventShownDays,
      usageWeights: rules.weights,
    },
    rules,
    servedLog: s.servedLog,
    servedLogFlushMs: s.servedLogFlushMs,
  };
}
