import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { createLogger } from '../../src/log.js';
import { unlinkMatching } from '../../src/profile/redis-generations.js';
import { redisKeys } from '../../src/profile/redis-keys.js';
import { RedisProfileStore } from '../../src/profile/redis-store.js';
import { createProfileStore } from '../../src/profile/create-store.js';
import { runProfileStoreCases } from './store.case.js';

// The shared server; every key this file writes starts with ROOT and is deleted at the end.
const URL_6379 = 'redis://127.0.0.1:6379';
const ROOT = `recscore-test-${process.pid}-${randomBytes(4).toString('hex')}:`;
const quiet = createLogger({}, () => {});
const admin = new Redis(URL_6379, { lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => null });
admin.on('error', () => {});
let n = 0;

before(async () => admin.connect());
after(async () => {
  await unlinkMatching(admin, redisKeys(ROOT).everythingPattern);
  await admin.quit();
});

runProfileStoreCases('redis', {
  async create(records) {
    const keys = redisKeys(`${ROOT}${n++}:`);
    const pipe = admin.pipeline().set(keys.current, '1');
    for (const r of records) pipe.set(keys.profile(1, r.clientId), JSON.stringify(r.value));
    await pipe.exec();
    return new RedisProfileStore(URL_6379, { prefix: keys.prefix, logger: quiet });
  },
});

describe('redis store specifics', { timeout: 20_000 }, () => {
  it('is chosen by createProfileStore for a redis:// URL and does not throw when nothing listens', async () => {
    const store = await createProfileStore('redis://127.0.0.1:1', { logger: quiet });
    assert.equal(store.kind, 'redis');
    const t0 = performance.now();
    await assert.rejects(store.get('c'), (e: any) => e.code === 'RECSCORE_PROFILE_STORE');
    assert.ok(performance.now() - t0 < 500);
    await store.close();
  });

  it('answers null while no generation has been loaded', async () => {
    const store = new RedisProfileStore(URL_6379, { prefix: `${ROOT}empty:`, logger: quiet });
    assert.equal(await store.get('c'), null);
    await store.close();
  });

  it(
    'a value that is not JSON is RECSCORE_PROFILE_INVALID; a bad current generation is ' + 'RECSCORE_PROFILE_STORE',
    async () => {
      const keys = redisKeys(`${ROOT}garbage:`);
      await admin.pipeline().set(keys.current, '1').set(keys.profile(1, 'c'), '{oops').exec();
      const store = new RedisProfileStore(URL_6379, { prefix: keys.prefix, generationCacheMs: 0, logger: quiet });
      await assert.rejects(store.get('c'), (e: any) => e.code === 'RECSCORE_PROFILE_INVALID');
      await admin.set(keys.current, 'banana');
      await assert.rejects(
        store.get('c'),
        (e: any) => e.code === 'RECSCORE_PROFILE_STORE' && e.message.includes('banana'),
      );
      await store.close();
    },
  );

  it('reuses the cached generation, and re-checks it on a miss so a flip is never seen as absent', async () => {
    const keys = redisKeys(`${ROOT}flip:`);
    await admin.pipeline().set(keys.current, '1').set(keys.profile(1, 'c'), '{"installed_addons":["old"]}').exec();
    const store = new RedisProfileStore(URL_6379, { prefix: keys.prefix, generationCacheMs: 60_000, logger: quiet });
    assert.deepStrictEqual((await store.get('c'))?.installed_addons, ['old']);
    // Flip and delete the old generation behind the store's back: its cache still says generation 1.
    await admin
      .pipeline()
      .set(keys.profile(2, 'c'), '{"installed_addons":["new"]}')
      .set(keys.current, '2')
      .del(keys.profile(1, 'c'))
      .exec();
    assert.deepStrictEqual((await store.get('c'))?.installed_addons, ['new']);
    assert.equal(await store.get('never-stored'), null);
    await store.close();
  });

  it('refuses bad options and URLs with RECSCORE_CONFIG naming them', () => {
    assert.throws(
      () => new RedisProfileStore('http://127.0.0.1:6379'),
      (e: any) => e.code === 'RECSCORE_CONFIG',
    );
    assert.throws(
      () => new RedisProfileStore(URL_6379, { commandTimeoutMs: 0 }),
      (e: any) => e.code === 'RECSCORE_CONFIG' && e.message.includes('commandTimeoutMs'),
    );
    assert.throws(
      () => new RedisProfileStore(URL_6379, { prefix: '' }),
      (e: any) => e.message.includes('prefix'),
    );
  });
});
