/** The Hono environment shared by app.ts and the routes: per-request variables. */
import type { MiddlewareHandler } from 'hono';

export interface AppEnv {
  Variables: {
    /** Route name for metrics and logs (never the raw path: bounded label values). */
    route: string;
    /** performance.now() when the request reached the app. */
    started: number;
  };
}

/** First handler of a route: names it, so even a rejection by a later middleware (413) is counted under it. */
export function named(route: string): MiddlewareHandler<AppEnv> {
  return (c, next) => {
    c.set('route', route);
    return next();
  };
}
