/**
 * Oversized stored profiles (issue 10 #6): a 30 MB value used to be transferred whole, parsed on the event
 * loop (157 ms stall) and, by timing out other clients' reads, opened the profile breaker for everyone.
 * Now the size is checked inside Redis: the read fails for that client only, as RECSCORE_PROFILE_INVALID,
 * and the value never crosses the wire.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { createLogger } from '../../src/log.js';
import { redisKeys } from '../../src/profile/redis-keys.js';
import { DEFAULT_MAX_PROFILE_BYTES, RedisProfileStore } from '../../src/profile/redis-store.js';
import { startFakeRedis, type FakeRedis } from '../helpers/fake-redis.js';
import { startRedis, type RedisHandle } from '../helpers/redis-server.js';

const quiet = createLogger({}, () => {});
const keys = redisKeys('sizetest:');
const SMALL = { client_id: 'small', installed_addons: ['a@x'] };

/** A valid client_info of exactly `bytes` bytes of JSON (padded with add-on ids). */
function profileOf(clientId: string, bytes: number): string {
  // Each id is 40 characters, 43 bytes in the list with its quotes and comma.
  const n = Math.max(0, Math.floor((bytes - 200) / 43));
  const ids = Array.from({ length: n }, (_, i) => `addon-${i}@example.com`.padEnd(40, 'x'));
  const base = { client_id: clientId, installed_addons: ids, locale: '' };
  const pad = bytes - JSON.stringify(base).length;
  const json = JSON.stringify({ ...base, locale: 'x'.repeat(pad) });
  assert.equal(json.length, bytes);
  return json;
}

describe('redis store: profile size limit', { timeout: 60_000 }, () => {
  let redis: RedisHandle;
  let fake: FakeRedis;
  before(async () => {
    redis = await startRedis();
    const admin = new Redis(redis.port, '127.0.0.1', { maxRetriesPerRequest: 0 });
    await admin
      .pipeline()
      .set(keys.current, '1')
      .set(keys.profile(1, 'small'), JSON.stringify(SMALL))
      .set(keys.profile(1, 'huge'), profileOf('huge', 30 * 1024 * 1024))
      .set(keys.profile(1, 'at-limit'), profileOf('at-limit', 4096))
      .set(keys.profile(1, 'over-limit'), profileOf('over-limit', 4097))
      .hset(keys.profile(1, 'a-hash'), 'installed_addons', '[]')
      .exec();
    await admin.quit();
    fake = await startFakeRedis({ upstream: redis.port });
  });
  after(async () => {
    await fake.close();
    await redis.stop();
  });

  it('a 30 MB profile fails its own read as RECSCORE_PROFILE_INVALID without being transferred', async () => {
    const store = new RedisProfileStore(fake.url, { prefix: keys.prefix, logger: quiet, commandTimeoutMs: 1000 });
    try {
      assert.deepEqual({ ...(await store.get('small')) }, SMALL);
      const before = fake.relayedBytes;
      const others = Array.from({ length: 20 }, () => store.get('small'));
      await assert.rejects(store.get('huge'), (e: any) => {
        assert.equal(e.code, 'RECSCORE_PROFILE_INVALID');
        assert.equal(e.details.field, '(size)');
        assert.equal(e.details.bytes, 30 * 1024 * 1024);
        assert.equal(e.details.limit, DEFAULT_MAX_PROFILE_BYTES);
        assert.match(e.message, /31457280 bytes, more than the limit of 65536/);
        return true;
      });
      for (const p of others) assert.deepEqual({ ...(await p) }, SMALL);
      const relayed = fake.relayedBytes - before;
      assert.ok(relayed < 64 * 1024, `${relayed} bytes crossed the wire for 21 reads`);
      assert.deepEqual({ ...(await store.get('small')) }, SMALL, 'the store still serves after it');
    } finally {
      await store.close();
    }
  });

  it('the limit is maxProfileBytes: a profile of exactly that size is served, one byte more is refused', async () => {
    const store = new RedisProfileStore(redis.url, { prefix: keys.prefix, logger: quiet, maxProfileBytes: 4096 });
    try {
      const at = await store.get('at-limit');
      assert.equal(at?.client_id, 'at-limit');
      await assert.rejects(
        store.get('over-limit'),
        (e: any) => e.code === 'RECSCORE_PROFILE_INVALID' && e.details.bytes === 4097,
      );
      assert.equal(await store.get('nobody'), null, 'a missing key is still "no profile"');
    } finally {
      await store.close();
    }
  });

  it('a hash under a profile key fails its own read as RECSCORE_PROFILE_INVALID, not as a store failure', async () => {
    const store = new RedisProfileStore(redis.url, { prefix: keys.prefix, logger: quiet });
    try {
      for (let i = 0; i < 3; i++) {
        await assert.rejects(
          store.get('a-hash'),
          (e: any) => e.code === 'RECSCORE_PROFILE_INVALID' && e.details.field === '(type)',
        );
      }
      assert.deepEqual({ ...(await store.get('small')) }, SMALL);
    } finally {
      await store.close();
    }
  });

  it('refuses a maxProfileBytes that is not a positive integer', () => {
    for (const v of [0, -1, 1.5]) {
      assert.throws(
        () => new RedisProfileStore(redis.url, { maxProfileBytes: v, logger: quiet }),
        (e: any) => {
          return e.code === 'RECSCORE_CONFIG' && /maxProfileBytes/.test(e.message);
        },
      );
    }
  });
});
