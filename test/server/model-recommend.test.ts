/**
 * /api/models/{id|default}/recommend (issue #13) in process (app.request) over a real pool and model cache:
 * answers equal `recscore sar similar/recommend` on the same model (the CLI itself for one query, its
 * functions for the rest), back-filling from the popularity list, seed exclusion, Product Recommendations'
 * case-insensitive names, a table of bad inputs (status and code), and a slow or failing scorer answered
 * from the popularity list, never an error.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Validator } from '@seriousme/openapi-schema-validator';
import { ModelCache } from '../../src/dispatch/model-cache.js';
import { ScoringPool } from '../../src/dispatch/pool.js';
import { similarItems } from '../../src/kernel/sar/item-based.js';
import { recommendForEvents, recommendForRow, recommendForUser } from '../../src/kernel/sar/personal.js';
import { popularItems } from '../../src/kernel/sar/popularity.js';
import { silentLogger } from '../../src/log.js';
import { createMetrics } from '../../src/metrics/registry.js';
import { readModelFile } from '../../src/model/kinds/sar/pack/unpack.js';
import type { SarModel } from '../../src/model/kinds/sar/types.js';
import { createModelRecommend } from '../../src/pipeline/model-recommend.js';
import { EmbeddedProfileStore } from '../../src/profile/embedded-store.js';
import type { VersionInService } from '../../src/recommend/contracts.js';
import { createGuards } from '../../src/resilience/guard.js';
import { createApp, type RecscoreApp } from '../../src/server/app.js';
import { resolveServerConfig } from '../../src/server/config.js';
import { REPO_ROOT } from '../sar/vectors.js';
import { MemoryRecords, sarArtifact, sarRecord } from '../helpers/records-view.js';

const K = 10;
const recs = (top: Array<[string, number]>) => top.map(([recommendedItemId, score]) => ({ recommendedItemId, score }));

describe('registry recommend routes', { timeout: 180_000 }, () => {
  let dir: string;
  let file: string;
  let model: SarModel;
  let pool: ScoringPool;
  let cache: ModelCache;
  let app: RecscoreApp;
  const records = new MemoryRecords();
  const ids: Record<string, string> = {};

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'model-recommend-'));
    file = await sarArtifact(dir, 'jaccard');
    model = readModelFile(file).model;
    ids.backfill = records.put(sarRecord(file)).id;
    ids.plain = records.put(sarRecord(file, { parameters: { enableBackfilling: false } as never })).id;
    ids.seeds = records.put(
      sarRecord(file, { parameters: { allowSeedItemsInRecommendations: true, enableBackfilling: false } as never }),
    ).id;
    ids.noHistory = records.put(
      sarRecord(file, { parameters: { enableUserToItemRecommendations: false } as never }),
    ).id;
    ids.training = records.put(sarRecord(undefined, { modelStatus: 'InProgress' })).id;
    ids.failed = records.put(sarRecord(undefined, { modelStatus: 'Failed', modelStatusMessage: 'no events' })).id;
    ids.taar = records.put(sarRecord(file, { kind: 'taar' })).id;
    pool = new ScoringPool({ workers: 2, maxQueue: 10_000 });
    cache = new ModelCache({ records, pool, budgetBytes: 1 << 30, logger: silentLogger });
    app = createApp<VersionInService>({
      scorer: pool,
      current: () => undefined,
      profiles: EmbeddedProfileStore.empty(),
      config: resolveServerConfig({ scoringBudgetMs: 10_000, totalBudgetMs: 20_000, bodyLimitBytes: 65_536 }),
      log: silentLogger,
      metrics: createMetrics(),
      taar: false,
      ready: () => pool.healthy,
      registryModels: { cache, pool },
    });
  });
  after(async () => {
    cache?.close();
    await pool?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const get = async (path: string, init?: RequestInit) => {
    const r = await app.request(path, init);
    return { status: r.status, headers: r.headers, json: (await r.json()) as any };
  };
  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    get(path, {
      method: 'POST',
      body: typeof body === 'string' ? body : JSON.stringify(body),
      headers: { 'content-type': 'application/json', ...headers },
    });

  it('item-to-item equals `recscore sar similar` (the CLI itself) on the same model', async () => {
    const item = model.items[3];
    const out = execFileSync(
      process.execPath,
      [join(REPO_ROOT, 'bin/recscore.js'), 'sar', 'similar', '--model', file, '--item', item, '--k', String(K)],
      { encoding: 'utf8' },
    );
    const cli = JSON.parse(out) as { top: Array<[string, number]> };
    const r = await get(
      `/api/models/${ids.plain}/recommend?itemId=${encodeURIComponent(item)}&recommendationCount=${K}`,
    );
    assert.equal(r.status, 200);
    assert.deepEqual(r.json, recs(cli.top));
    assert.equal(r.headers.get('x-recscore-backfilled'), '0');
    assert.equal(r.headers.get('x-recscore-served-by'), 'model');
    assert.ok(r.headers.get('x-request-id'));
  });

  it('item-to-item equals similarItems for many items and counts', async () => {
    for (let i = 0; i < model.items.length; i += Math.ceil(model.items.length / 25)) {
      for (const k of [1, 7, 100]) {
        const item = model.items[i];
        const r = await get(
          `/api/models/${ids.plain}/recommend?itemId=${encodeURIComponent(item)}&recommendationCount=${k}`,
        );
        assert.deepEqual(r.json, recs(similarItems(model, [item], k)), `${item} k=${k}`);
      }
    }
  });

  it('back-fills what has no positive score with popular items, never the seed, and says how many', async () => {
    const popular = popularItems(model, model.items.length).map(([i]) => i);
    for (let i = 0; i < model.items.length; i += Math.ceil(model.items.length / 15)) {
      const item = model.items[i];
      const r = await get(
        `/api/models/${ids.backfill}/recommend?itemId=${encodeURIComponent(item)}&recommendationCount=50`,
      );
      const positive = similarItems(model, [item], 50).filter(([, s]) => s > 0);
      const n = Number(r.headers.get('x-recscore-backfilled'));
      assert.deepEqual(r.json.slice(0, positive.length), recs(positive));
      assert.equal(r.json.length, Math.min(50, model.items.length - 1));
      assert.equal(n, r.json.length - positive.length);
      const listed = new Set(positive.map(([id]) => id));
      const expected = popular.filter((id) => id !== item && !listed.has(id)).slice(0, n);
      assert.deepEqual(
        r.json.slice(positive.length),
        expected.map((id) => ({ recommendedItemId: id, score: 0 })),
      );
    }
    const cold = await get(`/api/models/${ids.backfill}/recommend?itemId=never-seen&recommendationCount=5`);
    assert.deepEqual(
      cold.json,
      popular.slice(0, 5).map((id) => ({ recommendedItemId: id, score: 0 })),
    );
    assert.equal(cold.headers.get('x-recscore-backfilled'), '5');
    const off = await get(`/api/models/${ids.plain}/recommend?itemId=never-seen`);
    assert.deepEqual(off.json, [], 'backfilling off: a cold answer is empty');
  });

  it('allowSeedItemsInRecommendations: the seed may be recommended', async () => {
    const item = model.items[5];
    const i = model.items.indexOf(item);
    const r = await get(`/api/models/${ids.seeds}/recommend?itemId=${encodeURIComponent(item)}`);
    const expected = recommendForRow(model, { cols: [i], vals: [1], unit: [1] }, { k: K, removeSeen: false });
    assert.deepEqual(r.json, recs(expected));
    assert.ok(r.json.some((x: any) => x.recommendedItemId === item));
  });

  it('personalised equals `recscore sar recommend --remove-seen` (the CLI itself) for a user, for events', async () => {
    const user = model.users[7];
    const events = model.items.slice(10, 14).map((item, j) => ({ item, timestamp: 1_600_000_000 + j * 86_400 }));
    const users = join(dir, 'users.jsonl');
    writeFileSync(users, `${user}\n${JSON.stringify({ events })}\n`);
    const out = execFileSync(
      process.execPath,
      [join(REPO_ROOT, 'bin/recscore.js'), 'sar', 'recommend', '--model', file, '--users', users, '--remove-seen'],
      { encoding: 'utf8' },
    );
    const [forUser, forEvents] = out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { top: Array<[string, number]> });
    const a = await post(`/api/models/${ids.plain}/recommend?userId=${encodeURIComponent(user)}`, []);
    assert.deepEqual(a.json, recs(forUser.top));
    const b = await post(
      `/api/models/${ids.plain}/recommend`,
      events.map((e) => ({ itemId: e.item, timestamp: e.timestamp })),
    );
    assert.deepEqual(b.json, recs(forEvents.top));
  });

  it('personalised from posted events equals `recscore sar recommend` with events (remove-seen)', async () => {
    for (let u = 0; u < model.users.length; u += Math.ceil(model.users.length / 20)) {
      const events = model.items.slice(u % 7, (u % 7) + 3 + (u % 4)).map((item, j) => ({
        itemId: item,
        timestamp: new Date((1_600_000_000 + j * 86_400 * 9) * 1000).toISOString(),
        ...(j % 2 ? { eventType: 'Purchase' } : {}),
      }));
      const r = await post(`/api/models/${ids.plain}/recommend?recommendationCount=${K}`, events);
      assert.equal(r.status, 200);
      const posted = events.map((e, j) => ({
        item: e.itemId,
        timestamp: 1_600_000_000 + j * 86_400 * 9,
        ...(j % 2 ? { rating: 4 } : {}),
      }));
      assert.deepEqual(r.json, recs(recommendForEvents(model, posted, { k: K, removeSeen: true })));
    }
  });

  it('userId alone equals `recscore sar recommend --remove-seen` for that user; unknown users are cold', async () => {
    for (let u = 0; u < model.users.length; u += Math.ceil(model.users.length / 20)) {
      const user = model.users[u];
      const r = await post(`/api/models/${ids.plain}/recommend?userId=${encodeURIComponent(user)}`, []);
      const ref = recommendForUser(model, user, { k: K, removeSeen: true });
      assert.equal(ref.known, true);
      assert.deepEqual(r.json, recs(ref.known ? ref.top : []));
    }
    const cold = await post(
      `/api/models/${ids.backfill}/recommend?userId=nobody-at-all&recommendationCount=3`,
      undefined,
    );
    assert.equal(cold.headers.get('x-recscore-backfilled'), '3');
    // Without enableUserToItemRecommendations the stored history is not used: a userId alone is cold.
    const user = model.users[0];
    const noHistory = await post(
      `/api/models/${ids.noHistory}/recommend?userId=${encodeURIComponent(user)}&recommendationCount=4`,
      [],
    );
    assert.equal(noHistory.headers.get('x-recscore-backfilled'), '4');
  });

  it('userId plus events: the stored history and the posted events, none of their items recommended back', async () => {
    const u = 0;
    const user = model.users[u];
    const { rowPtr, cols } = model.aff;
    const history = new Set(Array.from(cols.subarray(rowPtr[u], rowPtr[u + 1]), (c) => model.items[c]));
    const extra = model.items.filter((i) => !history.has(i)).slice(0, 2);
    const r = await post(
      `/api/models/${ids.backfill}/recommend?userId=${encodeURIComponent(user)}&recommendationCount=20`,
      extra.map((itemId) => ({ itemId })),
    );
    assert.equal(r.status, 200);
    const got = r.json.map((x: any) => x.recommendedItemId);
    for (const seen of [...history, ...extra]) assert.ok(!got.includes(seen), `${seen} was seen`);
    const alone = await post(
      `/api/models/${ids.backfill}/recommend?recommendationCount=20`,
      extra.map((itemId) => ({ itemId })),
    );
    assert.notDeepEqual(r.json, alone.json, 'the history changed the answer');
  });

  it('names are matched case-insensitively, as PR clients send them', async () => {
    const item = model.items[2];
    const a = await get(`/api/models/${ids.plain}/recommend?ItemId=${encodeURIComponent(item)}&RecommendationCount=4`);
    assert.deepEqual(a.json, recs(similarItems(model, [item], 4)));
    const b = await post(`/api/models/${ids.plain.toUpperCase()}/recommend?RECOMMENDATIONCOUNT=4`, [
      { ItemID: item, EventType: 'PURCHASE', TimeStamp: '2020/01/02T03:04:05' },
    ]);
    assert.equal(b.status, 200);
    assert.deepEqual(b.json, recs(recommendForEvents(model, [{ item, rating: 4 }], { k: 4, removeSeen: true })));
  });

  it('the default model: 404 until one is set, then its answers', async () => {
    const none = await get('/api/models/default/recommend?itemId=x');
    assert.equal(none.status, 404);
    assert.equal(none.json.error.code, 'RECSCORE_NO_DEFAULT_MODEL');
    records.setDefault(ids.plain);
    const item = model.items[1];
    const r = await get(`/api/models/default/recommend?itemId=${encodeURIComponent(item)}`);
    assert.deepEqual(r.json, recs(similarItems(model, [item], K)));
    const p = await post('/api/models/DEFAULT/recommend', [{ itemId: item }]);
    assert.deepEqual(p.json, recs(recommendForEvents(model, [{ item }], { k: K, removeSeen: true })));
    records.setDefault(undefined);
  });

  it('TAAR routes answer 503 RECSCORE_NO_MODEL without a TAAR model set; /ready is 200', async () => {
    const r = await get('/v1/api/recommendations/abc/');
    assert.equal(r.status, 503);
    assert.equal(r.json.error.code, 'RECSCORE_NO_MODEL');
    assert.match(r.json.error.message, /no TAAR model set is configured/);
    const ready = await get('/ready');
    assert.equal(ready.status, 200);
    assert.equal(ready.json.taar, false);
  });

  it('both routes are in /openapi.json, a valid OpenAPI 3.1 document', async () => {
    const r = await get('/openapi.json');
    assert.equal(r.status, 200);
    const path = r.json.paths['/api/models/{modelId}/recommend'];
    assert.ok(path?.get && path?.post, 'GET and POST documented');
    const result = await new Validator().validate(r.json);
    assert.equal(result.valid, true, JSON.stringify(result.errors, null, 2));
  });

  it('bad input: each case answers its status and code', async () => {
    const m = `/api/models/${ids.plain}/recommend`;
    const item = encodeURIComponent(model.items[0]);
    const cases: Array<[string, () => Promise<{ status: number; json: any }>, number, string]> = [
      ['count 0', () => get(`${m}?itemId=${item}&recommendationCount=0`), 400, 'RECSCORE_BAD_OPTION'],
      ['count 101', () => get(`${m}?itemId=${item}&recommendationCount=101`), 400, 'RECSCORE_BAD_OPTION'],
      ['count -1', () => get(`${m}?itemId=${item}&recommendationCount=-1`), 400, 'RECSCORE_BAD_OPTION'],
      ['count text', () => get(`${m}?itemId=${item}&recommendationCount=ten`), 400, 'RECSCORE_BAD_OPTION'],
      ['count 1.5', () => get(`${m}?itemId=${item}&recommendationCount=1.5`), 400, 'RECSCORE_BAD_OPTION'],
      ['count empty', () => get(`${m}?itemId=${item}&recommendationCount=`), 400, 'RECSCORE_BAD_OPTION'],
      [
        'count twice',
        () => get(`${m}?itemId=${item}&recommendationCount=2&recommendationCount=3`),
        400,
        'RECSCORE_BAD_OPTION',
      ],
      ['no itemId', () => get(m), 400, 'RECSCORE_BAD_REQUEST'],
      ['empty itemId', () => get(`${m}?itemId=`), 400, 'RECSCORE_BAD_REQUEST'],
      ['itemId with a space', () => get(`${m}?itemId=a%20b`), 400, 'RECSCORE_BAD_REQUEST'],
      ['itemId with a comma', () => get(`${m}?itemId=a,b`), 400, 'RECSCORE_BAD_REQUEST'],
      ['itemId of 451', () => get(`${m}?itemId=${'x'.repeat(451)}`), 400, 'RECSCORE_BAD_REQUEST'],
      ['model id not a UUID', () => get('/api/models/123/recommend?itemId=a'), 400, 'RECSCORE_BAD_MODEL_ID'],
      [
        'unknown model',
        () => get(`/api/models/${'0'.repeat(8)}-0000-0000-0000-${'0'.repeat(12)}/recommend?itemId=a`),
        404,
        'RECSCORE_MODEL_NOT_FOUND',
      ],
      [
        'model training',
        () => get(`/api/models/${ids.training}/recommend?itemId=a`),
        409,
        'RECSCORE_MODEL_NOT_COMPLETED',
      ],
      ['model failed', () => get(`/api/models/${ids.failed}/recommend?itemId=a`), 409, 'RECSCORE_MODEL_NOT_COMPLETED'],
      ['TAAR record', () => get(`/api/models/${ids.taar}/recommend?itemId=a`), 400, 'RECSCORE_BAD_REQUEST'],
      [
        'POST training model',
        () => post(`/api/models/${ids.training}/recommend`, []),
        409,
        'RECSCORE_MODEL_NOT_COMPLETED',
      ],
      ['body an object', () => post(m, { itemId: 'a' }), 400, 'RECSCORE_BAD_REQUEST'],
      ['body not JSON', () => post(m, '[{"itemId":'), 400, 'RECSCORE_BAD_JSON'],
      ['event not an object', () => post(m, ['a']), 400, 'RECSCORE_BAD_REQUEST'],
      ['event without itemId', () => post(m, [{ weight: 1 }]), 400, 'RECSCORE_BAD_REQUEST'],
      ['event itemId a number', () => post(m, [{ itemId: 5 }]), 400, 'RECSCORE_BAD_REQUEST'],
      ['event bad type', () => post(m, [{ itemId: 'a', eventType: 'Like' }]), 400, 'RECSCORE_BAD_REQUEST'],
      ['event bad timestamp', () => post(m, [{ itemId: 'a', timestamp: '2020-13-45' }]), 400, 'RECSCORE_BAD_REQUEST'],
      ['event timestamp object', () => post(m, [{ itemId: 'a', timestamp: {} }]), 400, 'RECSCORE_BAD_REQUEST'],
      ['event weight text', () => post(m, [{ itemId: 'a', weight: '2' }]), 400, 'RECSCORE_BAD_REQUEST'],
      [
        'too many events',
        () =>
          post(
            m,
            Array.from({ length: 1001 }, () => ({ itemId: 'a' })),
          ),
        400,
        'RECSCORE_BAD_REQUEST',
      ],
      ['userId too long', () => post(`${m}?userId=${'u'.repeat(256)}`, []), 400, 'RECSCORE_BAD_REQUEST'],
      ['userId with a quote', () => post(`${m}?userId=a%22b`, []), 400, 'RECSCORE_BAD_REQUEST'],
      ['POST count 200', () => post(`${m}?recommendationCount=200`, []), 400, 'RECSCORE_BAD_OPTION'],
      [
        'body too large',
        () => post(m, `[${'{"itemId":"a"},'.repeat(5000)}{"itemId":"a"}]`),
        413,
        'RECSCORE_BODY_TOO_LARGE',
      ],
      [
        'not JSON media type',
        () => post(m, '[]', { 'content-type': 'text/html' }),
        415,
        'RECSCORE_UNSUPPORTED_MEDIA_TYPE',
      ],
      ['PUT', () => get(m, { method: 'PUT' }), 405, 'RECSCORE_METHOD_NOT_ALLOWED'],
    ];
    for (const [name, call, status, code] of cases) {
      const r = await call();
      assert.equal(r.status, status, `${name}: ${JSON.stringify(r.json)}`);
      assert.equal(r.json.error.code, code, name);
    }
  });

  it("waiting for a model's load does not count against the budget: the first answer is the model's", async () => {
    const guards = createGuards(
      { profileBudgetMs: 50, scoringBudgetMs: 20, breakerFailures: 3, breakerHalfOpenAfterMs: 60_000 },
      { log: silentLogger, metrics: createMetrics() },
    );
    const fresh = records.put(sarRecord(file)).id; // not loaded yet: its load takes far longer than 20 ms
    // An immediate scorer: only the load (a loader thread, then warming the workers) can spend the budget.
    const recommend = createModelRecommend({
      cache,
      guards,
      totalBudgetMs: 20,
      score: async (m) => ({ modelVersion: m.version, known: true, top: [[m.model.items[0], 1]] }),
    });
    const item = model.items[3];
    const a = await recommend({ modelId: fresh, query: { item }, count: 5, started: performance.now() });
    assert.equal(a.servedBy, 'model');
  });

  it('slow, failing or shed scoring answers the popularity list (header says why), never an error', async () => {
    const guards = createGuards(
      { profileBudgetMs: 50, scoringBudgetMs: 20, breakerFailures: 3, breakerHalfOpenAfterMs: 60_000 },
      { log: silentLogger, metrics: createMetrics() },
    );
    const popular = popularItems(model, 20).map(([i]) => i);
    const item = model.items[0];
    const expected = popular.filter((i) => i !== item).slice(0, 5);
    let mode: 'slow' | 'fail' = 'slow';
    const recommend = createModelRecommend({
      cache,
      guards,
      totalBudgetMs: 50,
      score: () =>
        mode === 'slow'
          ? new Promise((resolve) => setTimeout(() => resolve({ modelVersion: 'x', known: true, top: [] }), 500))
          : Promise.reject(new Error('worker exploded')),
    });
    const ask = () => recommend({ modelId: ids.backfill, query: { item }, count: 5, started: performance.now() });
    const slow = await ask();
    assert.equal(slow.servedBy, 'popularity');
    assert.equal(slow.reason, 'scoring-timeout');
    assert.deepEqual(
      slow.items.map((r) => r.recommendedItemId),
      expected,
    );
    assert.equal(slow.backfilled, 5);
    mode = 'fail';
    const reasons = [];
    for (let i = 0; i < 6; i++) {
      const a = await ask();
      assert.deepEqual(
        a.items.map((r) => r.recommendedItemId),
        expected,
      );
      reasons.push(a.reason);
    }
    assert.equal(reasons[0], 'scoring-error');
    assert.equal(reasons.at(-1), 'breaker-open');
  });
});
