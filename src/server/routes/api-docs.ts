/**
 * `GET /openapi.json` (the OpenAPI 3.1 document of every documented route, src/server/openapi/) and
 * `GET /docs` (Swagger UI over it, served locally: web/docs.html, the library from swagger-ui-dist).
 * The document is built once, on first request, after every route has been mounted.
 */
import type { Hono } from 'hono';
import { named, type AppEnv } from '../env.js';
import { documentRoute } from '../openapi/docs.js';
import { openApiDocument } from '../openapi/document.js';
import type { VersionInfo } from '../version.js';
import { servePage } from './status.js';

export function registerApiDocsRoutes(app: Hono<AppEnv>, version: VersionInfo): void {
  let document: string | undefined;
  app.get('/openapi.json', named('openapi'), (c) => {
    document ??= JSON.stringify(openApiDocument(app, { version: version.version }));
    return c.body(document, 200, { 'Content-Type': 'application/json; charset=utf-8' });
  });
  app.get('/docs', named('docs'), (c) => servePage(c, 'docs.html'));
  documentRoute(
    app,
    {
      method: 'get',
      path: '/openapi.json',
      summary: 'This document (OpenAPI 3.1)',
      tags: ['meta'],
      responses: { 200: { description: 'The OpenAPI document', schema: { type: 'object' } } },
    },
    {
      method: 'get',
      path: '/docs',
      summary: 'The API reference page (Swagger UI, served locally)',
      tags: ['meta'],
      responses: { 200: { description: 'The page', contentType: 'text/html', schema: { type: 'string' } } },
    },
  );
}
