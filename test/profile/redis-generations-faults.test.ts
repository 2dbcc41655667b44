/**
 * The generation writer (recscore profiles --info / --reset / load) against a Redis that answers SCAN
 * wrongly: a cursor handed back again used to loop for ever, and a reply of another shape threw a
 * TypeError. Both must end as RECSCORE_PROFILE_STORE.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { generationInfo, resetPrefix } from '../../src/profile/redis-generations.js';
import { bulk, handshake, startFakeRedis, type FakeRedis } from '../helpers/fake-redis.js';

describe('profile generations against bad SCAN replies', { timeout: 20_000 }, () => {
  let fake: FakeRedis;
  before(async () => {
    fake = await startFakeRedis();
  });
  after(async () => fake.close());

  const cases: Array<[string, string]> = [
    ['a cursor that never returns to 0', `*2\r\n${bulk('5')}*1\r\n${bulk('genfault:gen:1:p:a')}`],
    ['an integer instead of a page', ':7\r\n'],
    ['a page whose keys are not strings', `*2\r\n${bulk('0')}*1\r\n:1\r\n`],
  ];
  for (const [name, scanReply] of cases) {
    it(`${name}: --info and --reset fail with RECSCORE_PROFILE_STORE`, async () => {
      fake.respond(
        (c) =>
          handshake(c) ??
          (c[0].toUpperCase() === 'GET' ? bulk('1') : c[0].toUpperCase() === 'SCAN' ? scanReply : ':1\r\n'),
      );
      const redis = new Redis(fake.port, '127.0.0.1', { maxRetriesPerRequest: 0, retryStrategy: () => null });
      redis.on('error', () => {});
      try {
        for (const run of [() => generationInfo(redis, 'genfault:'), () => resetPrefix(redis, 'genfault:')]) {
          await assert.rejects(run(), (e: any) => e.code === 'RECSCORE_PROFILE_STORE' && /SCAN/.test(e.message));
        }
      } finally {
        redis.disconnect();
      }
    });
  }
});
