/**
 * The Redis store against its own redis-server: crash, absence at start, slowness and silence. Each case
 * must fail fast with RECSCORE_PROFILE_STORE and recover by itself when the server is back.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { createLogger } from '../../src/log.js';
import { redisKeys } from '../../src/profile/redis-keys.js';
import { RedisProfileStore, type RedisStoreOptions } from '../../src/profile/redis-store.js';
import { startDelayProxy } from '../helpers/delay-proxy.js';
import { startRedis, type RedisHandle } from '../helpers/redis-server.js';

const quiet = createLogger({}, () => {});
const keys = redisKeys('fault:');
const PROFILE = { client_id: 'c', installed_addons: ['a@x'] };

async function seed(port: number): Promise<void> {
  const admin = new Redis(port, '127.0.0.1', { maxRetriesPerRequest: 0, retryStrategy: () => null });
  admin.on('error', () => {});
  await admin.pipeline().set(keys.current, '1').set(keys.profile(1, 'c'), JSON.stringify(PROFILE)).exec();
  await admin.quit();
}

const storeOptions: RedisStoreOptions = {
  prefix: keys.prefix,
  commandTimeoutMs: 100,
  maxReconnectDelayMs: 100,
  logger: quiet,
};

async function timed<T>(p: Promise<T>): Promise<{ ms: number; value?: T; error?: any }> {
  const t0 = performance.now();
  try {
    const value = await p;
    return { ms: performance.now() - t0, value };
  } catch (error) {
    return { ms: performance.now() - t0, error };
  }
}

/** Polls get() until it returns the seeded profile; fails after `ms`. */
async function eventuallyServes(store: RedisProfileStore, ms: number): Promise<void> {
  const deadline = performance.now() + ms;
  for (;;) {
    const r = await timed(store.get('c'));
    if (r.value) return assert.deepStrictEqual({ ...r.value }, PROFILE);
    if (performance.now() > deadline)
      assert.fail(`store did not recover within ${ms} ms: ${r.error?.message ?? 'null'}`);
    await new Promise((res) => setTimeout(res, 25));
  }
}

function isStoreError(e: any): boolean {
  return e?.code === 'RECSCORE_PROFILE_STORE';
}

describe('redis store faults', { timeout: 30_000 }, () => {
  let redis: RedisHandle;
  before(async () => {
    redis = await startRedis();
  });
  after(async () => redis.stop());

  it('rejects fast once the server is killed, and serves again after a restart', async () => {
    await seed(redis.port);
    const store = new RedisProfileStore(redis.url, storeOptions);
    await eventuallyServes(store, 2000);
    redis.kill();
    // The first read may still be answered or may meet the dying connection; from the first failure on,
    // every read must fail at once instead of waiting for a timeout.
    let first = await timed(store.get('c'));
    for (let i = 0; first.value && i < 200; i++) {
      await new Promise((res) => setTimeout(res, 5));
      first = await timed(store.get('c'));
    }
    assert.ok(isStoreError(first.error), `first failure: ${first.error}`);
    for (let i = 0; i < 20; i++) {
      const r = await timed(store.get('c'));
      assert.ok(isStoreError(r.error), `read ${i} after the kill: ${r.error ?? 'resolved'}`);
      assert.ok(r.ms < 100, `read ${i} took ${r.ms.toFixed(1)} ms`);
    }
    await redis.restart();
    await seed(redis.port); // nothing is persisted: the restarted server is empty
    await eventuallyServes(store, 3000);
    await store.close();
  });

  it('constructed while the server is down: rejects fast, then connects by itself', async () => {
    await redis.stop();
    const store = new RedisProfileStore(redis.url, storeOptions);
    for (let i = 0; i < 5; i++) {
      const r = await timed(store.get('c'));
      assert.ok(isStoreError(r.error), String(r.error));
      assert.ok(r.ms < 250, `took ${r.ms.toFixed(1)} ms`);
    }
    await redis.restart();
    await seed(redis.port);
    await eventuallyServes(store, 3000);
    await store.close();
  });

  it(
    'a slow or silent server makes reads time out after commandTimeoutMs; the store recovers when it speaks ' + 'again',
    async () => {
      await seed(redis.port);
      const proxy = await startDelayProxy(redis.port);
      const store = new RedisProfileStore(`redis://127.0.0.1:${proxy.port}`, { ...storeOptions, generationCacheMs: 0 });
      try {
        await eventuallyServes(store, 2000);
        for (const fault of ['delay', 'blackhole'] as const) {
          if (fault === 'delay') proxy.setDelay(400);
          else proxy.blackhole(true);
          for (let i = 0; i < 3; i++) {
            const r = await timed(store.get('c'));
            assert.ok(isStoreError(r.error), `${fault}: ${r.error ?? 'resolved'}`);
            assert.ok(r.ms < 300, `${fault}: took ${r.ms.toFixed(1)} ms`);
          }
          proxy.setDelay(0);
          proxy.blackhole(false);
          await eventuallyServes(store, 3000);
        }
      } finally {
        await store.close();
        await proxy.close();
      }
    },
  );

  it('an abort signal rejects a read stuck on a silent server before its timeout', async () => {
    await seed(redis.port);
    const proxy = await startDelayProxy(redis.port);
    const store = new RedisProfileStore(`redis://127.0.0.1:${proxy.port}`, {
      ...storeOptions,
      commandTimeoutMs: 2000,
      generationCacheMs: 0,
    });
    try {
      await eventuallyServes(store, 2000);
      proxy.blackhole(true);
      const r = await timed(store.get('c', AbortSignal.timeout(50)));
      assert.equal(r.error?.code, 'RECSCORE_PROFILE_READ_ABORTED', String(r.error));
      assert.ok(r.ms < 500, `took ${r.ms.toFixed(1)} ms`);
    } finally {
      await store.close();
      await proxy.close();
    }
  });
});
