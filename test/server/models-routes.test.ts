/**
 * `GET /v1/models` and `POST /v1/models/reload`, in process (app.request): who sees what, the bearer
 * token's form (issue 10 #10), and a reload's own outcome after an earlier failure (issue 10 #11).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Hono } from 'hono';
import { ModelError } from '../../src/errors.js';
import { silentLogger } from '../../src/log.js';
import { packModel } from '../../src/kernel/taar-model.js';
import { ModelRegistry } from '../../src/model/lifecycle/registry.js';
import { ModelReloader } from '../../src/model/lifecycle/reloader.js';
import { createModelFacts } from '../../src/recommend/model-facts.js';
import type { ModelSource } from '../../src/model/source/source.js';
import type { AppEnv } from '../../src/server/env.js';
import { bearerMatches, registerModelRoutes } from '../../src/server/routes/models.js';
import { itemRows, tinySet } from '../kernel/tiny-model.js';

const TOKEN = 's3cret-token';
const SOURCE = '/very/secret/absolute/models';

/** A source whose version id the test sets; versions named `bad*` fail to load as a schema error. */
function setup() {
  let id = 'v1';
  const source: ModelSource = {
    location: SOURCE,
    check: async () => ({ id, objects: [], checkedAt: new Date() }),
    read: async () => Buffer.alloc(0),
    close: async () => undefined,
  };
  const registry = new ModelRegistry(createModelFacts);
  const reloader = new ModelReloader(source, registry, {
    logger: silentLogger,
    intervalMs: 0,
    load: async (_s, v) => {
      if (v.id.startsWith('bad')) throw new ModelError('RECSCORE_MODEL_SCHEMA', `${SOURCE}/taar/x.json`, 'not a model');
      return packModel(tinySet(itemRows([{ guid: 'a', features: [1] }])), v.id);
    },
  });
  const app = new Hono<AppEnv>();
  registerModelRoutes(app, registry, reloader, TOKEN);
  const call = async (method: string, path: string, auth?: string) => {
    const r = await app.request(path, { method, headers: auth === undefined ? {} : { authorization: auth } });
    return { status: r.status, json: (await r.json()) as any };
  };
  return { reloader, registry, call, setVersion: (v: string) => (id = v) };
}

describe('model routes', () => {
  it('the token needs the Bearer scheme; a bare or wrong token is refused', () => {
    assert.equal(bearerMatches(`Bearer ${TOKEN}`, TOKEN), true);
    assert.equal(bearerMatches(`bearer ${TOKEN}`, TOKEN), true, 'the scheme is case-insensitive (RFC 9110 11.1)');
    assert.equal(bearerMatches(TOKEN, TOKEN), false, 'no Bearer prefix');
    assert.equal(bearerMatches(`Basic ${TOKEN}`, TOKEN), false);
    assert.equal(bearerMatches(`Bearer ${TOKEN}x`, TOKEN), false);
    assert.equal(bearerMatches(`Bearer ${TOKEN.slice(1)}`, TOKEN), false);
    assert.equal(bearerMatches('Bearer ', TOKEN), false);
    assert.equal(bearerMatches(`Bearer ${TOKEN}`, undefined), false, 'no token configured: nobody');
  });

  it('reload without the Bearer prefix is a 401', async () => {
    const t = setup();
    await t.reloader.loadInitial();
    assert.equal((await t.call('POST', '/v1/models/reload', TOKEN)).status, 401);
    assert.equal((await t.call('POST', '/v1/models/reload')).status, 401);
    assert.equal((await t.call('POST', '/v1/models/reload', `Bearer ${TOKEN}`)).status, 200);
  });

  it('GET /v1/models: paths and error texts only for an authenticated caller', async () => {
    const t = setup();
    await t.reloader.loadInitial();
    t.setVersion('bad-1');
    await t.reloader.checkNow();
    for (const auth of [undefined, TOKEN, 'Bearer wrong']) {
      const anon = await t.call('GET', '/v1/models', auth);
      assert.equal(anon.status, 200);
      const text = JSON.stringify(anon.json);
      assert.ok(!text.includes(SOURCE), `no path for ${auth}: ${text}`);
      assert.ok(!text.includes('not a model'), 'no error text');
      assert.equal(anon.json.models[0].version, 'v1');
      assert.equal(anon.json.reload.lastError.code, 'RECSCORE_MODEL_SCHEMA');
    }
    const full = await t.call('GET', '/v1/models', `Bearer ${TOKEN}`);
    assert.equal(full.json.models[0].source, SOURCE);
    assert.equal(full.json.reload.source, SOURCE);
    assert.match(full.json.reload.lastError.message, /not a model/);
  });

  it('a bad reload then a good one: swapped with no stale last_error; the history says which came last', async () => {
    const t = setup();
    await t.reloader.loadInitial();
    t.setVersion('bad-2');
    const bad = await t.call('POST', '/v1/models/reload', `Bearer ${TOKEN}`);
    assert.equal(bad.json.swapped, false);
    assert.equal(bad.json.outcome, 'rejected');
    assert.equal(bad.json.last_error.code, 'RECSCORE_MODEL_SCHEMA');
    t.setVersion('v2');
    const good = await t.call('POST', '/v1/models/reload', `Bearer ${TOKEN}`);
    assert.equal(good.json.swapped, true);
    assert.equal(good.json.outcome, 'swapped');
    assert.equal(good.json.last_error, null);
    assert.equal(good.json.version, 'v2');
    const status = t.reloader.status;
    assert.ok(status.lastError && status.lastSuccess && status.lastSuccess >= status.lastError.at);
    const again = await t.call('POST', '/v1/models/reload', `Bearer ${TOKEN}`);
    assert.deepEqual([again.json.swapped, again.json.outcome, again.json.last_error], [false, 'unchanged', null]);
  });
});
