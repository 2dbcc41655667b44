/**
 * EventStore.shown(): per-client × item impression counts over UTC days, from every impression event (an
 * answer's `items` and posted ones with `item`), the same in the embedded and Redis stores; the embedded
 * counts survive a restart (from the snapshot and from a full log replay) and stay within their bounds.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { addDays, dayOf } from '../../src/events/day.js';
import { EmbeddedEventStore } from '../../src/events/embedded-store.js';
import type { PostedEvent } from '../../src/events/event.js';
import { RedisEventStore } from '../../src/events/redis-store.js';
import { impressionOf } from '../../src/events/served-log.js';
import { ShownCounts } from '../../src/events/shown.js';
import type { EventStore } from '../../src/events/store.js';
import { createLogger } from '../../src/log.js';
import { suiteRedis } from '../helpers/suite-redis.js';

const quiet = createLogger({}, () => {});
const dir = mkdtempSync(join(tmpdir(), 'recscore-shown-'));
const prefix = `recscore-test:shown:${process.pid}:`;
after(() => rmSync(dir, { recursive: true, force: true }));

const now = Date.now();
const today = dayOf(now);
const yesterday = addDays(today, -1);

const answer = (client: string, items: string[], ts: number) =>
  impressionOf({ client_id: client, model_version: 'v', served_by: 'ensemble', items, ts, request_id: 'r1' });

/** u1: two answers today, one yesterday, a posted impression and a click (not an impression); u2: one. */
function events(): PostedEvent[] {
  return [
    answer('u1', ['a', 'b', 'c'], now),
    answer('u1', ['a', 'd'], now),
    answer('u1', ['a', 'e'], now - 86_400_000),
    { type: 'impression', client_id: 'u1', item: 'b', ts: now, position: 4 },
    { type: 'click', client_id: 'u1', item: 'a', ts: now },
    answer('u2', ['a'], now),
  ];
}

const asObject = (m: ReadonlyMap<string, number>) => Object.fromEntries([...m].sort());

async function expectCounts(store: EventStore, what: string): Promise<void> {
  assert.deepEqual(asObject(await store.shown('u1', [today])), { a: 2, b: 2, c: 1, d: 1 }, `${what}: today`);
  assert.deepEqual(
    asObject(await store.shown('u1', [yesterday, today])),
    { a: 3, b: 2, c: 1, d: 1, e: 1 },
    `${what}: two days`,
  );
  assert.deepEqual(asObject(await store.shown('u2', [today])), { a: 1 }, `${what}: u2`);
  assert.deepEqual(asObject(await store.shown('nobody', [today])), {}, `${what}: unknown client`);
  assert.deepEqual(asObject(await store.shown('u1', [])), {}, `${what}: no days`);
}

