/**
 * Structured logs: one JSON object per line on stderr, so stdout stays free for CLI output.
 * Levels below RECSCORE_LOG_LEVEL (default `info`; `silent` turns logging off) are dropped.
 */
import { logLevelFromEnv } from './config/index.js';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const ORDER: Record<LogLevel | 'silent', number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  child(fields: Record<string, unknown>): Logger;
}

// Read once: process.env is a slow C++ getter and a debug call on the request path must cost nothing.
let cachedThreshold: number | undefined;
function threshold(): number {
  if (cachedThreshold === undefined) {
    cachedThreshold = ORDER[logLevelFromEnv()];
  }
  return cachedThreshold;
}

function errorFields(v: unknown): unknown {
  if (v instanceof Error) {
    const code = (v as { code?: unknown }).code;
    return { name: v.name, message: v.message, ...(code !== undefined ? { code } : {}) };
  }
  return v;
}

export function createLogger(base: Record<string, unknown> = {}, write: (line: string) => void = (l) => process.stderr.write(l)): Logger {
  const emit = (level: LogLevel, msg: string, fields?: Record<string, unknown>) => {
    if (ORDER[level] < threshold()) return;
    const rec: Record<string, unknown> = { time: new Date().toISOString(), level, msg, ...base };
    if (fields) for (const [k, v] of Object.entries(fields)) rec[k] = errorFields(v);
    write(JSON.stringify(rec) + '\n');
  };
  return {
    debug: (m, f) => emit('debug', m, f),
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
    child: (fields) => createLogger({ ...base, ...fields }, write),
  };
}

export const log: Logger = createLogger({ service: 'recscore' });

/** A logger that drops everything (tests that assert on behaviour, not on logs). */
export const silentLogger: Logger = createLogger({}, () => undefined);
