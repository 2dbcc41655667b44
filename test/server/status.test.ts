/**
 * The status endpoints and page (issue 16): `/v1/status` (fixed sections, breakers with their "since",
 * provider sections, a failing provider costing only its own section, the admin view), `/v1/status/series`,
 * and the page and its assets under a strict Content-Security-Policy with nothing loaded from elsewhere.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RecscoreError } from '../../src/errors.js';
import { createLogger } from '../../src/log.js';
import { createMetrics } from '../../src/metrics/registry.js';
import { createApp } from '../../src/server/app.js';
import { resolveServerConfig } from '../../src/server/config.js';
import { type FakeProfileStore, syntheticBackend } from '../helpers/fake-backend.js';
import { buildApp, type InProcessApp } from './start.js';

describe('status endpoints', { timeout: 30_000 }, () => {
  let s: InProcessApp;
  let store: FakeProfileStore;
  let b: ReturnType<typeof syntheticBackend>;
  before(() => {
    b = syntheticBackend();
    store = b.profiles as FakeProfileStore;
    s = buildApp({
      scorer: b.scorer,
      facts: () => b.facts,
      profiles: store,
      config: { breakerFailures: 2, breakerHalfOpenAfterMs: 60_000 },
    });
    s.app.status.series.stop();
  });
  after(() => s.close());

  it('GET /v1/status: build, uptime, breakers since when, queue, shed, quality and totals', async () => {
    const r = await s.get('/v1/status');
    assert.equal(r.status, 200);
    assert.equal(r.headers['cache-control'], 'no-store');
    assert.equal(typeof r.json.build.version, 'string');
    assert.ok(r.json.uptime_s >= 0);
    assert.deepEqual(
      r.json.breakers.map((x: { name: string; state: string }) => [x.name, x.state]),
      [
        ['profile', 'closed'],
        ['scorer', 'closed'],
      ],
    );
    assert.ok(Date.parse(r.json.breakers[0].since) <= Date.now());
    assert.equal(r.json.queue_depth, null, 'no queue without a pool');
    assert.equal(r.json.serving.quality, 1);
  });

  it('shows a breaker opening, with the time it opened', async () => {
    store.failWith = new RecscoreError('RECSCORE_PROFILE_STORE', 'down');
    const before = Date.now();
    try {
      for (let i = 0; i < 3; i++) await s.get(`/v1/api/recommendations/${b.known.client_id}/`);
      const profile = (await s.get('/v1/status')).json.breakers.find((x: { name: string }) => x.name === 'profile');
      assert.equal(profile.state, 'open');
      assert.ok(Date.parse(profile.since) >= before - 1);
    } finally {
      store.failWith = undefined;
    }
  });

  it('adds the sections features provide; a failing one costs only itself', async () => {
    const remove = s.app.status.provide('training', () => [{ id: 'j1', progress: 0.5 }]);
    s.app.status.provide('experiments', () => {
      throw new Error('experiments store down');
    });
    const r = await s.get('/v1/status');
    assert.deepEqual(r.json.training, [{ id: 'j1', progress: 0.5 }]);
    assert.deepEqual(r.json.experiments, { error: 'experiments store down' });
    remove();
    assert.equal((await s.get('/v1/status')).json.training, undefined);
  });

  it('gives providers the admin view only with the admin token', async () => {
    const app = createApp({
      scorer: b.scorer,
      current: () => ({ facts: b.facts }),
      profiles: store,
      config: resolveServerConfig({}),
      log: createLogger({ test: true }, () => {}),
      metrics: createMetrics(),
      adminToken: 'sesame',
    });
    app.status.series.stop();
    const seen: boolean[] = [];
    app.status.provide('models', ({ full }) => seen.push(full));
    for (const authorization of ['Bearer sesame', 'Bearer wrong', '']) {
      await app.request('/v1/status', { headers: authorization ? { authorization } : {} });
    }
    assert.deepEqual(seen, [true, false, false]);
  });

  it('GET /v1/status/series: plot columns of equal length', async () => {
    await s.app.status.series.sample();
    await s.get(`/v1/api/recommendations/${b.known.client_id}/`);
    await s.app.status.series.sample();
    const r = await s.get('/v1/status/series');
    assert.equal(r.status, 200);
    const n = r.json.t.length;
    assert.ok(n >= 1);
    for (const col of [r.json.requests_per_s, r.json.p50_ms, r.json.p99_ms, ...Object.values(r.json.served_by)])
      assert.equal((col as unknown[]).length, n);
    assert.ok(r.json.recommend_per_s.at(-1) >= 1);
  });

  it('serves the page at / and /status with a strict CSP, and only its own assets', async () => {
    for (const path of ['/', '/status']) {
      const r = await s.get(path);
      assert.equal(r.status, 200);
      assert.match(r.headers['content-type'] as string, /^text\/html/);
      const csp = r.headers['content-security-policy'] as string;
      assert.match(csp, /default-src 'self'/);
      assert.match(csp, /script-src 'self'(;|$)/);
      assert.match(csp, /style-src 'self'(;|$)/);
      assert.doesNotMatch(r.text, /<script>|<style>|style="/, 'no inline script or style');
      for (const m of r.text.matchAll(/(?:src|href)="([^"]+)"/g)) {
        const ref = m[1];
        if (ref.startsWith('data:')) continue; // inline data (the empty favicon), no request
        assert.ok(ref.startsWith('/'), `the page loads ${ref} from elsewhere`);
        if (ref.startsWith('/assets/')) {
          const a = await s.get(ref);
          assert.equal(a.status, 200, ref);
          assert.equal(a.headers['x-content-type-options'], 'nosniff');
        }
      }
    }
  });

  it('answers an unknown asset name with a JSON 404 (no path reaches the file system)', async () => {
    for (const name of ['nope.js', '..%2Fpackage.json', '%2e%2e%2fpackage.json', 'constructor']) {
      const r = await s.get(`/assets/${name}`);
      assert.equal(r.status, 404, name);
      assert.equal(r.json.error.code, 'RECSCORE_NOT_FOUND');
    }
  });
});
