/** The Hono environment shared by app.ts and the routes: per-request variables. */
import type { IncomingMessage } from 'node:http';
import type { Context, MiddlewareHandler } from 'hono';
import type { RequestLog } from '../log.js';

export interface AppEnv {
  /** Over a socket (listen.ts), Node's own request; absent when the app is called in process (`app.request()`). */
  Bindings: { incoming?: IncomingMessage } | undefined;
  Variables: {
    /** Route name for metrics and logs (never the raw path: bounded label values). */
    route: string;
    /** performance.now() when the request reached the app. */
    started: number;
    /** The request's logger: its lines carry the request id (request-context.ts). */
    log: RequestLog;
  };
}

/** First handler of a route: names it, so even a rejection by a later middleware (413) is counted under it. */
export function named(route: string): MiddlewareHandler<AppEnv> {
  return (c, next) => {
    c.set('route', route);
    return next();
  };
}

/**
 * A route's only handler, named first: as `named(route)` followed by `handler`, one async middleware layer
 * fewer (Hono composes each layer as an async call, and the answers on the hot path pay it; issue 11).
 */
export function namedHandler(
  route: string,
  handler: (c: Context<AppEnv>) => Response | Promise<Response>,
): (c: Context<AppEnv>) => Response | Promise<Response> {
  return (c) => {
    c.set('route', route);
    return handler(c);
  };
}

/**
 * A request header, read from Node's parsed headers when served over a socket: `c.req.header(name)` builds
 * a whole Fetch `Headers` object on its first call, a few µs per request on the hot path (issue 11). Node
 * joins repeated headers with ", " as `Headers.get` does (Set-Cookie aside, which no request carries).
 */
export function requestHeader(c: Context<AppEnv>, name: string): string | undefined {
  const incoming = c.env?.incoming;
  if (incoming === undefined) return c.req.header(name);
  const v = incoming.headers[name];
  return Array.isArray(v) ? v.join(', ') : v;
}
