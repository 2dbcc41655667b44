import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { createLogger } from '../../src/log.js';
import { dayOf } from '../../src/events/day.js';
import { EmbeddedEventStore } from '../../src/events/embedded-store.js';
import type { PostedEvent } from '../../src/events/event.js';
import { RedisEventStore } from '../../src/events/redis-store.js';
import { ctrStats, distinctStats, engagementStats, parseStatsQuery } from '../../src/events/stats.js';
import type { EventStore } from '../../src/events/store.js';
import { BUILTIN_EVENT_TYPES } from '../../src/events/event.js';
import { HllSketch } from '../../src/events/hll/sketch.js';

const quiet = createLogger({}, () => {});
const dir = mkdtempSync(join(tmpdir(), 'recscore-events-'));
const prefix = `recscore-test:events:${process.pid}:`;
after(() => rmSync(dir, { recursive: true, force: true }));

const today = dayOf(Date.now());
const now = Date.now();
const LOCALES = ['en-US', 'de', 'fr'];
const SERVED = ['ensemble', 'locale'];

/** 3,000 clients; each has an impression, a third click, a tenth install; locale and served_by vary. */
function sampleEvents(tag: string): PostedEvent[] {
  const out: PostedEvent[] = [];
  for (let i = 0; i < 3_000; i++) {
    const context = { locale: LOCALES[i % 3], served_by: SERVED[i % 2] };
    const base = { client_id: `${tag}${i}`, ts: now - (i % 5) * 1000, item: `item-${i % 7}`, context };
    out.push({ ...base, type: 'impression' });
    if (i % 3 === 0) out.push({ ...base, type: 'click' });
    if (i % 10 === 0) out.push({ ...base, type: 'install' });
  }
  return out;
}

async function fill(store: EventStore, events: PostedEvent[]): Promise<void> {
  for (let i = 0; i < events.length; i += 1000) await store.append(events.slice(i, i + 1000));
}

const q = (p: Record<string, string>) => parseStatsQuery(p, BUILTIN_EVENT_TYPES);

async function figures(store: EventStore) {
  return {
    all: (await distinctStats(store, q({ from: today, to: today }))).distinct,
    clicks: (await distinctStats(store, q({ from: today, to: today, event: 'click' }))).distinct,
    de: (await distinctStats(store, q({ from: today, to: today, locale: 'de' }))).distinct,
    item: (await distinctStats(store, q({ from: today, to: today, item: 'item-3', event: 'impression' }))).distinct,
    eng: await engagementStats(store, q({ day: today })),
    ctr: (await ctrStats(store, q({ from: today, to: today }))).rows,
  };
}

