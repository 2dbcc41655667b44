/**
 * EventStore.recent(): per client and item, the usage weight of the client's own events (not impressions)
 * over UTC days, weighted as the usage reader weighs them (the event's weight, else its type's; 0 = left
 * out); the same in the embedded and Redis stores, the embedded counts rebuilt from the snapshot and the log.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { addDays, dayOf } from '../../src/events/day.js';
import { EmbeddedEventStore } from '../../src/events/embedded-store.js';
import { defaultRules, type PostedEvent } from '../../src/events/event.js';
import { RedisEventStore } from '../../src/events/redis-store.js';
import { impressionOf } from '../../src/events/served-log.js';
import type { EventStore } from '../../src/events/store.js';
import { createLogger } from '../../src/log.js';
import { suiteRedis } from '../helpers/suite-redis.js';

const quiet = createLogger({}, () => {});
const dir = mkdtempSync(join(tmpdir(), 'recscore-recent-'));
const prefix = `recscore-test:recent:${process.pid}:`;
after(() => rmSync(dir, { recursive: true, force: true }));
const now = Date.now();
const today = dayOf(now);
const yesterday = addDays(today, -1);
// A configured custom type (RECSCORE_EVENT_TYPES=wishlist:1.5) counts with its weight.
const weights = defaultRules({ wishlist: 1.5 }).weights;

const ev = (type: string, item: string, ts = now, extra: Partial<PostedEvent> = {}): PostedEvent => ({
  type,
  client_id: 'u1',
  item,
  ts,
  ...extra,
});
function events(): PostedEvent[] {
  return [
    ev('click', 'a'),
    ev('click', 'a'),
    ev('install', 'b'), // 4
    ev('purchase', 'c', now - 86_400_000), // yesterday: 5
    ev('wishlist', 'd'),
    ev('click', 'e', now, { weight: 0.5 }), // its own weight
    ev('impression', 'a'), // impressions are not the client's own action
    impressionOf({ client_id: 'u1', model_version: 'v', served_by: 's', items: ['a', 'f'], ts: now }),
    ev('uninstall', 'b'), // weight 0: left out
    { type: 'click', client_id: 'u1', ts: now }, // no item
    { ...ev('install', 'z'), client_id: 'u2' },
  ];
}
const asObject = (m: ReadonlyMap<string, number>) => Object.fromEntries([...m].sort());

async function expectRecent(store: EventStore, what: string): Promise<void> {
  assert.deepEqual(asObject(await store.recent('u1', [today])), { a: 2, b: 4, d: 1.5, e: 0.5 }, `${what}: today`);
  assert.deepEqual(
    asObject(await store.recent('u1', [yesterday, today])),
    { a: 2, b: 4, c: 5, d: 1.5, e: 0.5 },
    `${what}: two days`,
  );
  assert.deepEqual(asObject(await store.recent('u2', [today])), { z: 4 }, `${what}: u2`);
  assert.deepEqual(asObject(await store.recent('nobody', [today])), {}, `${what}: unknown client`);
  assert.deepEqual(asObject(await store.shown('u1', [today])), { a: 2, f: 1 }, `${what}: shown() unchanged`);
}

describe('EventStore.recent', () => {
  const redis = suiteRedis(prefix);

  it('embedded: weighted per item and day; rebuilt from the snapshot and from the log', async () => {
    const at = join(dir, 'emb');
    const opts = { logger: quiet, snapshotIntervalMs: 0, usageWeights: weights };
    const a = await EmbeddedEventStore.open(at, opts);
    await a.append(events().slice(0, 4));
    await a.append(events().slice(4));
    await expectRecent(a, 'live');
    await a.close(); // writes the snapshot
    const b = await EmbeddedEventStore.open(at, opts);
    assert.deepEqual([b.fromSnapshot, b.rebuiltEvents], [true, 0]);
    await expectRecent(b, 'from the snapshot');
    rmSync(join(b.dir, 'aggregates.snapshot'));
    const c = await EmbeddedEventStore.open(at, { ...opts, writeSnapshot: false });
    assert.equal(c.fromSnapshot, false);
    await expectRecent(c, 'replayed log');
    await Promise.all([b.close(), c.close()]);
  });

  it('embedded: bounded like shown(): items per client and days kept', async () => {
    const s = await EmbeddedEventStore.open(join(dir, 'bounds'), {
      logger: quiet,
      shownItems: 2,
      shownDays: 1,
      usageWeights: weights,
    });
    await s.append(events());
    assert.deepEqual(asObject(await s.recent('u1', [yesterday])), {}, 'a day past shownDays');
    assert.deepEqual(asObject(await s.recent('u1', [today])), { a: 2, b: 4 }, 'the first two items only');
    await s.close();
  });

  it('Redis: the same weights, one hash per day and client that expires', async () => {
    const red = new RedisEventStore('redis://127.0.0.1:6379', {
      prefix,
      logger: quiet,
      retentionDays: 3,
      usageWeights: weights,
    });
    assert.ok(await red.connected());
    await red.append(events().slice(0, 4));
    await red.append(events().slice(4));
    await expectRecent(red, 'redis');
    const ttl = await redis().ttl(`${prefix}used:${today}:u1`);
    assert.ok(ttl > 2 * 86_400 && ttl <= 3 * 86_400, `ttl ${ttl}`);
    await red.close();
  });
});
