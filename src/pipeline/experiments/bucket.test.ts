/** Property tests of experiment bucketing: stability, independence between salts, allocation, minimal movement. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { allocationPoint, bucketOf, pickByWeight } from './bucket.js';
import { sampleRatioMismatch, twoProportion, wilson, chiSquareP, normalCdf } from './tests.js';

const ids = (n: number) => Array.from({ length: n }, (_, i) => `client-${i.toString(16)}`);

describe('bucketing', () => {
  it('is stable: the same (salt, client) always gets the same bucket', () => {
    fc.assert(
      fc.property(
        fc.string(),
        fc.string({ minLength: 1 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (salt, id, alloc) => {
          const e = { salt, allocation: alloc, variants: [{ weight: 1 }, { weight: 2 }] };
          assert.equal(bucketOf(e, id), bucketOf(e, id));
          const p = allocationPoint(salt, id);
          assert.ok(p >= 0 && p < 1);
        },
      ),
    );
    // A fixed value: the same on every replica and across restarts (SHA-256, no process state).
    assert.equal(allocationPoint('salt-1', 'client-0'), allocationPoint('salt-1', 'client-0'));
    assert.equal(allocationPoint('salt-1', 'client-0').toFixed(12), '0.519708217945');
  });
  it('allocation is within 1 % on 100k ids, and variants follow their weights', () => {
    const all = ids(100_000);
    const e = { salt: 'alloc-test', allocation: 0.3, variants: [{ weight: 1 }, { weight: 3 }] };
    const counts = [0, 0];
    let inside = 0;
    for (const id of all) {
      const b = bucketOf(e, id);
      if (b >= 0) {
        inside++;
        counts[b]++;
      }
    }
    assert.ok(Math.abs(inside / all.length - 0.3) < 0.01, `allocated ${inside / all.length}`);
    assert.ok(Math.abs(counts[0] / inside - 0.25) < 0.01, `variant 0 share ${counts[0] / inside}`);
  });
  it('salts are independent: membership in one experiment says nothing of another', () => {
    const all = ids(100_000);
    let both = 0;
    let a = 0;
    let b = 0;
    for (const id of all) {
      const inA = allocationPoint('salt-a', id) < 0.5;
      const inB = allocationPoint('salt-b', id) < 0.5;
      if (inA) a++;
      if (inB) b++;
      if (inA && inB) both++;
    }
    // Independent: P(A and B) = P(A) P(B) within sampling error (σ ≈ 0.0014 at n = 100k).
    assert.ok(Math.abs(both / all.length - (a / all.length) * (b / all.length)) < 0.006);
  });
  it('growing the allocation moves the fewest clients: nobody leaves, nobody changes variant', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.array(fc.string({ minLength: 1 }), { minLength: 1, maxLength: 50 }),
        (x, y, clients) => {
          const [lo, hi] = x < y ? [x, y] : [y, x];
          const variants = [{ weight: 1 }, { weight: 1 }, { weight: 2 }];
          for (const id of clients) {
            const before = bucketOf({ salt: 'grow', allocation: lo, variants }, id);
            const after = bucketOf({ salt: 'grow', allocation: hi, variants }, id);
            if (before >= 0) assert.equal(after, before);
          }
        },
      ),
    );
    const all = ids(20_000);
    const variants = [{ weight: 1 }];
    let moved = 0;
    for (const id of all) {
      const a = bucketOf({ salt: 'grow', allocation: 0.2, variants }, id);
      const b = bucketOf({ salt: 'grow', allocation: 0.3, variants }, id);
      if (a !== b) moved++;
    }
    assert.ok(Math.abs(moved / all.length - 0.1) < 0.01, `moved ${moved / all.length}`);
  });
  it('pickByWeight never picks a variant of weight 0', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }), (p) => {
        assert.notEqual(pickByWeight([1, 0, 1], p), 1);
      }),
    );
  });
});

describe('result statistics', () => {
  it('normal CDF, Wilson interval, z-test and chi-square agree with known values', () => {
    assert.ok(Math.abs(normalCdf(1.959963984540054) - 0.975) < 1e-6);
    const [lo, hi] = wilson(50, 100)!;
    assert.ok(Math.abs(lo - 0.4038) < 1e-3 && Math.abs(hi - 0.5962) < 1e-3);
    const z = twoProportion(100, 1000, 130, 1000)!;
    assert.ok(Math.abs(z.z - 2.1027) < 1e-3, `z ${z.z}`);
    assert.ok(Math.abs(z.p_value - 0.0355) < 1e-3, `p ${z.p_value}`);
    assert.ok(Math.abs(chiSquareP(3.841458820694124, 1) - 0.05) < 1e-6);
    assert.ok(Math.abs(chiSquareP(5.991464547107979, 2) - 0.05) < 1e-6);
    assert.equal(sampleRatioMismatch([5000, 5030], [1, 1])!.mismatch, false);
    assert.equal(sampleRatioMismatch([5000, 5500], [1, 1])!.mismatch, true);
  });
});