describe('event stores', () => {
  let redis: Redis;
  let emb: EmbeddedEventStore;
  let red: RedisEventStore;
  before(async () => {
    redis = new Redis({ host: '127.0.0.1', port: 6379 });
    emb = await EmbeddedEventStore.open(join(dir, 'a'), { logger: quiet });
    red = new RedisEventStore('redis://127.0.0.1:6379', { prefix, logger: quiet });
    assert.ok(await red.connected());
  });
  after(async () => {
    await emb.close();
    await red.close();
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length) await redis.del(...keys);
    await redis.quit();
  });

  it('embedded and Redis give the same counts for the same events', async () => {
    const events = sampleEvents('c');
    await fill(emb, events);
    await fill(red, events);
    const a = await figures(emb);
    const b = await figures(red);
    assert.deepEqual(a, b);
    assert.ok(Math.abs(a.all - 3000) / 3000 < 0.0243, `all ${a.all}`);
    assert.ok(Math.abs(a.de - 1000) / 1000 < 0.0243, `de ${a.de}`);
    assert.equal(a.eng.er, 1);
    const ens = a.ctr.find((r) => (r as Record<string, unknown>).served_by === 'ensemble')!;
    assert.deepEqual([ens.impressions, ens.clicks, ens.installs], [1500, 500, 300]); // installs: i % 10 = 0, all even
  });

  it('a client counted by two Redis replicas is counted once', async () => {
    const other = new RedisEventStore('redis://127.0.0.1:6379', { prefix, logger: quiet });
    await other.connected();
    const before = (await distinctStats(red, q({ from: today, to: today, event: 'click' }))).distinct;
    await other.append(sampleEvents('c').filter((e) => e.type === 'click'));
    assert.equal((await distinctStats(red, q({ from: today, to: today, event: 'click' }))).distinct, before);
    await other.close();
  });

  it('an idempotency key writes a batch once (embedded and Redis)', async () => {
    for (const store of [emb, red]) {
      const batch: PostedEvent[] = [{ type: 'purchase', client_id: 'idem-1', ts: now }];
      const first = await store.append(batch, `key-${store.kind}`);
      const again = await store.append(batch, `key-${store.kind}`);
      assert.equal(again.replayed, true);
      assert.deepEqual(again.ids, first.ids);
      let n = 0;
      for await (const e of store.read(today, today)) if (e.client_id === 'idem-1') n++;
      assert.equal(n, 1, store.kind);
    }
  });

  it('rebuilds counts from the log, skipping and reporting a torn last line', async () => {
    const before = await figures(emb);
    await emb.close();
    const file = join(emb.dir, `events-${today}.jsonl`);
    appendFileSync(file, '{"b":"torn","k":null,"r":1,"e":[{"id":"x');
    const again = await EmbeddedEventStore.open(join(dir, 'a'), { logger: quiet });
    assert.deepEqual(
      again.rebuildReport.skipped.map((s) => s.file),
      [file],
    );
    assert.deepEqual(await figures(again), before);
    // The next append starts a fresh line: the batch after the torn one is readable.
    await again.append([{ type: 'click', client_id: 'after-torn', ts: now }]);
    const lines = readFileSync(file, 'utf8').split('\n');
    assert.ok(JSON.parse(lines[lines.length - 2]).e[0].client_id === 'after-torn');
    await again.close();
    emb = await EmbeddedEventStore.open(join(dir, 'a'), { logger: quiet });
  });

  it('embedded aggregates keep only the retained days (memory stays bounded); the log keeps all', async () => {
    const store = await EmbeddedEventStore.open(join(dir, 'retention'), { logger: quiet, retentionDays: 1 });
    const old = now - 2 * 86_400_000;
    await store.append([
      { type: 'click', client_id: 'old', ts: old },
      { type: 'click', client_id: 'new', ts: now },
    ]);
    const all = () => true;
    assert.equal(await store.distinct(['click'], [dayOf(old)], [], all), 0);
    assert.equal(await store.distinct(['click'], [today], [], all), 1);
    assert.deepEqual(
      store.memory().map((m) => m.day),
      store.memory().map(() => today),
    );
    const ids = [];
    for await (const e of store.read(dayOf(old), today)) ids.push(e.client_id);
    assert.deepEqual(ids, ['old', 'new']);
    await store.close();
  });

  it('opens from the snapshot plus the log after it; a bad snapshot means a full rebuild', async () => {
    const at = join(dir, 'snap');
    const batch = (tag: string, n: number): PostedEvent[] =>
      Array.from({ length: n }, (_, i) => ({
        type: 'click',
        client_id: `${tag}${i}`,
        ts: now,
        context: { locale: 'de' },
      }));
    const a = await EmbeddedEventStore.open(at, { logger: quiet, snapshotIntervalMs: 0 });
    await a.append(batch('a', 500), 'k-a');
    await a.close(); // writes the snapshot
    const b = await EmbeddedEventStore.open(at, { logger: quiet, snapshotIntervalMs: 0 });
    assert.deepEqual([b.fromSnapshot, b.rebuiltEvents], [true, 0]);
    assert.equal((await b.append(batch('a', 500), 'k-a')).replayed, true, 'keys restored from the snapshot');
    await b.append(batch('b', 300));
    await b.saveSnapshot();
    await b.append(batch('c', 200)); // after the last snapshot; b is never closed (a crash)
    const c = await EmbeddedEventStore.open(at, { logger: quiet, snapshotIntervalMs: 0 });
    assert.deepEqual([c.fromSnapshot, c.rebuiltEvents], [true, 200]);
    const count = async (s: EventStore) =>
      (await distinctStats(s, q({ from: today, to: today, locale: 'de' }))).distinct;
    const expected = HllSketch.unionCount(
      [
        ['a', 500],
        ['b', 300],
        ['c', 200],
      ].map(([t, n]) => {
        const s = new HllSketch();
        for (let i = 0; i < (n as number); i++) s.add(`${t}${i}`);
        return s;
      }),
    );
    assert.equal(await count(c), expected);
    writeFileSync(join(c.dir, 'aggregates.snapshot'), '{"v":1,"positions":{},"keys":[]}\n["x"');
    const d = await EmbeddedEventStore.open(at, { logger: quiet, snapshotIntervalMs: 0 });
    assert.deepEqual([d.fromSnapshot, d.rebuiltEvents], [false, 1000]);
    assert.equal(await count(d), expected);
    await Promise.all([b.close(), c.close(), d.close()]);
  });

  it('a segment no configured combination holds is a clear error', async () => {
    await assert.rejects(distinctStats(emb, q({ from: today, to: today, locale: 'de', os: 'Linux' })), {
      code: 'RECSCORE_BAD_QUERY',
      message: /no configured dimension combination holds locale \+ os/,
    });
  });
});
