import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { HLL_REGISTERS, HLL_STANDARD_ERROR } from '../../src/events/hll/estimate.js';
import { murmur64a, REDIS_HLL_SEED } from '../../src/events/hll/murmur64a.js';
import { decodeRedisHll } from '../../src/events/hll/redis-format.js';
import { HllSketch, positionOf, positionOfHash } from '../../src/events/hll/sketch.js';

// MurmurHash64A transcribed literally with BigInt: the reference for the 32-bit-halves version.
function murmurBig(data: Uint8Array, seed: number): bigint {
  const mask = (1n << 64n) - 1n;
  const m = 0xc6a4a7935bd1e995n;
  let h = (BigInt(seed) ^ ((BigInt(data.length) * m) & mask)) & mask;
  const blocks = data.length - (data.length & 7);
  for (let i = 0; i < blocks; i += 8) {
    let k = 0n;
    for (let j = 7; j >= 0; j--) k = (k << 8n) | BigInt(data[i + j]);
    k = (k * m) & mask;
    k ^= k >> 47n;
    k = (k * m) & mask;
    h ^= k;
    h = (h * m) & mask;
  }
  const rest = data.length & 7;
  if (rest) {
    for (let j = rest - 1; j >= 0; j--) h ^= BigInt(data[blocks + j]) << BigInt(8 * j);
    h = (h * m) & mask;
  }
  h ^= h >> 47n;
  h = (h * m) & mask;
  h ^= h >> 47n;
  return h;
}

function ids(n: number, tag: string): string[] {
  return Array.from({ length: n }, (_, i) => `${tag}-${i.toString(36)}`);
}

function sketchOf(list: string[]): HllSketch {
  const s = new HllSketch();
  for (const id of list) s.add(id);
  return s;
}

function assertWithin3Se(estimate: number, exact: number, what: string): void {
  const err = Math.abs(estimate - exact) / exact;
  assert.ok(
    err <= 3 * HLL_STANDARD_ERROR,
    `${what}: estimate ${estimate} vs ${exact} (${(err * 100).toFixed(2)} % off)`,
  );
}

describe('MurmurHash64A', () => {
  it('equals the BigInt transcription for every length 0..64 and random bytes', () => {
    let seed = 12345;
    const rnd = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 24;
    for (let len = 0; len <= 64; len++) {
      for (let t = 0; t < 20; t++) {
        const data = Uint8Array.from({ length: len }, rnd);
        const h = murmur64a(data, REDIS_HLL_SEED);
        const expect = murmurBig(data, REDIS_HLL_SEED);
        assert.equal((BigInt(h.hi) << 32n) | BigInt(h.lo), expect, `len ${len}`);
      }
    }
  });

  it('hashes only the first `len` bytes when given a length', () => {
    const data = Uint8Array.from({ length: 40 }, (_, i) => (i * 37) & 255);
    for (const len of [0, 7, 8, 23, 40]) {
      const h = murmur64a(data, REDIS_HLL_SEED, { hi: 0, lo: 0 }, len);
      assert.equal((BigInt(h.hi) << 32n) | BigInt(h.lo), murmurBig(data.subarray(0, len), REDIS_HLL_SEED));
    }
  });

  it('positionOf hashes the UTF-8 bytes of ASCII and non-ASCII ids alike', () => {
    const ids = [
      '',
      'a',
      '39f27049730188d1d21bf91aaf6c263cd6ac3d21e30aed0777c4f76c7a0a47e7',
      'client-é',
      'ß',
      '日本-1',
    ];
    for (const id of [...ids, 'x'.repeat(300) + 'é']) {
      const h = murmur64a(new TextEncoder().encode(id), REDIS_HLL_SEED);
      assert.equal(positionOf(id), positionOfHash(h.hi, h.lo), id.slice(0, 20));
    }
  });
});

describe('HyperLogLog sketch', () => {
  it('counts small sets exactly as the linear-counting regime should', () => {
    assert.equal(new HllSketch().count(), 0);
    assert.equal(sketchOf(['a']).count(), 1);
    assert.equal(sketchOf(['a', 'a', 'b']).count(), 2);
  });

  it('serializes to Redis dense bytes and back without losing a register', () => {
    const s = sketchOf(ids(30_000, 'ser'));
    const back = HllSketch.fromBytes(s.toBytes());
    assert.deepEqual(back.registers(), s.registers());
    assert.equal(back.count(), s.count());
  });

  it('rejects bytes that are not a Redis HLL string', () => {
    assert.throws(() => HllSketch.fromBytes(new Uint8Array([1, 2, 3])), { code: 'RECSCORE_BAD_SKETCH' });
    const dense = sketchOf(['x']).toBytes();
    assert.throws(() => HllSketch.fromBytes(dense.subarray(0, 100)), { code: 'RECSCORE_BAD_SKETCH' });
  });

  it('union = register max: the union counts each element once', () => {
    const a = sketchOf(ids(50_000, 'u'));
    const b = sketchOf(ids(50_000, 'u').slice(25_000).concat(ids(25_000, 'v')));
    assertWithin3Se(HllSketch.unionCount([a, b]), 75_000, 'union of overlapping sets'); // 50k u + 25k v
    assert.deepEqual(a.registers(), sketchOf(ids(50_000, 'u')).registers(), 'inputs unchanged');
  });
});

