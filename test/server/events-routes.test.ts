import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { request } from 'undici';
import { createLogger } from '../../src/log.js';
import { dayOf } from '../../src/events/day.js';
import { EmbeddedEventStore } from '../../src/events/embedded-store.js';
import { defaultRules } from '../../src/events/event.js';
import { RedisEventStore } from '../../src/events/redis-store.js';
import { registerEventRoutes } from '../../src/server/routes/events.js';
import { syntheticBackend } from '../helpers/fake-backend.js';
import { startRedis, type RedisHandle } from '../helpers/redis-server.js';
import { buildApp, type InProcessApp, startApp, type TestServer } from './start.js';

const quiet = createLogger({}, () => {});
const dir = mkdtempSync(join(tmpdir(), 'recscore-events-http-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const NOW = Date.now();
const TODAY = dayOf(NOW);
const good = { type: 'click', client_id: 'good-client', item: 'addon@example.net', context: { locale: 'de' } };

// [name, event, expected code]: each is posted after one good event, so the answer is 200 + index 1.
const BAD_EVENTS: Array<[string, unknown, string]> = [
  ['event is a number', 5, 'RECSCORE_BAD_EVENT'],
  ['event is null', null, 'RECSCORE_BAD_EVENT'],
  ['event is an array', [good], 'RECSCORE_BAD_EVENT'],
  ['type missing', { client_id: 'a' }, 'RECSCORE_BAD_EVENT_TYPE'],
  ['type unknown', { ...good, type: 'like' }, 'RECSCORE_BAD_EVENT_TYPE'],
  ['type not a string', { ...good, type: 3 }, 'RECSCORE_BAD_EVENT_TYPE'],
  ['client_id missing', { type: 'click' }, 'RECSCORE_BAD_CLIENT_ID'],
  ['client_id with a space', { ...good, client_id: 'a b' }, 'RECSCORE_BAD_CLIENT_ID'],
  ['client_id of 129 characters', { ...good, client_id: 'x'.repeat(129) }, 'RECSCORE_BAD_CLIENT_ID'],
  ['client_id a number', { ...good, client_id: 42 }, 'RECSCORE_BAD_CLIENT_ID'],
  ['client_id empty', { ...good, client_id: '' }, 'RECSCORE_BAD_CLIENT_ID'],
  ['item with a slash', { ...good, item: 'a/b' }, 'RECSCORE_BAD_GUID'],
  ['item empty', { ...good, item: '' }, 'RECSCORE_BAD_GUID'],
  ['item of 201 characters', { ...good, item: 'g'.repeat(201) }, 'RECSCORE_BAD_GUID'],
  [
    'timestamp a year ahead',
    { ...good, timestamp: new Date(NOW + 365 * 86_400_000).toISOString() },
    'RECSCORE_BAD_TIMESTAMP',
  ],
  ['timestamp 10 minutes ahead (epoch ms)', { ...good, timestamp: NOW + 600_000 }, 'RECSCORE_BAD_TIMESTAMP'],
  [
    'timestamp 30 days old',
    { ...good, timestamp: new Date(NOW - 30 * 86_400_000).toISOString() },
    'RECSCORE_BAD_TIMESTAMP',
  ],
  ['timestamp a word', { ...good, timestamp: 'yesterday' }, 'RECSCORE_BAD_TIMESTAMP'],
  ['timestamp without a time zone', { ...good, timestamp: '2026-01-01T10:00:00' }, 'RECSCORE_BAD_TIMESTAMP'],
  ['timestamp negative', { ...good, timestamp: -1 }, 'RECSCORE_BAD_TIMESTAMP'],
  ['timestamp fractional ms', { ...good, timestamp: NOW + 0.5 }, 'RECSCORE_BAD_TIMESTAMP'],
  ['position negative', { ...good, position: -1 }, 'RECSCORE_BAD_EVENT'],
  ['position fractional', { ...good, position: 1.5 }, 'RECSCORE_BAD_EVENT'],
  ['weight a string', { ...good, weight: 'heavy' }, 'RECSCORE_BAD_EVENT'],
  ['weight huge', { ...good, weight: 1e9 }, 'RECSCORE_BAD_EVENT'],
  ['request_id with spaces', { ...good, request_id: 'a b' }, 'RECSCORE_BAD_EVENT'],
  ['unknown field', { ...good, user: 'x' }, 'RECSCORE_BAD_EVENT'],
  ['context a string', { ...good, context: 'de' }, 'RECSCORE_BAD_EVENT'],
  ['context key uppercase', { ...good, context: { Locale: 'de' } }, 'RECSCORE_BAD_EVENT'],
  ['context value a number', { ...good, context: { locale: 5 } }, 'RECSCORE_BAD_EVENT'],
  [
    'context of 17 fields',
    { ...good, context: Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`k${i}`, 'v'])) },
    'RECSCORE_BAD_EVENT',
  ],
  ['context value of 201 characters', { ...good, context: { os: 'l'.repeat(201) } }, 'RECSCORE_BAD_EVENT'],
];

