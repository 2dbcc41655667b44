/**
 * Operators' conventions for every request (issue 11): an `x-request-id` on every answer (the
 * client's when valid, else a new one), the id on every log line the request causes, and an access log
 * line at info level. The id travels with the request: `c.get('log')` is the request's logger
 * (src/log.ts `requestLogger`), which routes hand down to the pipeline and its guards.
 *
 * Over a socket, listen.ts assigns the id before the app runs (so its own early answers carry it too),
 * marks Node's request with it (`assignRequestId`) and sets the header on Node's response, which costs
 * less than a header on the app's Response; the middleware here does both itself only when the app is
 * called in process (`app.request()`).
 *
 * Access lines are rate-bounded, so the hot path keeps its speed under load: up to `perSecond`
 * lines in each one-second window; requests beyond it are counted, and the first line of the next
 * window says how many went unlogged (`unlogged`). 0 turns access lines off.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Context, MiddlewareHandler, Next } from 'hono';
import { requestLogger, type Logger } from '../log.js';
import type { AppEnv } from './env.js';

/** Default access lines per second (config: RECSCORE_ACCESS_LOG_PER_SECOND at integration). */
export const DEFAULT_ACCESS_LOG_PER_SECOND = 100;

export const REQUEST_ID_HEADER = 'x-request-id';
const VALID_ID = /^[A-Za-z0-9._-]{1,128}$/;

/** A client's id when it is 1–128 of [A-Za-z0-9._-]; otherwise undefined (a new one is made). */
export function acceptRequestId(given: string | undefined): string | undefined {
  return given !== undefined && VALID_ID.test(given) ? given : undefined;
}

const ASSIGNED = Symbol('recscore.requestId');
type Marked = IncomingMessage & { [ASSIGNED]?: string };

/** listen.ts: the id it gave Node's request (and its response header), for the app to use. */
export function assignRequestId(incoming: IncomingMessage, id: string): void {
  (incoming as Marked)[ASSIGNED] = id;
}

/** Unique ids at the cost of a counter: a random per-process prefix (12 chars) and a base-36 sequence. */
export function requestIdSource(): () => string {
  const prefix = randomBytes(9).toString('base64url');
  let n = 0;
  return () => `${prefix}.${(++n).toString(36)}`;
}

export interface RequestContextOptions {
  log: Logger;
  /** Access lines per second before they are counted instead (default DEFAULT_ACCESS_LOG_PER_SECOND). */
  accessLogPerSecond?: number;
  /** Called after the app answered (metrics), with the status and the ms it took. */
  onDone?: (c: Context<AppEnv>, status: number, ms: number) => void;
  /**
   * Called when no route answered (404), before onDone: app.ts turns it into a 405 for a known path. Run
   * here rather than as a middleware of its own, whose async layer every request paid (issue 11).
   */
  onNotFound?: (c: Context<AppEnv>) => Promise<void>;
}

export function requestContext(opts: RequestContextOptions): MiddlewareHandler<AppEnv> {
  const nextId = requestIdSource();
  const perSecond = opts.accessLogPerSecond ?? DEFAULT_ACCESS_LOG_PER_SECOND;
  let windowStart = 0;
  let written = 0;
  let unlogged = 0;
  const handle = async (c: Context<AppEnv>, next: Next, started: number, setHeader: string | undefined) => {
    await next();
    if (opts.onNotFound !== undefined && c.res.status === 404) await opts.onNotFound(c);
    if (setHeader !== undefined) c.res.headers.set(REQUEST_ID_HEADER, setHeader);
    const status = c.res.status;
    const ms = performance.now() - started;
    opts.onDone?.(c, status, ms);
    if (perSecond <= 0) return;
    if (started - windowStart >= 1_000) {
      windowStart = started;
      written = 0;
    }
    if (written >= perSecond) {
      unlogged++;
      return;
    }
    written++;
    const path = c.req.path;
    c.get('log').info('request', {
      method: c.req.method,
      path: path.length > 200 ? `${path.slice(0, 200)}…` : path,
      route: c.get('route'),
      status,
      ms: Math.round(ms * 100) / 100,
      ...(unlogged > 0 ? { unlogged } : {}),
    });
    unlogged = 0;
  };
  return (c, next) => {
    const started = performance.now();
    c.set('started', started);
    const assigned = (c.env?.incoming as Marked | undefined)?.[ASSIGNED];
    if (assigned !== undefined) {
      c.set('log', requestLogger(opts.log, assigned));
      return handle(c, next, started, undefined);
    }
    const id = acceptRequestId(c.req.header(REQUEST_ID_HEADER)) ?? nextId();
    c.set('log', requestLogger(opts.log, id));
    return handle(c, next, started, id);
  };
}
