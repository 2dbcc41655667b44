/**
 * The event feature's settings, read from the environment in this one place (the server and the CLI both
 * call eventsConfigFromEnv; a later config module can absorb it whole):
 *
 *   RECSCORE_DATA_DIR               base directory of local data (default ./data); the embedded log is
 *                                   <dir>/events/
 *   RECSCORE_EVENTS                 event store: a directory (embedded) or redis://host:port[/db]
 *                                   (default: RECSCORE_DATA_DIR)
 *   RECSCORE_EVENT_DIMENSIONS       dimension combinations, `;`-separated, dims joined by `+`
 *                                   (default none;locale;os;served_by;variant;item;model)
 *   RECSCORE_EVENT_TYPES            custom event types with their usage weight: `like:2,share:3`
 *   RECSCORE_EVENT_RETENTION_DAYS   Redis: days streams, sketches and counters are kept (default 90)
 *   RECSCORE_EVENT_MAXLEN           Redis: approximate cap of entries per day stream (default none)
 *   RECSCORE_EVENT_PREFIX           Redis: key prefix (default recscore:events:)
 */
import { RecscoreError } from '../errors.js';
import { DEFAULT_COMBOS, parseCombos, type Combo } from './dimensions.js';
import { defaultRules, isCustomTypeName, type EventRules } from './event.js';
import type { EventStoreOptions } from './store.js';

export interface EventsConfig {
  spec: string;
  store: EventStoreOptions;
  rules: EventRules;
}

function int(name: string, v: string | undefined, min: number, max: number): number | undefined {
  if (v === undefined || v === '') return undefined;
  const n = /^\d+$/.test(v) ? Number(v) : NaN;
  if (!Number.isInteger(n) || n < min || n > max)
    throw new RecscoreError('RECSCORE_CONFIG', `${name} must be an integer from ${min} to ${max}, got "${v}"`);
  return n;
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

export function eventsConfigFromEnv(env: Record<string, string | undefined> = process.env): EventsConfig {
  const dataDir = env.RECSCORE_DATA_DIR || './data';
  const combos: readonly Combo[] = env.RECSCORE_EVENT_DIMENSIONS
    ? parseCombos(env.RECSCORE_EVENT_DIMENSIONS)
    : DEFAULT_COMBOS;
  return {
    spec: env.RECSCORE_EVENTS || dataDir,
    store: {
      combos,
      retentionDays: int('RECSCORE_EVENT_RETENTION_DAYS', env.RECSCORE_EVENT_RETENTION_DAYS, 1, 3650),
      maxLenPerDay: int('RECSCORE_EVENT_MAXLEN', env.RECSCORE_EVENT_MAXLEN, 1, 1e12),
      prefix: env.RECSCORE_EVENT_PREFIX || undefined,
    },
    rules: defaultRules(parseCustomTypes(env.RECSCORE_EVENT_TYPES ?? '')),
  };
}
