/**
 * Fault injection with fakes: slow or failing profile store, slow or failing scorer, shedding, and the
 * breakers around both. Every faulty request must still be a 200 within its budget (plus a margin for a
 * shared 2-core machine) from the fallback chain, with the right `reason`.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RecscoreError } from '../../src/errors.js';
import { syntheticBackend } from '../helpers/fake-backend.js';
import { buildApp, type InProcessApp } from './start.js';

// Far below the fakes' delays (200–500 ms), loose enough for a loaded 2-core machine.
const MARGIN_MS = 100;
const REC = (id: string) => `/v1/api/recommendations/${id}/`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function timed<T>(f: () => Promise<T>): Promise<[T, number]> {
  const t0 = performance.now();
  const v = await f();
  return [v, performance.now() - t0];
}

describe('faults', { timeout: 30_000 }, () => {
  const servers: InProcessApp[] = [];
  after(() => Promise.all(servers.map((s) => s.close())));
  async function start(config: Record<string, unknown> = {}) {
    const b = syntheticBackend();
    const s = buildApp({
      scorer: b.scorer,
      facts: () => b.facts,
      profiles: b.profiles,
      config: { breakerFailures: 3, breakerHalfOpenAfterMs: 150, ...config },
    });
    servers.push(s);
    // one request to warm the connection and the JIT, so timings below measure the budget only
    await s.get(REC(b.known.client_id));
    await s.get(REC('e'.repeat(63) + 'f') + '?locale=de');
    return { s, b };
  }

  it('slow profile store → profile-timeout within the budget, the store read is aborted', async () => {
    const { s, b } = await start();
    b.profiles.delayMs = 500;
    const [r, ms] = await timed(() => s.get(REC(b.known.client_id) + '?locale=de'));
    assert.equal(r.status, 200);
    assert.equal(r.json.result_info.reason, 'profile-timeout');
    assert.equal(r.json.result_info.served_by, 'locale');
    assert.ok(ms < 15 + MARGIN_MS, `${ms} ms`);
    await sleep(5);
    assert.equal(b.profiles.aborted, 1);
    assert.equal(b.scorer.calls, 1, 'the scorer is not called');
  });

  it(
    'failing store → profile-error; after 3 the breaker opens (no store call), then closes after ' + 'halfOpenAfter',
    async () => {
      const { s, b } = await start();
      b.profiles.failWith = new RecscoreError('RECSCORE_PROFILE_STORE', 'connection refused');
      for (let i = 0; i < 3; i++) {
        const r = await s.get(REC(b.known.client_id));
        assert.equal(r.status, 200);
        assert.equal(r.json.result_info.reason, 'profile-error');
      }
      const calls = b.profiles.calls;
      const open = await s.get(REC(b.known.client_id));
      assert.equal(open.json.result_info.reason, 'breaker-open');
      assert.equal(open.json.result_info.served_by, 'global');
      assert.equal(b.profiles.calls, calls, 'an open breaker does not call the store');
      assert.equal(s.app.guards.profileBreaker.state, 'open');
      assert.match((await s.get('/metrics')).text, /recscore_breaker_state\{breaker="profile"\} 2/);
      assert.ok(s.logs.some((l) => l.msg === 'circuit breaker opened' && l.breaker === 'profile'));

      b.profiles.failWith = undefined;
      await sleep(170);
      const probe = await s.get(REC(b.known.client_id));
      assert.equal(probe.json.result_info.served_by, 'ensemble');
      assert.equal(s.app.guards.profileBreaker.state, 'closed');
      assert.match((await s.get('/metrics')).text, /recscore_breaker_state\{breaker="profile"\} 0/);
    },
  );

  it('slow profile stores open the breaker too (a timeout is a failure)', async () => {
    const { s, b } = await start();
    b.profiles.delayMs = 200;
    assert.equal((await s.get(REC(b.known.client_id))).json.result_info.reason, 'profile-timeout');
    // Asked until it opens (at most 20 times), not exactly 3 times: on a loaded machine the half-open delay
    // can pass while the test process waits for a core, and the probe then times out again, which is right.
    let [r, ms] = await timed(() => s.get(REC(b.known.client_id)));
    for (let i = 0; i < 20 && r.json.result_info.reason !== 'breaker-open'; i++) {
      assert.equal(r.json.result_info.reason, 'profile-timeout');
      [r, ms] = await timed(() => s.get(REC(b.known.client_id)));
    }
    assert.equal(r.json.result_info.reason, 'breaker-open');
    assert.ok(ms < MARGIN_MS, `${ms} ms`);
  });

  it('an invalid stored profile → profile-invalid, does not open the breaker', async () => {
    const { s, b } = await start();
    b.profiles.failWith = new RecscoreError('RECSCORE_PROFILE_INVALID', 'installed_addons: expected array');
    for (let i = 0; i < 5; i++)
      assert.equal((await s.get(REC(b.known.client_id))).json.result_info.reason, 'profile-invalid');
    assert.equal(s.app.guards.profileBreaker.state, 'closed');
    assert.match((await s.get('/metrics')).text, /recscore_profile_invalid_total 5/);
    const has = await s.get(`/v1/api/client_has_addon/${b.known.client_id}/x@y/`);
    assert.deepEqual(has.json, { results: false, error: 'No client found' });
  });

  it('client_has_addon with a failing store: 503 RECSCORE_PROFILE_STORE', async () => {
    const { s, b } = await start();
    b.profiles.failWith = new Error('down');
    const r = await s.get(`/v1/api/client_has_addon/${b.known.client_id}/x@y/`);
    assert.equal(r.status, 503);
    assert.equal(r.json.error.code, 'RECSCORE_PROFILE_STORE');
  });

  it("slow scorer → scoring-timeout within the budget, from the profile's locale", async () => {
    const { s, b } = await start();
    b.scorer.delayMs = 300;
    const [r, ms] = await timed(() => s.get(REC(b.known.client_id)));
    assert.equal(r.status, 200);
    assert.equal(r.json.result_info.reason, 'scoring-timeout');
    assert.equal(r.json.result_info.served_by, 'locale');
    assert.equal(r.json.result_info.locale, 'de');
    assert.ok(ms < 25 + MARGIN_MS, `${ms} ms`);
  });

  it('the total budget bounds profile + scoring together', async () => {
    const { s, b } = await start({ totalBudgetMs: 40, profileBudgetMs: 30, scoringBudgetMs: 30 });
    b.profiles.delayMs = 20;
    b.scorer.delayMs = 25;
    const [r, ms] = await timed(() => s.get(REC(b.known.client_id)));
    assert.equal(r.json.result_info.reason, 'scoring-timeout');
    assert.ok(ms < 40 + MARGIN_MS, `${ms} ms`);
  });

  it('failing scorer → scoring-error, then breaker-open without calling the scorer', async () => {
    const { s, b } = await start();
    b.scorer.failWith = new RecscoreError('RECSCORE_WORKER_FAILED', 'worker crashed');
    // The scorer breaker samples (more than half of the calls in its window failed, at least
    // breakerFailures calls): with the warm-up success counted, it opens on the second failure.
    const reasons: string[] = [];
    for (let i = 0; i < 2; i++) reasons.push((await s.get(REC(b.known.client_id))).json.result_info.reason);
    assert.deepEqual(reasons, ['scoring-error', 'scoring-error']);
    const calls = b.scorer.calls;
    const r = await s.get(REC(b.known.client_id));
    assert.equal(r.json.result_info.reason, 'breaker-open');
    assert.equal(b.scorer.calls, calls);
    assert.equal(s.app.guards.scorerBreaker.state, 'open');
    // test clients and TAAR-lite need neither the scorer nor the store
    assert.equal((await s.get(REC('0000'))).json.result_info.served_by, 'test-client');
  });

  it('shed → fallback at once with reason shed; sheds never open the scorer breaker', async () => {
    const { s, b } = await start();
    b.scorer.shed = true;
    for (let i = 0; i < 6; i++) {
      const [r, ms] = await timed(() => s.get(REC(b.known.client_id)));
      assert.equal(r.status, 200);
      assert.equal(r.json.result_info.reason, 'shed');
      assert.ok(ms < MARGIN_MS, `${ms} ms`);
    }
    assert.equal(s.app.guards.scorerBreaker.state, 'closed');
    b.scorer.shed = false;
    assert.equal((await s.get(REC(b.known.client_id))).json.result_info.served_by, 'ensemble');
    assert.match((await s.get('/metrics')).text, /recscore_fallback_total\{reason="shed"\} 6/);
  });

  it('store down: client_has_addon answers 503 each time but logs one error line, the rest counted', async () => {
    const { s, b } = await start({ breakerFailures: 1_000 });
    b.profiles.failWith = new RecscoreError('RECSCORE_PROFILE_STORE', 'connection refused');
    const logged = () => s.logs.filter((l) => l.level === 'error' || l.level === 'warn').length;
    const before = logged();
    for (let i = 0; i < 50; i++) {
      const r = await s.get(`/v1/api/client_has_addon/${b.known.client_id}/a${i}@x/`);
      assert.equal(r.status, 503);
      assert.equal(r.json.error.code, 'RECSCORE_PROFILE_STORE');
    }
    // one 'request failed' line and one 'profile stage failed' warning, instead of 100 lines
    assert.ok(logged() - before <= 2, JSON.stringify(s.logs.slice(before)));
    assert.match((await s.get('/metrics')).text, /recscore_log_suppressed_total\{level="error"\} [1-9]/);
  });
});
