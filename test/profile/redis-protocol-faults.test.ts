/**
 * The Redis store against a server that breaks the protocol (test/helpers/fake-redis.ts). Before the reply
 * guard, each of the first two cases ended the process with ioredis' `TypeError … reading 'toString'`.
 * Every case must leave the process alive, fail the read as RECSCORE_PROFILE_STORE (never hang past the
 * command timeout, never resolve another key's value) and rebuild the connection; the last one checks that
 * a well-behaved server is served again on the rebuilt connection.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { createLogger } from '../../src/log.js';
import { redisKeys } from '../../src/profile/redis-keys.js';
import { RedisProfileStore, type RedisStoreOptions } from '../../src/profile/redis-store.js';
import { bulk, handshake, startFakeRedis, type FakeRedis, type Responder } from '../helpers/fake-redis.js';
import { startRedis, type RedisHandle } from '../helpers/redis-server.js';

const quiet = createLogger({}, () => {});
const keys = redisKeys('protofault:');
const PROFILE = { client_id: 'c', installed_addons: ['a@x'] };
const storeOptions: RedisStoreOptions = {
  prefix: keys.prefix,
  commandTimeoutMs: 150,
  maxReconnectDelayMs: 50,
  logger: quiet,
};

async function attempt<T>(p: Promise<T>): Promise<{ ms: number; value?: T; error?: any }> {
  const t0 = performance.now();
  try {
    return { ms: performance.now() - t0, value: await p };
  } catch (error) {
    return { ms: performance.now() - t0, error };
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A responder that answers the handshake like redis, `current` with generation 1, and the rest with `rest`. */
function withHandshake(rest: (command: string[]) => string | null): Responder {
  return (c) => handshake(c) ?? (c[0].toUpperCase() === 'GET' ? bulk('1') : rest(c));
}

/** Reads until `n` failures were seen; each must be a store error, within the command timeout plus a margin. */
async function failsAsStoreError(store: RedisProfileStore, n = 3): Promise<void> {
  let failures = 0;
  for (let i = 0; failures < n && i < 50; i++) {
    const r = await attempt(store.get('c'));
    if (r.error) {
      assert.equal(r.error.code, 'RECSCORE_PROFILE_STORE', String(r.error));
      failures += 1;
    } else {
      assert.equal(r.value, null, 'only "no profile" may be answered before the fault is seen');
    }
    assert.ok(r.ms < 1000, `read ${i} took ${r.ms.toFixed(0)} ms`);
    await sleep(20);
  }
  assert.equal(failures, n, 'reads failed');
}