describe('EventStore.shown', () => {
  const redis = suiteRedis(prefix);

  it('embedded: counts every impression per item and day; rebuilt from the snapshot and from the log', async () => {
    const at = join(dir, 'emb');
    const a = await EmbeddedEventStore.open(at, { logger: quiet, snapshotIntervalMs: 0 });
    await a.append(events().slice(0, 3));
    await a.append(events().slice(3));
    await expectCounts(a, 'live');
    await a.close(); // writes the snapshot
    const b = await EmbeddedEventStore.open(at, { logger: quiet, snapshotIntervalMs: 0 });
    assert.deepEqual([b.fromSnapshot, b.rebuiltEvents], [true, 0]);
    await expectCounts(b, 'from the snapshot');
    rmSync(join(b.dir, 'aggregates.snapshot'));
    const c = await EmbeddedEventStore.open(at, { logger: quiet, snapshotIntervalMs: 0, writeSnapshot: false });
    assert.equal(c.fromSnapshot, false);
    await expectCounts(c, 'replayed log');
    await Promise.all([b.close(), c.close()]);
  });

  it('embedded: days past shownDays leave memory', async () => {
    const s = await EmbeddedEventStore.open(join(dir, 'days'), { logger: quiet, shownDays: 1 });
    await s.append(events());
    assert.deepEqual(asObject(await s.shown('u1', [yesterday])), {});
    assert.deepEqual(asObject(await s.shown('u1', [today])), { a: 2, b: 2, c: 1, d: 1 });
    await s.close();
  });

  it('Redis: the same counts, one hash per day and client that expires', async () => {
    const red = new RedisEventStore('redis://127.0.0.1:6379', { prefix, logger: quiet, retentionDays: 3 });
    assert.ok(await red.connected());
    await red.append(events().slice(0, 3));
    await red.append(events().slice(3));
    await expectCounts(red, 'redis');
    const ttl = await redis().ttl(`${prefix}shown:${today}:u1`);
    assert.ok(ttl > 2 * 86_400 && ttl <= 3 * 86_400, `ttl ${ttl}`);
    await red.close();
  });

  it('answer impressions: embedded and Redis count the same impressions per item and combination', async () => {
    const emb = await EmbeddedEventStore.open(join(dir, 'agree'), { logger: quiet, writeSnapshot: false });
    const red = new RedisEventStore('redis://127.0.0.1:6379', { prefix: `${prefix}agree:`, logger: quiet });
    assert.ok(await red.connected());
    for (const s of [emb, red]) await s.append(events());
    for (const combo of [[], ['item'], ['served_by'], ['locale']]) {
      const [a, b] = await Promise.all([emb.counts([today], combo), red.counts([today], combo)]);
      assert.deepEqual(b, a, combo.join('+') || 'none');
    }
    const items = await emb.counts([today], ['item']);
    assert.deepEqual(
      Object.fromEntries([...items].map(([t, m]) => [t, m.get('impression')])),
      { '["a"]': 3, '["b"]': 2, '["c"]': 1, '["d"]': 1 },
      'one impression per listed item; posted impressions count too',
    );
    assert.equal((await emb.counts([today], [])).get('[]')?.get('impression'), 7);
    for (const item of ['a', 'b']) {
      const m = (t: string) => t === JSON.stringify([item]);
      assert.equal(
        await red.distinct(['impression'], [today], ['item'], m),
        await emb.distinct(['impression'], [today], ['item'], m),
      );
    }
    await Promise.all([emb.close(), red.close()]);
  });

  it('Redis down: shown rejects with RECSCORE_EVENT_STORE', async () => {
    const red = new RedisEventStore('redis://127.0.0.1:1', { prefix, logger: quiet });
    await red.connected(200);
    await assert.rejects(red.shown('u1', [today]), { code: 'RECSCORE_EVENT_STORE' });
    await red.close();
  });
});

describe('ShownCounts bounds', () => {
  it('keeps the most recently shown clients per day and the first items of each', () => {
    const s = new ShownCounts({ maxClients: 2, maxItems: 2 });
    s.add(answer('c1', ['a', 'b', 'c'], now)); // c is past the item bound
    s.add(answer('c2', ['a'], now));
    s.add(answer('c1', ['b'], now)); // c1 becomes the most recent
    s.add(answer('c3', ['a'], now)); // c2, the least recently shown, is dropped
    assert.deepEqual(asObject(s.shown('c1', [today])), { a: 1, b: 2 });
    assert.deepEqual(asObject(s.shown('c2', [today])), {});
    assert.deepEqual(asObject(s.shown('c3', [today])), { a: 1 });
    assert.equal(s.clients(today), 2);
    assert.equal(s.overflowed, 1);
  });

  it('holds at most maxClients of 10,000 distinct clients, always the most recent half', () => {
    const s = new ShownCounts({ maxClients: 100 });
    for (let i = 0; i < 10_000; i++) {
      s.add(answer(`k${i}`, ['a'], now));
      s.add(answer('regular', ['b'], now)); // shown all the time: never dropped
      assert.ok(s.clients(today) <= 100, `${s.clients(today)} clients held`);
    }
    for (let i = 10_000 - 50; i < 10_000; i++) assert.deepEqual(asObject(s.shown(`k${i}`, [today])), { a: 1 });
    assert.deepEqual(asObject(s.shown('k0', [today])), {});
    assert.deepEqual(asObject(s.shown('regular', [today])), { b: 10_000 });
  });
});
