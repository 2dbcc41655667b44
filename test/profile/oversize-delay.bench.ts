/**
 * Event-loop delay and other clients' read latency while one client's stored profile is 30 MB (issue 10 #6).
 * Not a test (timings are machine figures): run `node dist/test/profile/oversize-delay.bench.js`.
 *
 *   whole   the read as the store did it before the size limit: GET the value, JSON.parse, validate
 *   capped  RedisProfileStore.get (Lua STRLEN check: the value stays in Redis)
 *
 * Each round starts 50 reads of a small profile together with one read of the big one, and records
 * perf_hooks.monitorEventLoopDelay (10 ms resolution is too coarse: 1 ms) and the small reads' latency.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Redis } from 'ioredis';
import { createLogger } from '../../src/log.js';
import { redisKeys } from '../../src/profile/redis-keys.js';
import { RedisProfileStore } from '../../src/profile/redis-store.js';
import { parseClientInfo } from '../../src/profile/validate.js';
import { startRedis } from '../helpers/redis-server.js';

const ROUNDS = 10;
const SMALL_READS = 50;
const keys = redisKeys('oversize-bench:');

function ms(ns: number): string {
  return (ns / 1e6).toFixed(1);
}

async function measure(name: string, big: () => Promise<unknown>, small: () => Promise<unknown>): Promise<void> {
  const smallMs: number[] = [];
  const h = monitorEventLoopDelay({ resolution: 1 });
  h.enable();
  for (let r = 0; r < ROUNDS; r++) {
    const timed = Array.from({ length: SMALL_READS }, async () => {
      const t0 = performance.now();
      await small();
      smallMs.push(performance.now() - t0);
    });
    await Promise.all([big().catch(() => {}), ...timed]);
  }
  h.disable();
  smallMs.sort((a, b) => a - b);
  const p99 = smallMs[Math.floor(smallMs.length * 0.99)];
  console.log(
    `${name.padEnd(7)} loop delay max ${ms(h.max)} ms, p99 ${ms(h.percentile(99))} ms | ` +
      `small reads p50 ${smallMs[smallMs.length >> 1].toFixed(2)} ms, p99 ${p99.toFixed(2)} ms, ` +
      `max ${smallMs.at(-1)!.toFixed(2)} ms`,
  );
}

const redis = await startRedis();
const admin = new Redis(redis.port, '127.0.0.1', { maxRetriesPerRequest: 0 });
const huge = JSON.stringify({
  client_id: 'big',
  installed_addons: Array.from({ length: 750_000 }, (_, i) => `addon-${i}@example.com`.padEnd(40, 'x')),
});
await admin
  .pipeline()
  .set(keys.current, '1')
  .set(keys.profile(1, 'small'), '{"installed_addons":["a@x"]}')
  .set(keys.profile(1, 'big'), huge)
  .exec();
console.log(
  `big profile: ${(huge.length / 2 ** 20).toFixed(1)} MiB; ${ROUNDS} rounds of 1 big + ${SMALL_READS} small reads`,
);

const plain = new Redis(redis.port, '127.0.0.1', { maxRetriesPerRequest: 0 });
await measure(
  'whole',
  async () => parseClientInfo(JSON.parse((await plain.get(keys.profile(1, 'big')))!), 'big'),
  async () => parseClientInfo(JSON.parse((await plain.get(keys.profile(1, 'small')))!), 'small'),
);
const store = new RedisProfileStore(redis.url, {
  prefix: keys.prefix,
  commandTimeoutMs: 5000,
  logger: createLogger({}, () => {}),
});
await store.get('small');
await measure(
  'capped',
  () => store.get('big'),
  () => store.get('small'),
);

await store.close();
plain.disconnect();
admin.disconnect();
await redis.stop();