describe('redis store against protocol faults', { timeout: 60_000 }, () => {
  let redis: RedisHandle;
  let fake: FakeRedis;
  before(async () => {
    redis = await startRedis();
    const admin = new Redis(redis.port, '127.0.0.1', { maxRetriesPerRequest: 0 });
    await admin.pipeline().set(keys.current, '1').set(keys.profile(1, 'c'), JSON.stringify(PROFILE)).exec();
    await admin.quit();
    fake = await startFakeRedis({ upstream: redis.port });
  });
  after(async () => {
    await fake.close();
    await redis.stop();
  });

  const cases: Array<[string, Responder]> = [
    ['two nil replies to every command, handshake included ($-1 $-1)', () => '$-1\r\n$-1\r\n'],
    ['two nil replies to every command after a normal handshake', withHandshake(() => '$-1\r\n$-1\r\n')],
    ['an unknown reply type', withHandshake(() => '%1\r\n+a\r\n+b\r\n')],
    ['garbage bytes', withHandshake(() => 'hello there\r\n\x00\xff')],
    [
      'a huge bulk length followed by a stream of bytes',
      withHandshake(() => `$99999999999\r\n${'x'.repeat(256 * 1024)}`),
    ],
    ['an integer where a string belongs', (c) => handshake(c) ?? ':42\r\n'],
    [
      'a reply naming another key',
      withHandshake(() => `*3\r\n${bulk('protofault:gen:1:p:other')}${bulk('value')}${bulk('{}')}`),
    ],
    [
      'a server that closes the connection in the middle of a reply',
      (c, sock) =>
        handshake(c) ??
        (c[0].toUpperCase() === 'GET' ? bulk('1') : (setImmediate(() => sock.destroy()), '$100\r\nabc')),
    ],
  ];
  for (const [name, responder] of cases) {
    it(`${name}: reads fail as store errors, the process lives, the connection is rebuilt`, async () => {
      fake.respond(responder);
      const before = fake.accepted;
      const store = new RedisProfileStore(fake.url, { ...storeOptions, generationCacheMs: 0 });
      try {
        await failsAsStoreError(store);
        // At least one rebuild after the first connection (ioredis reconnects; the fake counts accepts).
        const deadline = Date.now() + 2000;
        while (fake.accepted - before < 2 && Date.now() < deadline) await sleep(20);
        assert.ok(fake.accepted - before >= 2, `connections accepted: ${fake.accepted - before}`);
      } finally {
        await store.close();
      }
    });
  }

  it('a huge bulk reply is cut off at maxReplyBytes instead of being buffered until the timeout', async () => {
    let sent = 0;
    // Answers the profile read with a bulk of 100 GB declared length and streams 64 KiB chunks of it.
    fake.respond((c, sock) => {
      const h = handshake(c) ?? (c[0].toUpperCase() === 'GET' ? bulk('1') : null);
      if (h !== null) return h;
      const pump = setInterval(() => {
        if (sock.destroyed) return clearInterval(pump);
        sock.write(Buffer.alloc(64 * 1024, 0x78));
        sent += 64 * 1024;
      }, 1);
      return '$99999999999\r\n';
    });
    const store = new RedisProfileStore(fake.url, {
      ...storeOptions,
      commandTimeoutMs: 5000,
      generationCacheMs: 0,
      maxProfileBytes: 1024,
    });
    try {
      const r = await attempt(store.get('c'));
      assert.equal(r.error?.code, 'RECSCORE_PROFILE_STORE', String(r.error ?? r.value));
      assert.ok(r.ms < 2000, `took ${r.ms.toFixed(0)} ms: the client waited for the timeout`);
      assert.ok(sent < 4 * 1024 * 1024, `${sent} bytes were sent before the client hung up`);
    } finally {
      await store.close();
    }
  });

  it(
    'a server that breaks the protocol at every read is reconnected to with a growing backoff, not at 50 ' + 'ms',
    async () => {
      fake.respond(withHandshake(() => '$-1\r\n$-1\r\n'));
      const store = new RedisProfileStore(fake.url, {
        ...storeOptions,
        generationCacheMs: 0,
        maxReconnectDelayMs: 800,
      });
      try {
        await sleep(200);
        const before = fake.accepted;
        const end = Date.now() + 2000;
        while (Date.now() < end) {
          await attempt(store.get('c'));
          await sleep(10);
        }
        // 50, 100, 200, 400, 800, 800 ms…: about 6 connections in 2 s (29 measured at 50 ms each).
        assert.ok(fake.accepted - before <= 12, `${fake.accepted - before} connections in 2 s`);
        assert.ok(fake.accepted - before >= 1, 'it still reconnects');
      } finally {
        await store.close();
      }
    },
  );

  it('one extra nil reply injected while idle drops the connection; reads are served again after it', async () => {
    fake.relay();
    const store = new RedisProfileStore(fake.url, { ...storeOptions, generationCacheMs: 0 });
    try {
      await eventually(async () => assert.deepEqual({ ...(await store.get('c')) }, PROFILE));
      const before = fake.accepted;
      for (let i = 0; i < 3; i++) {
        fake.inject('$-1\r\n');
        await sleep(100);
      }
      assert.ok(fake.accepted > before, 'the client reconnected');
      await eventually(async () => assert.deepEqual({ ...(await store.get('c')) }, PROFILE));
    } finally {
      await store.close();
    }
  });
});

async function eventually(check: () => Promise<void>, ms = 3000): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      return await check();
    } catch (e) {
      if (Date.now() > deadline) throw e;
      await sleep(25);
    }
  }
}
