import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Prng } from '../../src/model/synth/index.js';

const draw = (p: Prng, n: number) => Array.from({ length: n }, () => p.nextU32());

test('same seed and stream give the same sequence; others differ', () => {
  assert.deepEqual(draw(new Prng(42, 'a'), 50), draw(new Prng(42, 'a'), 50));
  assert.notDeepEqual(draw(new Prng(42, 'a'), 50), draw(new Prng(43, 'a'), 50));
  assert.notDeepEqual(draw(new Prng(42, 'a'), 50), draw(new Prng(42, 'b'), 50));
  // seeds above 2^32 are not truncated
  assert.notDeepEqual(draw(new Prng(1, 'a'), 20), draw(new Prng(2 ** 32 + 1, 'a'), 20));
});

test('float is in [0, 1) with a uniform mean; normal has unit variance; int respects its bound', () => {
  const p = new Prng(1, 'stats');
  let sum = 0;
  let sq = 0;
  const n = 50_000;
  for (let i = 0; i < n; i++) {
    const u = p.float();
    assert.ok(u >= 0 && u < 1);
    sum += u;
    const z = p.normal();
    sq += z * z;
    const k = p.int(7);
    assert.ok(Number.isInteger(k) && k >= 0 && k < 7);
  }
  assert.ok(Math.abs(sum / n - 0.5) < 0.01);
  assert.ok(Math.abs(sq / n - 1) < 0.03);
});

test('shuffle is a permutation', () => {
  const xs = Array.from({ length: 100 }, (_, i) => i);
  const shuffled = new Prng(3).shuffle([...xs]);
  assert.notDeepEqual(shuffled, xs);
  assert.deepEqual(
    [...shuffled].sort((a, b) => a - b),
    xs,
  );
});
