/**
 * The one configuration of `recscore serve`: flags win over environment variables, which win over the
 * defaults in settings.ts. The result is validated as a whole and frozen; every error is a
 * RECSCORE_CONFIG naming the flag or variable and the bad value. Import-safe: nothing is read until
 * `loadConfig` (or one of the small readers below) is called, and this is the only module that reads
 * `process.env`.
 */
import { RecscoreError } from '../errors.js';
import { LOG_LEVELS, SETTINGS, TAAR_MODEL_VARIABLES } from './settings.js';
import type { ConfigLogLevel, Setting, SettingKey } from './settings.js';

export { FALLBACK_STEPS, LOG_LEVELS, SETTINGS, TAAR_MODEL_VARIABLES } from './settings.js';
export type { ConfigLogLevel, FallbackStep, SettingKey } from './settings.js';

export type Env = Readonly<Record<string, string | undefined>>;
/** Flag values as node:util parseArgs gives them (string flags, and `true` for a switch). */
export type Flags = Readonly<Record<string, string | boolean | undefined>>;

type ValueOf<S> = S extends Setting<infer T> ? T : never;
export type Config = {
  readonly [K in SettingKey]: ValueOf<(typeof SETTINGS)[K]>;
} & {
  /** TAAR's model-location variables that are set (src/model/source/gcs-layout.ts reads them). */
  readonly taarModelEnv: Readonly<Record<string, string>>;
};

/** A flag without a variable that takes no value (`--demo`). */
export function isSwitch(s: Setting<unknown>): boolean {
  return s.env === undefined && s.kind.describe.startsWith('boolean');
}

/** `parseArgs` options for every flag of the table (all strings except switches). */
export function flagOptions(): Record<string, { type: 'string' | 'boolean' }> {
  const out: Record<string, { type: 'string' | 'boolean' }> = {};
  for (const s of Object.values(SETTINGS) as Setting<unknown>[]) {
    if (s.flag) out[s.flag] = { type: isSwitch(s) ? 'boolean' : 'string' };
  }
  return out;
}

function read(key: SettingKey, flags: Flags, env: Env): unknown {
  const s = SETTINGS[key] as Setting<unknown>;
  const flag = s.flag === undefined ? undefined : flags[s.flag];
  if (flag === true) return true;
  if (typeof flag === 'string') return s.kind.parse(flag, `--${s.flag}`);
  const raw = s.env === undefined ? undefined : env[s.env];
  if (raw !== undefined && raw !== '') return s.kind.parse(raw, s.env!);
  return s.fallback();
}

/** The name an operator set a setting by, for messages about a combination of settings. */
function nameOf(key: SettingKey, flags: Flags): string {
  const s = SETTINGS[key] as Setting<unknown>;
  return s.flag !== undefined && flags[s.flag] !== undefined ? `--${s.flag}` : (s.env ?? `--${s.flag}`);
}

export function loadConfig(input: { flags?: Flags; env?: Env } = {}): Config {
  const flags = input.flags ?? {};
  const env = input.env ?? process.env;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(SETTINGS) as SettingKey[]) out[key] = read(key, flags, env);
  const taar: Record<string, string> = {};
  for (const name of TAAR_MODEL_VARIABLES) if (env[name]) taar[name] = env[name]!;
  out.taarModelEnv = Object.freeze(taar);
  if (Array.isArray(out.fallbackChain)) out.fallbackChain = Object.freeze([...out.fallbackChain]);
  const config = out as Config;
  if (config.headersTimeoutMs > config.requestTimeoutMs) {
    const headers = nameOf('headersTimeoutMs', flags);
    const request = nameOf('requestTimeoutMs', flags);
    throw new RecscoreError(
      'RECSCORE_CONFIG',
      `${headers} (${config.headersTimeoutMs}) must not exceed ${request} (${config.requestTimeoutMs})`,
      { variable: headers },
    );
  }
  // Profiles belong to TAAR: a server without a TAAR model set (registry models only) needs none.
  const hasTaarModels = config.models !== undefined || Object.keys(taar).length > 0;
  if (hasTaarModels && !config.demo && !config.profiles) {
    const message =
      '--profiles (or RECSCORE_PROFILES) is required with a TAAR model set: a .jsonl file or a redis:// URL ' +
      '(or use --demo)';
    throw new RecscoreError('RECSCORE_CONFIG', message, { variable: 'RECSCORE_PROFILES' });
  }
  return Object.freeze(config);
}

/**
 * One setting from the environment alone (flags aside), for one-shot CLI commands that have no serve
 * configuration: validated like `loadConfig`, naming the variable in its error.
 */
export function settingFromEnv<K extends SettingKey>(key: K, env: Env = process.env): ValueOf<(typeof SETTINGS)[K]> {
  return read(key, {}, env) as ValueOf<(typeof SETTINGS)[K]>;
}

/** The default of one setting (the HTTP layer's schema and the pool take theirs from here). */
export function defaultOf<K extends SettingKey>(key: K): ValueOf<(typeof SETTINGS)[K]> {
  return (SETTINGS[key] as Setting<ValueOf<(typeof SETTINGS)[K]>>).fallback();
}

/**
 * RECSCORE_LOG_LEVEL for src/log.ts, which reads it lazily at its first line. Lenient on purpose: a log
 * call must never throw; `loadConfig` rejects a bad value at startup.
 */
export function logLevelFromEnv(env: Env = process.env): ConfigLogLevel {
  const v = env.RECSCORE_LOG_LEVEL?.trim().toLowerCase();
  return (LOG_LEVELS as readonly string[]).includes(v ?? '') ? (v as ConfigLogLevel) : 'info';
}

export interface ModelEnv {
  taarModelEnv: Readonly<Record<string, string>>;
  gcsEndpoint: string | undefined;
}

/** What the model source needs from the environment, for callers that have no full config (one-shot CLI commands). */
export function modelEnvFrom(env: Env = process.env): ModelEnv {
  const taar: Record<string, string> = {};
  for (const name of TAAR_MODEL_VARIABLES) if (env[name]) taar[name] = env[name]!;
  const endpoint = env.RECSCORE_GCS_ENDPOINT || undefined;
  const gcsEndpoint = endpoint && SETTINGS.gcsEndpoint.kind.parse(endpoint, 'RECSCORE_GCS_ENDPOINT');
  return { taarModelEnv: taar, gcsEndpoint };
}

/** Where `recscore models …` finds the server and its key when no flag says: RECSCORE_URL, RECSCORE_API_KEY. */
export function apiClientEnv(env: Env = process.env): { url: string | undefined; key: string | undefined } {
  return { url: env.RECSCORE_URL || undefined, key: env.RECSCORE_API_KEY || undefined };
}
