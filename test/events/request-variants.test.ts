/**
 * Events that refer to a request are stored with the variant its answer carried (issue 15: "the variant
 * is … in every event that refers to the request"): the embedded store from its in-memory map (rebuilt
 * from the log at open, bounded), the Redis store from `req:` keys that a second replica reads too; the
 * `variant` counters (what `/v1/stats/ctr?by=variant` reads) count the stamped clicks.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { dayOf } from '../../src/events/day.js';
import { EmbeddedEventStore } from '../../src/events/embedded-store.js';
import type { PostedEvent, StoredEvent } from '../../src/events/event.js';
import { RedisEventStore } from '../../src/events/redis-store.js';
import { RequestVariants } from '../../src/events/request-variants.js';
import { impressionOf } from '../../src/events/served-log.js';
import type { EventStore } from '../../src/events/store.js';
import { createLogger } from '../../src/log.js';
import { suiteRedis } from '../helpers/suite-redis.js';

const quiet = createLogger({}, () => {});
const dir = mkdtempSync(join(tmpdir(), 'recscore-reqvar-'));
const prefix = `recscore-test:reqvar:${process.pid}:`;
after(() => rmSync(dir, { recursive: true, force: true }));
const now = Date.now();
const today = dayOf(now);

/** r1: variant exp:a; r2: interleaved, x placed by exp:b, y by the answer's exp:int; r3: no experiment. */
const answers = (): PostedEvent[] => [
  impressionOf({
    request_id: 'r1',
    client_id: 'u1',
    model_version: 'v',
    served_by: 's',
    items: ['x', 'y'],
    variant: 'exp:a',
    ts: now,
  }),
  impressionOf({
    request_id: 'r2',
    client_id: 'u2',
    model_version: 'v',
    served_by: 's',
    items: ['x', 'y'],
    variant: 'exp:int',
    item_variants: ['exp:b', ''],
    ts: now,
  }),
  impressionOf({ request_id: 'r3', client_id: 'u3', model_version: 'v', served_by: 's', items: ['x'], ts: now }),
];
const click = (request_id: string | undefined, item: string, context?: Record<string, string>): PostedEvent => ({
  type: 'click',
  client_id: 'u',
  item,
  ts: now,
  ...(request_id ? { request_id } : {}),
  ...(context ? { context } : {}),
});
const outcomes = (): PostedEvent[] => [
  click('r1', 'x'), // → exp:a
  { ...click('r1', 'z'), type: 'install', context: { locale: 'de' } }, // item not listed: the answer's, context kept
  click('r2', 'x'), // → exp:b, the variant that placed x
  click('r2', 'y'), // → exp:int
  click('r1', 'x', { variant: 'own:v' }), // its own variant stays
  click('r3', 'x'), // the answer had no variant
  click('r-unknown', 'x'),
  click(undefined, 'x'),
];
const WANT = ['exp:a', 'exp:a', 'exp:b', 'exp:int', 'own:v', undefined, undefined, undefined];

async function storedOutcomes(store: EventStore): Promise<StoredEvent[]> {
  const out: StoredEvent[] = [];
  for await (const e of store.read(today, today)) if (e.items === undefined) out.push(e);
  return out;
}

async function expectStamped(store: EventStore, what: string): Promise<void> {
  const got = await storedOutcomes(store);
  assert.deepEqual(
    got.map((e) => e.context?.variant),
    WANT,
    what,
  );
  assert.equal(got[1].context?.locale, 'de', `${what}: the rest of the context is kept`);
  const perVariant = await store.counts([today], ['variant']);
  const clicks = (v: string) => perVariant.get(JSON.stringify([v]))?.get('click') ?? 0;
  assert.deepEqual([clicks('exp:a'), clicks('exp:b'), clicks('exp:int')], [1, 1, 1], `${what}: counters`);
  assert.equal(perVariant.get(JSON.stringify(['exp:a']))?.get('install'), 1, `${what}: install counted`);
}

describe('events that refer to a request carry its variant', () => {
  const redis = suiteRedis(prefix);

  it('embedded: stamped at append; the map is rebuilt from the log at open', async () => {
    const at = join(dir, 'emb');
    const a = await EmbeddedEventStore.open(at, { logger: quiet, snapshotIntervalMs: 0, writeSnapshot: false });
    await a.append(answers(), undefined, { sync: false });
    await a.append(outcomes());
    await expectStamped(a, 'live');
    await a.close();
    // A restart (the log replayed): a later click of r2's item x still goes to exp:b.
    const b = await EmbeddedEventStore.open(at, { logger: quiet, snapshotIntervalMs: 0, writeSnapshot: false });
    await b.append([click('r2', 'x')]);
    const last = (await storedOutcomes(b)).at(-1);
    assert.equal(last?.context?.variant, 'exp:b');
    await b.close();
  });

  it('embedded map: bounded, the oldest half forgotten first', () => {
    const m = new RequestVariants(4);
    const learn = (id: string) =>
      m.learn(
        impressionOf({
          request_id: id,
          client_id: 'u',
          model_version: 'v',
          served_by: 's',
          items: ['x'],
          variant: `e:${id}`,
          ts: now,
        }),
      );
    for (const id of ['q1', 'q2', 'q3', 'q4', 'q5']) learn(id);
    assert.ok(m.size <= 4, `size ${m.size}`);
    assert.equal(m.get('q1'), undefined, 'the oldest is forgotten');
    assert.deepEqual(m.get('q5'), { v: 'e:q5' });
    const same = [click('nope', 'x')];
    assert.equal(m.stampAll(same), same, 'nothing to stamp: the same array');
  });

  it('Redis: an answer stored by replica A stamps the click posted to replica B; the key expires', async () => {
    const opts = { prefix, logger: quiet, requestTtlSeconds: 600 };
    const a = new RedisEventStore('redis://127.0.0.1:6379', opts);
    const b = new RedisEventStore('redis://127.0.0.1:6379', opts);
    assert.ok((await a.connected()) && (await b.connected()));
    await a.append(answers());
    await b.append(outcomes());
    await expectStamped(b, 'redis');
    const ttl = await redis().ttl(`${prefix}req:r1`);
    assert.ok(ttl > 0 && ttl <= 600, `ttl ${ttl}`);
    assert.equal(await redis().exists(`${prefix}req:r3`), 0, 'an answer without a variant stores no key');
    await Promise.all([a.close(), b.close()]);
  });
});
