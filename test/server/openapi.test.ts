/**
 * The API document (issue 16): valid OpenAPI 3.1 (checked against the specification's JSON Schema by
 * @seriousme/openapi-schema-validator), and complete: every route the server mounts — startServer over the
 * fixture model, so whatever start.ts adds is included — has a document. A failure lists the missing
 * routes: document each with `documentRoute(app, …)` next to its registration (src/server/openapi/docs.ts).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Validator } from '@seriousme/openapi-schema-validator';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixtureServerOptions } from '../helpers/fixture-server.js';
import { createLogger } from '../../src/log.js';
import { startServer } from '../../src/server/start.js';
import { Hono } from 'hono';
import { KeyRing } from '../../src/server/auth.js';
import { documentRoute, openApiPath, routeDocs } from '../../src/server/openapi/docs.js';
import { openApiDocument } from '../../src/server/openapi/document.js';
import { registerApiModelRoutes, type ApiModelDeps } from '../../src/server/routes/api-models.js';
import { HTTP_STATUS } from '../../src/server/on-error.js';
import type { SplitRouter } from '../../src/server/split-router.js';
import { syntheticBackend } from '../helpers/fake-backend.js';
import { buildApp } from './start.js';

function composedApp() {
  const b = syntheticBackend();
  const s = buildApp({ scorer: b.scorer, facts: () => b.facts, profiles: b.profiles });
  s.app.status.series.stop();
  return s;
}

describe('GET /openapi.json', () => {
  it('is a valid OpenAPI 3.1 document', async () => {
    const s = composedApp();
    const r = await s.get('/openapi.json');
    assert.equal(r.status, 200);
    assert.equal(r.json.openapi, '3.1.0');
    const result = await new Validator().validate(r.json);
    assert.equal(result.valid, true, JSON.stringify(result.errors, null, 2));
  });

  it('documents every route the server mounts (start.ts composes them)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'recscore-openapi-'));
    const server = await startServer({
      ...fixtureServerOptions(dir),
      logger: createLogger({ test: true }, () => {}),
    });
    try {
      const app = server.app;
      const documented = new Set(
        routeDocs(app).flatMap((d) =>
          (typeof d.method === 'string' ? [d.method] : d.method).map((m) => `${m.toUpperCase()} ${d.path}`),
        ),
      );
      const mounted = new Set(
        app.routes.filter((r) => r.method !== 'ALL').map((r) => `${r.method.toUpperCase()} ${r.path}`),
      );
      const missing = [...mounted].filter((r) => !documented.has(r)).sort();
      assert.deepEqual(
        missing,
        [],
        `routes without a document (add documentRoute next to them):\n${missing.join('\n')}`,
      );
      const stale = [...documented].filter((r) => !mounted.has(r)).sort();
      assert.deepEqual(stale, [], `documents of routes that are not mounted:\n${stale.join('\n')}`);
      const doc = (await (await fetch(`${server.url}/openapi.json`)).json()) as Record<string, unknown>;
      // One route the RegExpRouter refuses outside the split's prefixes sends every path to the TrieRouter.
      assert.equal((app.router as SplitRouter<unknown>).activeRouter.name, 'RegExpRouter');
      const result = await new Validator().validate(doc);
      assert.equal(result.valid, true, JSON.stringify(result.errors, null, 2));
      const reload = (doc.paths as Record<string, Record<string, { security: unknown }>>)['/v1/models/reload'].post;
      assert.deepEqual(reload.security, [{ adminToken: [] }, { adminKey: [] }], 'the bearer token or an admin key');
    } finally {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('names each documented error code under its HTTP status, with the one error body', async () => {
    const s = composedApp();
    const doc = (await s.get('/openapi.json')).json;
    const op = doc.paths[openApiPath('/v1/api/recommendations/:hashed_client_id/')].get;
    assert.deepEqual(
      op.responses['400'].content['application/json'].schema.allOf[1].properties.error.properties.code.enum,
      ['RECSCORE_BAD_CLIENT_ID', 'RECSCORE_BAD_OPTION'],
    );
    assert.equal(op.responses['503'].description, '`RECSCORE_NO_MODEL`');
    assert.deepEqual(doc.components.schemas.ErrorCode.enum, Object.keys(HTTP_STATUS));
    assert.equal(doc.components.schemas.ErrorCode['x-http-status'].RECSCORE_SHED, 503);
  });

  it('shows the request schemas the routes validate with (one source of truth)', async () => {
    const s = composedApp();
    const doc = (await s.get('/openapi.json')).json;
    const body = doc.paths['/v1/recommendations'].post.requestBody.content['application/json'].schema;
    assert.equal(body.additionalProperties, false, 'scoreBody is strict');
    assert.deepEqual(Object.keys(body.properties).sort(), ['count', 'draw', 'limit', 'locale', 'options', 'profile']);
    assert.equal(body.properties.count.maximum, 100);
    const clientId = doc.paths['/v1/api/recommendations/{hashed_client_id}/'].get.parameters.find(
      (p: { name: string }) => p.name === 'hashed_client_id',
    );
    assert.equal(clientId.schema.pattern, '^[A-Za-z0-9_-]{1,128}$');
    // A posted body outside the documented schema is rejected by the route.
    const r = await s.postJson('/v1/recommendations', { profile: {}, extra: 1 });
    assert.equal(r.status, 400);
  });

  it('documents the registry routes: x-api-key schemes, their 401/403, 201 + Location, 202, the record', async () => {
    const app = new Hono();
    // Documents are recorded at registration; these routes are never called here.
    const deps = { keys: new KeyRing({ admin: ['a'], recommend: ['r'] }), bodyLimitBytes: 4096 } as ApiModelDeps;
    registerApiModelRoutes(app as never, deps);
    documentRoute(app, {
      method: 'get',
      path: '/api/x',
      summary: 'a recommend route',
      tags: ['t'],
      auth: 'recommend-key',
      responses: { 200: { description: 'ok' } },
    });
    const doc = openApiDocument(app, { version: '0' }) as Record<string, any>;
    const result = await new Validator().validate(doc);
    assert.equal(result.valid, true, JSON.stringify(result.errors, null, 2));
    const schemes = doc.components.securitySchemes;
    for (const name of ['adminKey', 'recommendKey'])
      assert.deepEqual(
        { ...schemes[name], description: undefined },
        {
          type: 'apiKey',
          in: 'header',
          name: 'x-api-key',
          description: undefined,
        },
      );
    const codes = (op: any, status: number) =>
      op.responses[String(status)].content['application/json'].schema.allOf[1].properties.error.properties.code.enum;
    const ops = [
      ['/api/models', 'post'],
      ['/api/models', 'get'],
      ['/api/models/{id}', 'get'],
      ['/api/models/{id}', 'delete'],
      ['/api/models/default', 'get'],
      ['/api/models/default', 'put'],
    ] as const;
    for (const [path, method] of ops) {
      const op = doc.paths[path][method];
      assert.deepEqual(op.security, [{ adminKey: [] }], `${method} ${path}`);
      assert.deepEqual(codes(op, 401), ['RECSCORE_UNAUTHORIZED']);
      assert.deepEqual(codes(op, 403), ['RECSCORE_FORBIDDEN']);
    }
    const recommend = doc.paths['/api/x'].get;
    assert.deepEqual(recommend.security, [{ recommendKey: [] }, { adminKey: [] }], 'an admin key opens it too');
    assert.equal(recommend.responses['403'], undefined);

    const create = doc.paths['/api/models'].post;
    const body = create.requestBody.content['application/json'].schema;
    assert.deepEqual(body.required, ['usage']);
    assert.equal(body.properties.supportThreshold.default, 6);
    assert.notEqual(body.additionalProperties, false, 'unknown fields are ignored, not rejected');
    assert.ok(create.responses['201'].headers.Location);
    const record = create.responses['201'].content['application/json'].schema;
    assert.equal(record.additionalProperties, false);
    assert.deepEqual(record.properties.modelStatus.enum, ['Created', 'InProgress', 'Completed', 'Failed']);
    assert.equal(record.properties.job, undefined, 'job bookkeeping stays internal');
    assert.deepEqual(codes(create, 429), ['RECSCORE_TRAINING_QUEUE_FULL']);
    assert.deepEqual(codes(create, 400), ['RECSCORE_BAD_JSON', 'RECSCORE_BAD_MODEL_FIELD', 'RECSCORE_BAD_USAGE_PATH']);
    assert.equal(doc.paths['/api/models'].get.responses['200'].content['application/json'].schema.type, 'array');
    assert.ok(doc.paths['/api/models/{id}'].delete.responses['202'].content['application/json'].schema);
    const modelId = doc.paths['/api/models/default'].put.parameters[0];
    assert.deepEqual([modelId.name, modelId.in, modelId.required], ['modelId', 'query', true]);
    assert.match('0A1b2c3d-0000-4000-8000-000000000000', new RegExp(modelId.schema.pattern));
    assert.deepEqual(codes(doc.paths['/api/models/{id}'].get, 404), ['RECSCORE_MODEL_NOT_FOUND']);
    assert.deepEqual(codes(doc.paths['/api/models/default'].get, 404), ['RECSCORE_NO_DEFAULT_MODEL']);
    assert.deepEqual(codes(doc.paths['/api/models/default'].put, 409), [
      'RECSCORE_MODEL_NOT_COMPLETED',
      'RECSCORE_REGISTRY_CONFLICT',
    ]);
  });

  it('serves the API reference page locally, under the same CSP', async () => {
    const s = composedApp();
    const r = await s.get('/docs');
    assert.equal(r.status, 200);
    assert.match(r.headers['content-security-policy'] as string, /default-src 'self'/);
    for (const src of r.text.matchAll(/(?:src|href)="([^"]+)"/g)) {
      if (src[1].startsWith('data:')) continue; // inline data (the empty favicon), no request
      assert.ok(src[1].startsWith('/'), `loads ${src[1]} from elsewhere`);
      assert.equal((await s.get(src[1])).status, 200, src[1]);
    }
  });
});