describe('POST /v1/events and /v1/stats (embedded store)', () => {
  let s: TestServer;
  let store: EmbeddedEventStore;
  before(async () => {
    const b = syntheticBackend();
    s = await startApp({ scorer: b.scorer, facts: () => b.facts, profiles: b.profiles });
    store = await EmbeddedEventStore.open(join(dir, 'emb'), { logger: quiet });
    registerEventRoutes(s.app, { store, rules: defaultRules(), log: quiet });
  });
  after(async () => {
    await s.close();
    await store.close();
  });

  for (const [name, event, code] of BAD_EVENTS) {
    it(`rejects one event: ${name} (${code}), keeps the good one`, async () => {
      const r = await s.postJson('/v1/events', [good, event]);
      assert.equal(r.status, 200, r.text);
      assert.equal(r.json.accepted, 1);
      assert.equal(r.json.rejected.length, 1);
      assert.equal(r.json.rejected[0].index, 1);
      assert.equal(r.json.rejected[0].code, code, r.json.rejected[0].message);
      assert.ok(r.json.rejected[0].message.length > 0);
    });
  }

  // The server answers 413 before reading the body, then closes that socket: a pooled client would reuse it.
  async function oversize() {
    const res = await request(`${s.url}/v1/events`, {
      method: 'POST',
      reset: true,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([{ ...good, pad: 'x'.repeat(1024 * 1024) }]),
    });
    return { status: res.statusCode, json: (await res.body.json()) as any };
  }

  const BAD_BODIES: Array<[string, () => Promise<{ status: number; json: any }>, number, string]> = [
    ['non-JSON body', () => s.postJson('/v1/events', '[{"type":'), 400, 'RECSCORE_BAD_JSON'],
    ['an object, not an array', () => s.postJson('/v1/events', good), 400, 'RECSCORE_BAD_JSON'],
    ['no body', () => s.call('POST', '/v1/events'), 400, 'RECSCORE_BAD_JSON'],
    ['empty array', () => s.postJson('/v1/events', []), 400, 'RECSCORE_BAD_EVENT'],
    ['1,001 events', () => s.postJson('/v1/events', Array(1001).fill(good)), 413, 'RECSCORE_TOO_MANY_EVENTS'],
    ['body over 1 MiB', () => oversize(), 413, 'RECSCORE_BODY_TOO_LARGE'],
    [
      'wrong content type',
      () => s.call('POST', '/v1/events', { body: '[]', headers: { 'content-type': 'text/html' } }),
      415,
      'RECSCORE_UNSUPPORTED_MEDIA_TYPE',
    ],
    [
      'invalid UTF-8',
      () =>
        s.call('POST', '/v1/events', {
          body: Buffer.from([0x5b, 0xff, 0x5d]),
          headers: { 'content-type': 'application/json' },
        }),
      400,
      'RECSCORE_BAD_JSON',
    ],
    [
      'bad Idempotency-Key',
      () => s.postJson('/v1/events', [good], { 'idempotency-key': 'a key' }),
      400,
      'RECSCORE_BAD_REQUEST',
    ],
    ['every event rejected', () => s.postJson('/v1/events', [{ type: 'x' }]), 400, 'RECSCORE_BAD_EVENT'],
    ['GET on the POST route', () => s.get('/v1/events'), 405, 'RECSCORE_METHOD_NOT_ALLOWED'],
    ['stats: from missing', () => s.get(`/v1/stats/distinct?to=${TODAY}`), 400, 'RECSCORE_BAD_QUERY'],
    ['stats: month 13', () => s.get(`/v1/stats/distinct?from=2026-13-01&to=${TODAY}`), 400, 'RECSCORE_BAD_QUERY'],
    ['stats: to before from', () => s.get(`/v1/stats/distinct?from=${TODAY}&to=2020-01-01`), 400, 'RECSCORE_BAD_QUERY'],
    [
      'stats: 1,000-day range',
      () => s.get(`/v1/stats/distinct?from=2020-01-01&to=2022-09-26`),
      400,
      'RECSCORE_BAD_QUERY',
    ],
    [
      'stats: unknown event type',
      () => s.get(`/v1/stats/distinct?from=${TODAY}&to=${TODAY}&event=nope`),
      400,
      'RECSCORE_BAD_QUERY',
    ],
    [
      'stats: unconfigured segment',
      () => s.get(`/v1/stats/distinct?from=${TODAY}&to=${TODAY}&locale=de&os=x`),
      400,
      'RECSCORE_BAD_QUERY',
    ],
    [
      'stats: bad dimension name',
      () => s.get(`/v1/stats/distinct?from=${TODAY}&to=${TODAY}&Locale=de`),
      400,
      'RECSCORE_BAD_QUERY',
    ],
    ['engagement: day missing', () => s.get('/v1/stats/engagement'), 400, 'RECSCORE_BAD_QUERY'],
    ['ctr: bad by', () => s.get(`/v1/stats/ctr?from=${TODAY}&to=${TODAY}&by=A-B`), 400, 'RECSCORE_BAD_QUERY'],
  ];
  for (const [name, send, status, code] of BAD_BODIES) {
    it(`answers ${status} ${code}: ${name}`, async () => {
      const r = await send();
      assert.equal(r.status, status);
      assert.equal(r.json?.error?.code, code);
    });
  }

  it('stored exactly the accepted events; stats see them', async () => {
    let n = 0;
    for await (const e of store.read(TODAY, TODAY)) if (e.client_id === 'good-client') n++;
    assert.equal(n, BAD_EVENTS.length); // one good event per table row, none of the bad ones
    const d = await s.get(`/v1/stats/distinct?event=click&from=${TODAY}&to=${TODAY}&locale=de`);
    assert.equal(d.status, 200);
    assert.equal(d.json.distinct, 1);
    const e = await s.get(`/v1/stats/engagement?day=${TODAY}`);
    assert.deepEqual([e.json.dau, e.json.mau, e.json.er], [1, 1, 1]);
  });

  it('a retried batch with the same Idempotency-Key is stored once', async () => {
    const batch = [{ type: 'install', client_id: 'retry-client' }];
    const a = await s.postJson('/v1/events', batch, { 'idempotency-key': 'batch-7' });
    const b = await s.postJson('/v1/events', batch, { 'idempotency-key': 'batch-7' });
    assert.deepEqual([a.json.accepted, b.json.accepted, b.json.replayed], [1, 1, true]);
    let n = 0;
    for await (const e of store.read(TODAY, TODAY)) if (e.client_id === 'retry-client') n++;
    assert.equal(n, 1);
  });
});

