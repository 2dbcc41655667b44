/** `GET /__version__` (Dockerflow): the build's source, version, commit and build (src/server/version.ts). */
import type { Hono } from 'hono';
import type { AppEnv } from '../env.js';
import type { VersionInfo } from '../version.js';

export function registerVersionRoute(app: Hono<AppEnv>, info: VersionInfo): void {
  app.get('/__version__', (c) => {
    c.set('route', 'version');
    return c.json(info);
  });
}
