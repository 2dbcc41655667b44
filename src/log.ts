/**
 * Structured logs: one JSON object per line on stderr, so stdout stays free for CLI output.
 * Levels below RECSCORE_LOG_LEVEL (default `info`; `silent` turns logging off) are dropped.
 *
 * Repeated warnings and errors are rate-limited (issue 10 #13: with Redis down, every request logged
 * one line, 23k lines in 6 s): the first line of a kind (level + message + code) is written, the
 * repeats within `repeatWindowMs` are counted (`suppressedLogLines()`, exported as the metric
 * `recscore_log_suppressed_total`), and when the window ends one summary line says how many were
 * dropped. Every logger of one root shares the window, so a child's lines count with its parent's.
 *
 * A request's lines carry its id (`request_id`) by being written through its logger (`requestLogger`),
 * which the server makes once per request and passes down with the request. Not AsyncLocalStorage: once
 * used, it runs Node 20's promise hooks on every promise of the process (8–15 µs of main thread per answer,
 * README § Lockstep).
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

export interface LoggerOptions {
  /** Repeats of a warning or error within this window are counted, not written (default 10 s; 0: off). */
  repeatWindowMs?: number;
}

/** Default of `repeatWindowMs` (config: RECSCORE_LOG_REPEAT_WINDOW_MS at integration). */
export const DEFAULT_REPEAT_WINDOW_MS = 10_000;
// Kinds tracked at once; beyond it a new kind is written unlimited (the set is bounded whatever the messages).
const MAX_KINDS = 256;

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

const suppressedTotal: Record<'warn' | 'error', number> = { warn: 0, error: 0 };

/** Lines dropped as repeats since the process started, by level (read by the metrics registry). */
export function suppressedLogLines(): Readonly<Record<'warn' | 'error', number>> {
  return suppressedTotal;
}

/** A request's logger: every line it and its children write carries `request_id`. */
export interface RequestLog extends Logger {
  readonly requestId: string;
}

// One small object per request; the fields are merged only for a line that passes the level.
class RequestLogger implements RequestLog {
  constructor(
    private readonly base: Logger,
    readonly requestId: string,
  ) {}
  #with(fields: Record<string, unknown> | undefined): Record<string, unknown> {
    return fields ? { request_id: this.requestId, ...fields } : { request_id: this.requestId };
  }
  debug(msg: string, fields?: Record<string, unknown>): void {
    if (ORDER.debug >= threshold()) this.base.debug(msg, this.#with(fields));
  }
  info(msg: string, fields?: Record<string, unknown>): void {
    if (ORDER.info >= threshold()) this.base.info(msg, this.#with(fields));
  }
  warn(msg: string, fields?: Record<string, unknown>): void {
    this.base.warn(msg, this.#with(fields));
  }
  error(msg: string, fields?: Record<string, unknown>): void {
    this.base.error(msg, this.#with(fields));
  }
  child(fields: Record<string, unknown>): Logger {
    return new RequestLogger(this.base.child(fields), this.requestId);
  }
}

/** `log` with `request_id: requestId` on every line (also of its children). */
export function requestLogger(log: Logger, requestId: string): RequestLog {
  return new RequestLogger(log, requestId);
}

function codeOf(fields: Record<string, unknown> | undefined): unknown {
  if (!fields) return undefined;
  const e = (fields.error ?? fields.err) as { code?: unknown } | undefined;
  return fields.code ?? (typeof e === 'object' && e !== null ? e.code : undefined) ?? fields.reason;
}

/** Counts repeats per kind; writes a summary per kind when its window ends. */
class RepeatLimiter {
  readonly #kinds = new Map<string, { level: 'warn' | 'error'; msg: string; code: unknown; repeats: number }>();
  #timer: NodeJS.Timeout | undefined;
  constructor(
    readonly windowMs: number,
    private readonly flush: (level: LogLevel, rec: Record<string, unknown>) => void,
  ) {}

  /** True when the line should be written. */
  admit(level: 'warn' | 'error', msg: string, code: unknown): boolean {
    if (this.windowMs <= 0) return true;
    const key = `${level}\u0000${msg}\u0000${String(code)}`;
    const kind = this.#kinds.get(key);
    if (kind !== undefined) {
      kind.repeats++;
      suppressedTotal[level]++;
      return false;
    }
    if (this.#kinds.size >= MAX_KINDS) return true;
    this.#kinds.set(key, { level, msg, code, repeats: 0 });
    this.#timer ??= setTimeout(() => this.#endWindow(), this.windowMs).unref();
    return true;
  }

  #endWindow(): void {
    this.#timer = undefined;
    const kinds = [...this.#kinds.values()];
    this.#kinds.clear();
    for (const k of kinds) {
      if (k.repeats === 0) continue;
      const rec = { repeated_msg: k.msg, code: k.code, suppressed: k.repeats, window_ms: this.windowMs };
      this.flush(k.level, { msg: 'repeated log lines suppressed', ...rec });
    }
  }
}

export function createLogger(
  base: Record<string, unknown> = {},
  write: (line: string) => void = (l) => process.stderr.write(l),
  options: LoggerOptions = {},
): Logger {
  const line = (level: LogLevel, msg: string, fields?: Record<string, unknown>) => {
    const rec: Record<string, unknown> = { time: new Date().toISOString(), level, msg, ...base };
    if (fields) for (const [k, v] of Object.entries(fields)) rec[k] = errorFields(v);
    write(JSON.stringify(rec) + '\n');
  };
  const limiter = new RepeatLimiter(options.repeatWindowMs ?? DEFAULT_REPEAT_WINDOW_MS, (level, { msg, ...rest }) =>
    line(level, String(msg), rest),
  );
  return build(line, limiter);
}

type Line = (level: LogLevel, msg: string, fields?: Record<string, unknown>) => void;

function build(line: Line, limiter: RepeatLimiter): Logger {
  const emit = (level: LogLevel, msg: string, fields?: Record<string, unknown>) => {
    if (ORDER[level] < threshold()) return;
    if ((level === 'warn' || level === 'error') && !limiter.admit(level, msg, codeOf(fields))) return;
    line(level, msg, fields);
  };
  return {
    debug: (m, f) => emit('debug', m, f),
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
    child: (fields) => build((level, msg, f) => line(level, msg, f ? { ...fields, ...f } : fields), limiter),
  };
}

export const log: Logger = createLogger({ service: 'recscore' });

/** A logger that drops everything (tests that assert on behaviour, not on logs). */
export const silentLogger: Logger = createLogger({}, () => undefined);
