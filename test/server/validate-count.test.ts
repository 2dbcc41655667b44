/**
 * The result count: `?count=` / `?limit=` (or a posted `count`) per request, bounded 1–100 with a JSON 400
 * naming the parameter; TAAR_MAX_RESULTS, TAARLITE_MAX_RESULTS and the fallback chain as configured (they
 * were code-only: no variable reached them).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../../src/config/index.js';
import { serverConfigOf } from '../../src/server/config.js';
import { parseCount } from '../../src/server/validate.js';
import { seededRandom, syntheticBackend } from '../helpers/fake-backend.js';
import { buildApp, type InProcessApp } from './start.js';

const REC = (id: string) => `/v1/api/recommendations/${id}/`;
const UNKNOWN = 'e'.repeat(63) + 'f';
const budgets = { totalBudgetMs: 2_000, profileBudgetMs: 1_000, scoringBudgetMs: 1_000 };

describe('parseCount', () => {
  it('accepts 1–100 under either name, absent is undefined', () => {
    assert.equal(parseCount(undefined, undefined), undefined);
    assert.equal(parseCount('1', undefined), 1);
    assert.equal(parseCount(undefined, '100'), 100);
  });

  it('rejects anything else, naming the parameter and the value', () => {
    const cases = [
      ['0', undefined, 'count', '0'],
      [undefined, '101', 'limit', '101'],
      ['1.5', undefined, 'count', '1.5'],
      ['', undefined, 'count', ''],
      [undefined, '-3', 'limit', '-3'],
      ['0010', undefined, 'count', '0010'],
    ] as const;
    for (const [count, limit, name, value] of cases) {
      assert.throws(
        () => parseCount(count, limit),
        (e: any) =>
          e.code === 'RECSCORE_BAD_OPTION' &&
          e.message.startsWith(`${name} `) &&
          e.message.includes(JSON.stringify(value)),
      );
    }
    assert.throws(() => parseCount('5', '5'), /count and limit/);
  });
});

describe('result count over HTTP', { timeout: 30_000 }, () => {
  let s: InProcessApp;
  let b: ReturnType<typeof syntheticBackend>;
  before(async () => {
    b = syntheticBackend(40);
    const { scorer, profiles } = b;
    s = buildApp({ scorer, facts: () => b.facts, profiles, random: seededRandom(3), config: budgets });
  });
  after(() => s.close());

  it('?count= and ?limit= set the size of a personalised answer, drawn or not', async () => {
    const top = (await s.get(REC(b.known.client_id) + '?draw=0&count=3')).json;
    assert.deepEqual(
      top.results,
      b.candidates.slice(0, 3).map(([g]) => g),
    );
    assert.equal((await s.get(REC(b.known.client_id) + '?limit=25')).json.results.length, 25);
    assert.equal((await s.get(REC(b.known.client_id))).json.results.length, 10, 'TAAR_MAX_RESULTS default');
  });

  it('sizes a fallback answer too', async () => {
    const r = await s.get(REC(UNKNOWN) + '?count=15');
    assert.equal(r.json.result_info.served_by, 'global');
    assert.equal(r.json.results.length, 15);
  });

  it('a posted count wins over the query', async () => {
    const r = await s.postJson('/v1/recommendations?count=7', { profile: b.known, draw: false, count: 4 });
    assert.equal(r.status, 200);
    assert.equal(r.json.results.length, 4);
    const bad = await s.postJson('/v1/recommendations', { profile: b.known, limit: 0 });
    assert.equal(bad.status, 400);
    assert.equal(bad.json.error.code, 'RECSCORE_BAD_OPTION');
    assert.match(bad.json.error.message, /^limit: /);
  });

  it('answers a JSON 400 naming the parameter', async () => {
    const cases = [
      ['count=0', 'count'],
      ['limit=101', 'limit'],
      ['count=ten', 'count'],
      ['count=2&limit=2', 'count and limit'],
    ];
    for (const [q, name] of cases) {
      const r = await s.get(`${REC(b.known.client_id)}?${q}`);
      assert.equal(r.status, 400, q);
      assert.equal(r.json.error.code, 'RECSCORE_BAD_OPTION');
      assert.ok(r.json.error.message.startsWith(name), r.json.error.message);
    }
  });
});

describe('TAAR_MAX_RESULTS, TAARLITE_MAX_RESULTS and the fallback chain from the environment (were code-only)', () => {
  let s: InProcessApp;
  let b: ReturnType<typeof syntheticBackend>;
  before(async () => {
    b = syntheticBackend(40);
    const env = {
      RECSCORE_PROFILES: 'x.jsonl',
      TAAR_MAX_RESULTS: '6',
      TAARLITE_MAX_RESULTS: '2',
      RECSCORE_FALLBACK_CHAIN: 'none',
      RECSCORE_DRAW: 'false',
    };
    const config = { ...serverConfigOf(loadConfig({ env })), ...budgets, port: 0 };
    const { scorer, profiles } = b;
    s = buildApp({ scorer, facts: () => b.facts, profiles, random: seededRandom(3), config });
  });
  after(() => s.close());

  it('serves TAAR_MAX_RESULTS results with RECSCORE_DRAW=false honoured', async () => {
    const r = await s.get(REC(b.known.client_id));
    assert.deepEqual(
      r.json.results,
      b.candidates.slice(0, 6).map(([g]) => g),
    );
    assert.equal(r.json.result_info.draw, false);
  });

  it('an empty fallback chain answers [] as TAAR does', async () => {
    const r = await s.get(REC(UNKNOWN));
    assert.deepEqual(r.json.results, []);
    assert.equal(r.json.result_info.served_by, 'none');
  });

  it('TAAR-lite answers exactly TAARLITE_MAX_RESULTS GUIDs or none', async () => {
    const r = await s.get('/taarlite/api/v1/addon_recommendations/two@example.net/');
    assert.deepEqual(r.json.results, ['r1', 'r2']);
  });
});