describe('POST /v1/events with Redis down', () => {
  let s: InProcessApp;
  let redis: RedisHandle;
  let store: RedisEventStore;
  before(async () => {
    redis = await startRedis();
    const b = syntheticBackend();
    s = buildApp({ scorer: b.scorer, facts: () => b.facts, profiles: b.profiles });
    store = new RedisEventStore(redis.url, { logger: quiet });
    await store.connected();
    registerEventRoutes(s.app, { store, rules: defaultRules(), log: quiet });
  });
  after(async () => {
    await s.close();
    await store.close();
    await redis.stop();
  });

  it('answers 503 JSON while Redis is down, recommendations keep being served, and recovers', async () => {
    assert.equal((await s.postJson('/v1/events', [good])).status, 200);
    await redis.stop();
    const down = await s.postJson('/v1/events', [good, { ...good, client_id: 'during-outage' }]);
    assert.equal(down.status, 503);
    assert.equal(down.json.error.code, 'RECSCORE_EVENT_STORE');
    const rec = await s.get('/v1/api/recommendations/some-client/');
    assert.equal(rec.status, 200);
    await redis.restart();
    const deadline = Date.now() + 5_000;
    let r;
    do {
      await new Promise((res) => setTimeout(res, 100));
      r = await s.postJson('/v1/events', [{ ...good, client_id: 'after-outage' }]);
    } while (r.status !== 200 && Date.now() < deadline);
    assert.equal(r.status, 200);
    const ids: string[] = [];
    for await (const e of store.read(TODAY, TODAY)) ids.push(e.client_id);
    assert.deepEqual(ids, ['after-outage']); // the restarted server is empty; nothing from the outage was written
  });
});
