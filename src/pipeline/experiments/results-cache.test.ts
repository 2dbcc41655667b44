import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ResultsCache } from './results-cache.js';

describe('experiment results cache', () => {
  const setup = (ttlMs: number, maxEntries: number) => {
    let now = 1_000;
    let computed = 0;
    const cache = new ResultsCache<number>({ ttlMs, maxEntries, now: () => now });
    const compute = () => Promise.resolve(++computed);
    return { cache, compute, tick: (ms: number) => (now += ms), computed: () => computed };
  };
  const config = {};

  it('reuses an answer for its ttl, then computes afresh; age says how old it is', async () => {
    const s = setup(30_000, 10);
    assert.deepEqual(await s.cache.get('k', config, s.compute), { value: 1, age: 0 });
    s.tick(29_999);
    assert.deepEqual(await s.cache.get('k', config, s.compute), { value: 1, age: 29_999 });
    s.tick(1);
    assert.deepEqual(await s.cache.get('k', config, s.compute), { value: 2, age: 0 });
    assert.equal(s.computed(), 2);
  });

  it('another experiment configuration (a reload) computes afresh', async () => {
    const s = setup(30_000, 10);
    await s.cache.get('k', config, s.compute);
    assert.equal((await s.cache.get('k', {}, s.compute)).value, 2);
  });

  it('concurrent requests share one read; a failed read is not kept', async () => {
    const s = setup(30_000, 10);
    let release!: (n: number) => void;
    let calls = 0;
    const slow = () => {
      calls++;
      return new Promise<number>((r) => (release = r));
    };
    const a = s.cache.get('k', config, slow);
    const b = s.cache.get('k', config, slow);
    release(7);
    assert.deepEqual(
      (await Promise.all([a, b])).map((x) => x.value),
      [7, 7],
    );
    assert.equal(calls, 1);
    const failing = () => Promise.reject(new Error('store down'));
    await assert.rejects(s.cache.get('f', config, failing), /store down/);
    assert.equal((await s.cache.get('f', config, s.compute)).value, 1, 'the failure was not cached');
  });

  it('keeps at most maxEntries, the least recently used dropped first', async () => {
    const s = setup(30_000, 2);
    await s.cache.get('a', config, s.compute); // 1
    await s.cache.get('b', config, s.compute); // 2
    await s.cache.get('a', config, s.compute); // hit: a is now the most recent
    await s.cache.get('c', config, s.compute); // 3, drops b
    assert.equal(s.cache.size, 2);
    assert.equal((await s.cache.get('a', config, s.compute)).value, 1);
    assert.equal((await s.cache.get('b', config, s.compute)).value, 4, 'b was dropped');
  });

  it('ttl 0: no cache', async () => {
    const s = setup(0, 10);
    await s.cache.get('k', config, s.compute);
    assert.equal((await s.cache.get('k', config, s.compute)).value, 2);
    assert.equal(s.cache.size, 0);
  });
});
