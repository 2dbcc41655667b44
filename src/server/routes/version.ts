/** `GET /__version__` (Dockerflow): the build's source, version, commit and build (src/server/version.ts). */
import type { Hono } from 'hono';
import type { AppEnv } from '../env.js';
import { documentRoute } from '../openapi/docs.js';
import type { VersionInfo } from '../version.js';

export function registerVersionRoute(app: Hono<AppEnv>, info: VersionInfo): void {
  app.get('/__version__', (c) => {
    c.set('route', 'version');
    return c.json(info);
  });
  documentRoute(app, {
    method: 'get',
    path: '/__version__',
    summary: "The build (Dockerflow's `{source, version, commit, build}`)",
    tags: ['operations'],
    responses: {
      200: {
        description: 'The build',
        schema: {
          type: 'object',
          required: ['source', 'version', 'commit', 'build'],
          properties: {
            source: { type: 'string' },
            version: { type: 'string' },
            commit: { type: 'string' },
            build: { type: 'string' },
          },
        },
      },
    },
  });
}