describe('HyperLogLog accuracy (within 3 standard errors = 2.43 %)', () => {
  for (const n of [10_000, 1_000_000]) {
    it(`single day of ${n.toLocaleString('en')} distinct ids`, () => {
      const s = new HllSketch();
      for (let i = 0; i < n; i++) s.add(`day-${i}`);
      assertWithin3Se(s.count(), n, `${n} ids`);
    });
  }

  it('union of 28 day sketches (40k ids a day, 70 % returning users)', () => {
    const days: HllSketch[] = [];
    const seen = new Set<number>();
    let next = 0;
    let pool: number[] = [];
    for (let d = 0; d < 28; d++) {
      const s = new HllSketch();
      const returning = pool.slice(0, 28_000);
      const fresh = Array.from({ length: 12_000 }, () => next++);
      const today = returning.concat(fresh);
      for (const u of today) {
        s.add(`user-${u}`);
        seen.add(u);
      }
      pool = today.slice(4_000).concat(today.slice(0, 4_000)); // rotate who returns
      days.push(s);
    }
    assertWithin3Se(HllSketch.unionCount(days), seen.size, '28-day union');
  });

  it('union across segments (locale sketches of one day)', () => {
    const locales = ['en-US', 'de', 'fr', 'es-ES', 'pt-BR', 'ja', 'ru'];
    const bySeg = locales.map(() => new HllSketch());
    const n = 300_000;
    for (let i = 0; i < n; i++) bySeg[i % 7 === 0 ? 0 : i % locales.length].add(`seg-${i}`);
    assertWithin3Se(HllSketch.unionCount(bySeg), n, 'segment union');
  });
});

describe('agrees with Redis (127.0.0.1:6379)', () => {
  const prefix = `recscore-test:hll:${process.pid}:`;
  let redis: Redis;
  before(async () => {
    redis = new Redis({ host: '127.0.0.1', port: 6379, lazyConnect: true, maxRetriesPerRequest: 1 });
    await redis.connect();
  });
  after(async () => {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length) await redis.del(...keys);
    await redis.quit();
  });

  async function pfadd(key: string, list: string[]): Promise<void> {
    for (let i = 0; i < list.length; i += 2000) await redis.pfadd(key, ...list.slice(i, i + 2000));
  }

  for (const n of [1, 37, 3_000, 200_000]) {
    it(`${n} ids: same registers (Redis ${n < 3_000 ? 'sparse' : 'dense'} encoding) and count = PFCOUNT`, async () => {
      const list = ids(n, `r${n}`).concat(['', 'ünïcödé', '{e2fda1a4-762b-4020-b5ad-a41df1933103}']);
      const key = `${prefix}${n}`;
      await pfadd(key, list);
      const ours = sketchOf(list);
      assert.equal(ours.count(), await redis.pfcount(key));
      const raw = await redis.getBuffer(key);
      assert.deepEqual(decodeRedisHll(new Uint8Array(raw!)), ours.registers());
    });
  }

  it('our serialized sketch is a valid Redis key; unions agree both ways', async () => {
    const a = ids(120_000, 'ua');
    const b = ids(90_000, 'ua').slice(60_000).concat(ids(70_000, 'ub'));
    await pfadd(`${prefix}a`, a);
    await redis.set(`${prefix}b`, Buffer.from(sketchOf(b).toBytes()));
    assert.equal(await redis.pfcount(`${prefix}b`), sketchOf(b).count());
    const union = HllSketch.unionCount([sketchOf(a), sketchOf(b)]);
    assert.equal(await redis.pfcount(`${prefix}a`, `${prefix}b`), union);
    await redis.pfmerge(`${prefix}m`, `${prefix}a`, `${prefix}b`);
    const merged = HllSketch.fromBytes(new Uint8Array((await redis.getBuffer(`${prefix}m`))!));
    assert.equal(merged.count(), union);
    assert.equal(merged.registers().length, HLL_REGISTERS);
  });
});
