import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ClientSample } from './client-sample.js';
import { sampleRatioMismatch } from './tests.js';

describe('client sample for the sample-ratio check', () => {
  it('counts exactly below k, each client once however often it is added', () => {
    const s = new ClientSample(1_000);
    for (let rep = 0; rep < 3; rep++) for (let i = 0; i < 300; i++) s.add(`c${i}`, i % 3 === 0 ? 'a' : 'b');
    assert.equal(s.size, 300);
    assert.deepEqual(s.counts(['a', 'b', 'none']), [100, 200, 0]);
  });

  it('keeps k clients of a large population, an unbiased share of each variant', () => {
    const s = new ClientSample(5_000);
    // 200k clients, 30 % in `a`: a repeated client does not move the sample.
    for (let i = 0; i < 200_000; i++) s.add(`client-${i}`, i % 10 < 3 ? 'a' : 'b');
    for (let i = 0; i < 1_000; i++) s.add(`client-${i}`, i % 10 < 3 ? 'a' : 'b');
    const [a, b] = s.counts(['a', 'b']);
    assert.equal(a + b, 5_000);
    assert.ok(Math.abs(a / 5_000 - 0.3) < 0.025, `a share ${a / 5_000}`);
    // The check on the sample: a true 30/70 split is not flagged, the same clients against 50/50 are.
    assert.equal(sampleRatioMismatch([a, b], [3, 7])!.mismatch, false);
    assert.equal(sampleRatioMismatch([a, b], [1, 1])!.mismatch, true);
  });
});
