/**
 * TAAR's recorded exchanges (expected_http.jsonl, expected_taarlite.jsonl) through the app (in process), with a
 * scorer that answers the vectors' `manager_candidates`. Deterministic bodies must be equal; drawn ones
 * must have the recorded property; where TAAR answered a 500 HTML page recscore answers a JSON 400.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { WeightedList } from '../../src/recommend/contracts.js';
import { seededRandom, vectorBackend } from '../helpers/fake-backend.js';
import { assertDrawn } from './assert-drawn.js';
import { buildApp, type InProcessApp } from './start.js';

const CLIENT = '050d3e4c5c04850be88a5bbd987b69b4469843038b2568986e17bbc722a41bcd';
const LOCALE_CLIENT = '97568fe8f864e9ee9b82be5b90b1bbd9cead9101061512656cc44f6b5ef0bb0b';
const REC = (id: string) => `/v1/api/recommendations/${id}/`;

describe('TAAR compatibility (vectors)', { timeout: 30_000 }, () => {
  let s: InProcessApp;
  let backend: ReturnType<typeof vectorBackend>;
  before(async () => {
    backend = vectorBackend([CLIENT, LOCALE_CLIENT]);
    s = buildApp({
      scorer: backend.scorer,
      facts: () => backend.facts,
      profiles: backend.profiles,
      random: seededRandom(7),
      config: { totalBudgetMs: 2_000, profileBudgetMs: 1_000, scoringBudgetMs: 1_000 },
    });
  });
  after(() => s.close());

  const vector = (name: string) => {
    const v = backend.http.find((h) => h.name === name);
    assert.ok(v, name);
    return v;
  };

  it('GET recommendations: 10 GUIDs drawn from the candidates, ordered by weight', async () => {
    const v = vector('recommendations_get');
    const r = await s.get(v.path);
    assert.equal(r.status, 200);
    assert.match(String(r.headers['content-type']), /^application\/json/);
    assert.equal(r.json.results.length, 10);
    assertDrawn(r.json.results, backend.candidates.get(CLIENT)!);
    assert.match(r.json.result_info.request_id, /^[A-Za-z0-9._-]{1,128}$/);
    assert.equal(r.json.result_info.request_id, r.headers['x-request-id']);
    assert.deepEqual(r.json.result_info, {
      served_by: 'ensemble',
      model_version: 'vectors',
      recommenders: ['collaborative', 'similarity', 'locale'],
      draw: true,
      request_id: r.headers['x-request-id'],
    });
  });

  it('POST without a body behaves as GET', async () => {
    const r = await s.call('POST', vector('recommendations_post_empty').path);
    assert.equal(r.status, 200);
    assertDrawn(r.json.results, backend.candidates.get(CLIENT)!);
  });

  it('POST promoted: merged by weight, deduplicated, not truncated', async () => {
    const v = vector('recommendations_post_promoted');
    const promoted = (v.body as { options: { promoted: WeightedList } }).options.promoted;
    for (let i = 0; i < 5; i++) {
      const r = await s.postJson(v.path, v.body);
      assert.equal(r.status, 200);
      assertDrawn(r.json.results, backend.candidates.get(CLIENT)!, promoted);
      assert.equal(r.json.results[0], '{828eac4a-852c-448a-8467-bd19b2decaae}');
      assert.equal(r.json.results[1], 'promoted-a@example.net');
    }
  });

  for (const name of ['recommendations_post_promoted_invalid_row', 'recommendations_post_promoted_string_weight']) {
    it(`${name}: the whole promoted list is dropped`, async () => {
      const v = vector(name);
      const r = await s.postJson(v.path, v.body);
      assert.equal(r.status, 200);
      assert.equal(r.json.results.length, 10);
      assert.ok(!r.json.results.includes('ok@example.net'));
      assertDrawn(r.json.results, backend.candidates.get(CLIENT)!);
    });
  }

  it('invalid JSON and a non-object options are JSON 400s (TAAR: 500 HTML)', async () => {
    const bad = await s.postJson(
      vector('recommendations_post_invalid_json').path,
      vector('recommendations_post_invalid_json').raw_body!,
    );
    assert.equal(bad.status, 400);
    assert.equal(bad.json.error.code, 'RECSCORE_BAD_JSON');
    const v = vector('recommendations_post_options_not_dict');
    const notDict = await s.postJson(v.path, v.body);
    assert.equal(notDict.status, 400);
    assert.equal(notDict.json.error.code, 'RECSCORE_BAD_OPTION');
  });

  it('unknown client: a 200 from the fallback chain, reason unknown-client', async () => {
    const r = await s.get(vector('recommendations_unknown_client').path);
    assert.equal(r.status, 200);
    assert.equal(r.json.result_info.served_by, 'global');
    assert.equal(r.json.result_info.reason, 'unknown-client');
    assert.deepEqual(
      r.json.results,
      backend.facts.globalTop.slice(0, 10).map(([g]) => g),
    );
  });

  it('?locale= reaches the scorer as extra_data', async () => {
    let seen: unknown;
    const original = backend.scorer.candidatesFor;
    backend.scorer.candidatesFor = (input) => ((seen = input.extra), original(input));
    try {
      const r = await s.get(vector('recommendations_locale_query').path + '&platform=linux');
      assert.equal(r.status, 200);
      assertDrawn(r.json.results, backend.candidates.get(LOCALE_CLIENT)!);
      assert.deepEqual(seen, { locale: 'de', platform: 'linux' });
    } finally {
      backend.scorer.candidatesFor = original;
    }
  });

  it('test client ids: 10 whitelist GUIDs by sha256 weight, no profile read', async () => {
    const calls = backend.profiles.calls;
    for (const id of ['0000000000', '1'.repeat(64), 'aaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaa', '-a-']) {
      const r = await s.get(REC(id));
      assert.equal(r.status, 200);
      assert.equal(r.json.result_info.served_by, 'test-client');
      assertDrawn(r.json.results, backend.facts.testClientCandidates);
    }
    assert.equal(backend.profiles.calls, calls);
  });

  it('missing trailing slash: 308 to the slash form, query kept', async () => {
    const v = vector('recommendations_no_trailing_slash');
    const r = await s.get(v.path + '?locale=de');
    assert.equal(r.status, 308);
    assert.equal(r.headers.location, v.path + '/?locale=de');
    const post = await s.call('POST', v.path);
    assert.equal(post.status, 308);
    const lite = await s.get(vector('taarlite_no_trailing_slash').path);
    assert.equal(lite.status, 308);
    assert.equal(lite.headers.location, '/taarlite/api/v1/addon_recommendations/%40adblock-tampermonkey/');
  });

  it('client_has_addon and TAAR-lite: the recorded bodies exactly', async () => {
    const names = [
      'client_has_addon_true',
      'client_has_addon_false',
      'client_has_addon_unknown_client',
      'taarlite_default',
      'taarlite_row_count',
      'taarlite_bad_normalize',
      'taarlite_unknown_guid',
      'taarlite_small_row',
    ];
    for (const name of names) {
      const v = vector(name);
      const r = await s.get(v.path);
      assert.equal(r.status, v.status, name);
      assert.deepEqual(r.json, v.response_json, name);
    }
    const empty = await s.get(vector('taarlite_empty_guid').path);
    assert.equal(empty.status, 404);
    assert.equal(empty.json.error.code, 'RECSCORE_NOT_FOUND');
  });

  it('TAAR-lite: every 10th recorded query answers the recorded body', async () => {
    const sample = backend.lite.filter((_, i) => i % 10 === 0);
    for (const v of sample) {
      const q = v.normalize === undefined ? '' : `?normalize=${encodeURIComponent(v.normalize)}`;
      const r = await s.get(`/taarlite/api/v1/addon_recommendations/${encodeURIComponent(v.guid)}/${q}`);
      assert.equal(r.status, v.endpoint.status, `${v.case} ${v.guid}`);
      if (v.endpoint.status === 200) assert.deepEqual(r.json, v.endpoint.body, `${v.case} ${v.guid} ${v.normalize}`);
    }
  });
});
