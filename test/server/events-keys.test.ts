/**
 * POST /v1/events and the API keys (issue 14): once recommend keys are configured, posting events needs one
 * (a recommend or an admin key, in `x-api-key`); without them the route stays open, as TAAR's routes are.
 * Through startServer, so the wiring in start.ts is what is tested.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fixtureServerOptions } from '../helpers/fixture-server.js';
import { silentLogger } from '../../src/log.js';
import { startServer, type Recscore } from '../../src/server/start.js';

const ADMIN = 'admin-key-0123456789abcdef';
const RECOMMEND = 'recommend-key-0123456789abcdef';

async function serve(dir: string, recommendKeys?: string[]): Promise<Recscore> {
  return startServer({
    ...fixtureServerOptions(join(dir, 'data')),
    registry: { dataDir: join(dir, 'data'), adminKeys: [ADMIN], recommendKeys, pollMs: 0 },
    logger: silentLogger,
  });
}

const post = (url: string, key?: string) =>
  fetch(`${url}/v1/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(key ? { 'x-api-key': key } : {}) },
    body: JSON.stringify([{ type: 'click', client_id: 'client-1', item: 'addon-1' }]),
  });

describe('POST /v1/events and API keys', () => {
  const dirs: string[] = [];
  after(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('with recommend keys configured: 401 without a key or with an unknown one, 200 with either kind', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'recscore-events-keys-'));
    dirs.push(dir);
    const server = await serve(dir, [RECOMMEND]);
    try {
      const none = await post(server.url);
      assert.equal(none.status, 401);
      assert.equal(((await none.json()) as { error: { code: string } }).error.code, 'RECSCORE_UNAUTHORIZED');
      assert.equal((await post(server.url, 'not-a-configured-key-000000')).status, 401);
      for (const key of [RECOMMEND, ADMIN]) {
        const ok = await post(server.url, key);
        assert.equal(ok.status, 200, key);
        assert.equal(((await ok.json()) as { accepted: number }).accepted, 1);
      }
    } finally {
      await server.close();
    }
  });

  it('without recommend keys the route is open (admin keys alone do not close it)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'recscore-events-keys-'));
    dirs.push(dir);
    const server = await serve(dir);
    try {
      const r = await post(server.url);
      assert.equal(r.status, 200);
      assert.equal(((await r.json()) as { accepted: number }).accepted, 1);
    } finally {
      await server.close();
    }
  });
});
