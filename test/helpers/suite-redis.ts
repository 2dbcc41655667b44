/**
 * The Redis on 127.0.0.1:6379 for a suite that writes under its own key prefix: a client made before the
 * suite and, after it, exactly the keys under `prefix` deleted (never another test's or a user's) and the
 * client closed. Call it inside `describe()`; it returns the client for the tests that read keys directly.
 */
import { after, before } from 'node:test';
import { Redis } from 'ioredis';

export function suiteRedis(prefix: string): () => Redis {
  let redis: Redis | undefined;
  before(() => {
    redis = new Redis({ host: '127.0.0.1', port: 6379, lazyConnect: true, maxRetriesPerRequest: 1 });
  });
  after(async () => {
    if (!redis) return;
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length) await redis.del(...keys);
    await redis.quit();
  });
  return () => {
    if (!redis) throw new Error('suiteRedis: the client exists only while the suite runs');
    return redis;
  };
}
