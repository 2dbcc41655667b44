/**
 * recscore's own behaviour through the app (in process, `app.request()`) with the synthetic fakes: the draw
 * switch, posted profiles, the fallback chain's locale hints, partial ensembles, TAAR-lite and
 * client_has_addon, methods, health, readiness and metrics.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { seededRandom, syntheticBackend } from '../helpers/fake-backend.js';
import { assertDrawn } from './assert-drawn.js';
import { buildApp, type InProcessApp } from './start.js';

const REC = (id: string) => `/v1/api/recommendations/${id}/`;

describe('recscore behaviour (synthetic backend)', { timeout: 30_000 }, () => {
  let s: InProcessApp;
  let b: ReturnType<typeof syntheticBackend>;
  let loaded = true;
  let ready = true;
  before(async () => {
    b = syntheticBackend();
    s = buildApp({
      scorer: b.scorer,
      facts: () => (loaded ? b.facts : undefined),
      profiles: b.profiles,
      random: seededRandom(1),
      ready: () => ready,
      config: { totalBudgetMs: 2_000, profileBudgetMs: 1_000, scoringBudgetMs: 1_000 },
    });
  });
  after(() => s.close());
  const top10 = () => b.candidates.slice(0, 10).map(([g]) => g);

  it('?draw=0 serves exactly the top 10 candidates in order', async () => {
    const r = await s.get(REC(b.known.client_id) + '?draw=0');
    assert.equal(r.status, 200);
    assert.deepEqual(r.json.results, top10());
    assert.equal(r.json.result_info.draw, false);
    const drawn = await s.get(REC(b.known.client_id) + '?draw=true');
    assertDrawn(drawn.json.results, b.candidates);
  });

  it("?draw=0 prefers the scorer's own top list (ensemble with limit 10) when it gives one", async () => {
    b.scorer.top = [
      ['top-a@x', 9],
      ['top-b@x', 8],
    ];
    try {
      assert.deepEqual((await s.get(REC(b.known.client_id) + '?draw=0')).json.results, ['top-a@x', 'top-b@x']);
      assertDrawn((await s.get(REC(b.known.client_id))).json.results, b.candidates);
    } finally {
      b.scorer.top = undefined;
    }
  });

  it('draw off with promoted GUIDs: top 10 merged by weight', async () => {
    const r = await s.postJson(REC(b.known.client_id) + '?draw=false', {
      options: {
        promoted: [
          ['p@x', 95.5],
          ['cand-00@example.net', 1],
        ],
      },
    });
    assert.deepEqual(r.json.results, ['cand-00@example.net', 'cand-01@example.net', 'p@x', ...top10().slice(2)]);
  });

  it('POST /v1/recommendations scores the posted profile without a lookup', async () => {
    const calls = b.profiles.calls;
    let seen: unknown;
    b.scorer.candidatesFor = (input) => ((seen = input), b.candidates);
    const profile = {
      client_id: 'f'.repeat(63) + '0',
      installed_addons: ['x@y'],
      locale: 'de',
      geo_city: 'Berlin',
      subsession_length: 3600,
      os: 'Linux',
      bookmark_count: 1,
      tab_open_count: 2,
      total_uri: 3,
      unique_tlds: null,
    };
    const r = await s.postJson('/v1/recommendations', {
      profile,
      locale: 'fr',
      draw: false,
      options: { promoted: [['p@x', 1000]] },
    });
    assert.equal(r.status, 200);
    assert.deepEqual(r.json.results, ['p@x', ...top10()]);
    assert.equal(r.json.result_info.served_by, 'ensemble');
    assert.deepEqual(seen, { clientInfo: profile, extra: { locale: 'fr' }, pick: { mode: 'top', size: 10 } });
    assert.equal(b.profiles.calls, calls);
    const anon = await s.postJson('/v1/recommendations', { profile: { installed_addons: [] } });
    assert.equal(anon.status, 200);
    assert.equal(anon.json.results.length, 10);
    const test = await s.postJson('/v1/recommendations', { profile: { client_id: '0000', installed_addons: [] } });
    assert.equal(test.json.result_info.served_by, 'test-client');
  });

  it(
    'fallbacks: locale from the profile, then ?locale=, then Accept-Language (exact, then primary ' + 'subtag)',
    async () => {
      const de = b.facts
        .localeTop('de')!
        .slice(0, 10)
        .map(([g]) => g);
      const enUS = b.facts.localeTop('en-US')!.map(([g]) => g);
      const global = b.facts.globalTop.slice(0, 10).map(([g]) => g);
      const unknown = REC('e'.repeat(63) + 'f');
      const cases: Array<[string, Record<string, string>, string[], string, string | undefined]> = [
        ['?locale=de', {}, de, 'locale', 'de'],
        ['?locale=de-CH', {}, de, 'locale', 'de'],
        ['', { 'accept-language': 'en-US,de;q=0.5' }, enUS, 'locale', 'en-US'],
        ['', { 'accept-language': 'de-AT;q=0.9' }, de, 'locale', 'de'],
        ['?locale=fa', {}, global, 'global', undefined],
        ['?locale=xx', { 'accept-language': 'de' }, de, 'locale', 'de'],
        ['', { 'accept-language': '*' }, global, 'global', undefined],
        ['', {}, global, 'global', undefined],
      ];
      for (const [query, headers, expected, servedBy, locale] of cases) {
        const r = await s.get(unknown + query, headers);
        assert.equal(r.status, 200, query);
        assert.deepEqual(r.json.results, expected, `${query} ${JSON.stringify(headers)}`);
        assert.equal(r.json.result_info.served_by, servedBy);
        assert.equal(r.json.result_info.locale, locale);
        assert.equal(r.json.result_info.reason, 'unknown-client');
      }
      // The profile's locale wins over the query when a later stage fails.
      b.scorer.failWith = new Error('boom');
      try {
        const r = await s.get(REC(b.known.client_id) + '?locale=en-US');
        assert.equal(r.json.result_info.reason, 'scoring-error');
        assert.deepEqual(r.json.results, de);
      } finally {
        b.scorer.failWith = undefined;
      }
    },
  );

  it('an empty ensemble falls back with reason no-recommendations; failures are reported', async () => {
    b.scorer.candidatesFor = () => [];
    b.scorer.failures = [{ recommender: 'similarity', code: 'RECSCORE_RECOMMENDER_FAILED', message: 'x' }];
    try {
      const r = await s.get(REC(b.known.client_id));
      assert.equal(r.json.result_info.reason, 'no-recommendations');
      assert.equal(r.json.result_info.served_by, 'locale');
      assert.deepEqual(r.json.result_info.failures, b.scorer.failures);
      b.scorer.candidatesFor = () => b.candidates;
      const partial = await s.get(REC(b.known.client_id));
      assert.equal(partial.json.result_info.served_by, 'ensemble');
      assert.deepEqual(partial.json.result_info.failures, b.scorer.failures);
    } finally {
      b.scorer.failures = [];
      b.scorer.candidatesFor = () => b.candidates;
    }
  });

  it('fewer than 10 candidates: all of them, by weight', async () => {
    b.scorer.candidatesFor = () => b.candidates.slice(0, 4);
    try {
      const r = await s.get(REC(b.known.client_id));
      assert.deepEqual(
        r.json.results,
        b.candidates.slice(0, 4).map(([g]) => g),
      );
    } finally {
      b.scorer.candidatesFor = () => b.candidates;
    }
  });

  it('client_has_addon, TAAR-lite with a synthetic model', async () => {
    assert.deepEqual((await s.get(`/v1/api/client_has_addon/${b.known.client_id}/installed%40example.net/`)).json, {
      results: true,
    });
    assert.deepEqual((await s.get(`/taarlite/api/v1/addon_recommendations/four%40example.net/`)).json, {
      results: ['r1', 'r2', 'r3', 'r4'],
    });
    assert.deepEqual(
      (await s.get(`/taarlite/api/v1/addon_recommendations/four%40example.net/?normalize=row_count`)).json,
      { results: ['r4', 'r3', 'r2', 'r1'] },
    );
    assert.deepEqual((await s.get(`/taarlite/api/v1/addon_recommendations/two@example.net/`)).json, { results: [] });
    assert.deepEqual((await s.get(`/taarlite/api/v1/addon_recommendations/four@example.net/?normalize=`)).json, {
      results: [],
    });
  });

  it('HEAD answers like GET without a body; other methods are JSON 405 with Allow', async () => {
    const head = await s.call('HEAD', REC(b.known.client_id));
    assert.equal(head.status, 200);
    assert.equal(head.text, '');
    const put = await s.call('PUT', REC(b.known.client_id));
    assert.equal(put.status, 405);
    assert.equal(put.json.error.code, 'RECSCORE_METHOD_NOT_ALLOWED');
    assert.match(String(put.headers.allow), /GET/);
    assert.match(String(put.headers.allow), /POST/);
  });

  it('/health, /ready, /metrics', async () => {
    assert.deepEqual((await s.get('/health')).json, { status: 'ok' });
    const readyBody = (await s.get('/ready')).json;
    assert.equal(readyBody.ready, true);
    assert.equal(readyBody.model_version, 'fake-v1');
    assert.equal(readyBody.degraded, undefined);
    assert.equal((await s.get('/__heartbeat__')).status, 200);
    ready = false;
    const notReady = await s.get('/ready');
    assert.equal(notReady.status, 503);
    ready = true;
    loaded = false;
    try {
      const noModel = await s.get('/ready');
      assert.equal(noModel.status, 503);
      assert.equal(noModel.json.error.code, 'RECSCORE_NO_MODEL');
      const rec = await s.get(REC(b.known.client_id));
      assert.equal(rec.status, 503);
      assert.equal(rec.json.error.code, 'RECSCORE_NO_MODEL');
      assert.equal((await s.get('/taarlite/api/v1/addon_recommendations/four@example.net/')).status, 503);
      assert.equal((await s.get('/health')).status, 200);
    } finally {
      loaded = true;
    }
    const m = await s.get('/metrics');
    assert.equal(m.status, 200);
    assert.match(String(m.headers['content-type']), /^text\/plain/);
    for (const name of [
      'recscore_http_requests_total',
      'recscore_http_duration_seconds',
      'recscore_recommend_served_total',
      'recscore_fallback_total',
      'recscore_breaker_state',
      'recscore_pool_queue_depth',
      'recscore_pool_batch_size',
      'recscore_profile_errors_total',
      'recscore_profile_invalid_total',
    ]) {
      assert.match(m.text, new RegExp(`^# TYPE ${name} `, 'm'), name);
    }
    assert.match(m.text, /recscore_recommend_served_total\{served_by="ensemble"\} \d+/);
    assert.match(m.text, /recscore_fallback_total\{reason="unknown-client"\} \d+/);
    assert.match(m.text, /recscore_http_requests_total\{route="recommendations",method="GET",status="200"\} \d+/);
  });

  it("fallbackChain [] answers TAAR's [] for an unknown client", async () => {
    const t = buildApp({
      scorer: b.scorer,
      facts: () => b.facts,
      profiles: b.profiles,
      config: { fallbackChain: [] },
    });
    try {
      const r = await t.get(REC('e'.repeat(63) + 'f'));
      assert.deepEqual(r.json, {
        results: [],
        result_info: {
          served_by: 'none',
          reason: 'unknown-client',
          model_version: 'fake-v1',
          draw: false,
          request_id: r.headers['x-request-id'],
        },
      });
      const promoted = await t.postJson(REC('e'.repeat(63) + 'f'), { options: { promoted: [['p@x', 1]] } });
      assert.deepEqual(promoted.json.results, ['p@x']);
    } finally {
      await t.close();
    }
  });
});
