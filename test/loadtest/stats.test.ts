import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { median, percentile, SampleBuffer, summarize } from '../../loadtest/stats.js';

describe('load-test statistics', () => {
  it('percentile is nearest-rank: a value some request really had', () => {
    const s = [1, 2, 3, 4];
    assert.equal(percentile(s, 0.5), 2);
    assert.equal(percentile(s, 0.75), 3);
    assert.equal(percentile(s, 0.99), 4);
    assert.equal(percentile(s, 1), 4);
    assert.equal(percentile(s, 0), 1);
    assert.ok(Number.isNaN(percentile([], 0.5)));
  });

  it('p99 of 1..1000 is 990 and p99.9 is 999', () => {
    const s = Float64Array.from({ length: 1000 }, (_, i) => i + 1);
    const sum = summarize(s);
    assert.equal(sum.count, 1000);
    assert.equal(sum.p50, 500);
    assert.equal(sum.p90, 900);
    assert.equal(sum.p99, 990);
    assert.equal(sum.p999, 999);
    assert.equal(sum.max, 1000);
    assert.equal(sum.mean, 500.5);
  });

  it('keeps sub-millisecond resolution (autocannon rounds to whole ms)', () => {
    const b = new SampleBuffer();
    for (const v of [0.25, 0.5, 0.125]) b.push(v);
    assert.deepEqual([...b.sorted()], [0.125, 0.25, 0.5]);
    assert.equal(summarize(b.sorted()).p50, 0.25);
  });

  it('the sample buffer grows past its initial capacity and sorts numerically', () => {
    const b = new SampleBuffer();
    for (let i = 10_000; i > 0; i--) b.push(i / 10);
    assert.equal(b.length, 10_000);
    const s = b.sorted();
    assert.equal(s[0], 0.1);
    assert.equal(s[9_999], 1000);
    assert.equal(s[1], 0.2); // numeric, not lexicographic order
  });

  it('median of odd and even counts, unsorted input', () => {
    assert.equal(median([3, 1, 2]), 2);
    assert.equal(median([4, 1, 3, 2]), 2.5);
    assert.ok(Number.isNaN(median([])));
  });
});
