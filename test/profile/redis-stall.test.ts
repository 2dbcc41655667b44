/**
 * Regression: after SIGSTOP/SIGCONT the profile breaker opened and kept personalised answers away. A
 * stopped process fires ioredis's command timeouts late; the store took each as a stalled server and
 * recycled its connection, so every read until the reconnect failed and counted against the breaker.
 * A timeout that fired far past its time is now the process's own stall: RECSCORE_STALLED, no recycle.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { createLogger } from '../../src/log.js';
import { redisKeys } from '../../src/profile/redis-keys.js';
import { RedisProfileStore } from '../../src/profile/redis-store.js';
import { startRedis, type RedisHandle } from '../helpers/redis-server.js';

const keys = redisKeys('stall-test:');
const PROFILE = { client_id: 'c1', installed_addons: ['a@b'] };
const quiet = createLogger({}, () => {});
const block = (ms: number) => {
  const end = performance.now() + ms;
  while (performance.now() < end);
};

describe('redis store: a stall of this process', { timeout: 60_000 }, () => {
  let redis: RedisHandle;
  before(async () => {
    redis = await startRedis();
    const admin = new Redis(redis.port, '127.0.0.1', { maxRetriesPerRequest: 0 });
    await admin.pipeline().set(keys.current, '1').set(keys.profile(1, 'c1'), JSON.stringify(PROFILE)).exec();
    await admin.quit();
  });
  after(async () => {
    await redis.stop();
  });

  it('a read whose timeout fires late is RECSCORE_STALLED and keeps the connection', async () => {
    const store = new RedisProfileStore(redis.url, { prefix: keys.prefix, logger: quiet, commandTimeoutMs: 50 });
    try {
      assert.deepEqual({ ...(await store.get('c1')) }, PROFILE);
      // The reply is held back (the server is stopped) while this process stalls for 250 ms: the read's
      // 50 ms timeout then fires ~200 ms late, as after a SIGSTOP of recscore itself.
      redis.signal('SIGSTOP');
      const pending = store.get('c1');
      await new Promise((r) => setTimeout(r, 10));
      block(250);
      await assert.rejects(pending, (e: { code?: string }) => e.code === 'RECSCORE_STALLED');
      redis.signal('SIGCONT');
      // The connection was not recycled: the very next read is answered, with no reconnect in between.
      assert.deepEqual({ ...(await store.get('c1')) }, PROFILE);
    } finally {
      await store.close();
    }
  });
});
