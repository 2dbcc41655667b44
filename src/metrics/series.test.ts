import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createMetrics } from './registry.js';
import { quantileMs, StatusSeries } from './series.js';

describe('quantileMs', () => {
  it('interpolates inside the bucket that holds the rank, as histogram_quantile', () => {
    // 10 observations ≤ 1 ms, 10 more in (1, 5] ms.
    const b: Array<[number, number]> = [
      [0.001, 10],
      [0.005, 20],
      [Number.POSITIVE_INFINITY, 20],
    ];
    assert.equal(quantileMs(b, 0.5), 1);
    assert.ok(Math.abs(quantileMs(b, 0.75) - 3) < 1e-9);
    assert.ok(Math.abs(quantileMs(b, 0.25) - 0.5) < 1e-9);
  });
  it('is NaN without observations, and the highest finite bound in +Inf', () => {
    assert.ok(Number.isNaN(quantileMs([[0.001, 0]], 0.5)));
    assert.equal(
      quantileMs(
        [
          [0.001, 0],
          [Number.POSITIVE_INFINITY, 4],
        ],
        0.99,
      ),
      1,
    );
  });
});

describe('StatusSeries', () => {
  it('turns the cumulative metrics into per-interval rates, quantiles and answers by label', async () => {
    const metrics = createMetrics();
    let now = 1_000_000;
    const series = new StatusSeries(metrics, { capacity: 3, now: () => now });
    await series.sample(); // baseline
    assert.equal(series.snapshot().t.length, 0);
    for (let i = 0; i < 4; i++) metrics.httpRequests.inc({ route: 'recommendations', method: 'GET', status: '200' });
    metrics.served.inc({ served_by: 'ensemble' }, 3);
    metrics.served.inc({ served_by: 'global' });
    metrics.fallbacks.inc({ reason: 'shed' });
    for (const s of [0.002, 0.002, 0.002, 0.2]) metrics.servedDuration.observe({ served_by: 'ensemble' }, s);
    now += 1000;
    await series.sample();
    let snap = series.snapshot();
    assert.deepEqual(snap.t, [1001]);
    assert.deepEqual(snap.requests_per_s, [4]);
    assert.deepEqual(snap.recommend_per_s, [4]);
    assert.deepEqual(snap.served_by, { ensemble: [3], global: [1] });
    assert.deepEqual(snap.reason, { shed: [1] });
    assert.ok(snap.p50_ms[0]! > 1 && snap.p50_ms[0]! <= 2.5, `p50 ${snap.p50_ms[0]}`);
    assert.ok(snap.p99_ms[0]! > 100 && snap.p99_ms[0]! <= 250, `p99 ${snap.p99_ms[0]}`);
    // Quiet seconds: zero rates, no latency; the ring keeps the last `capacity` samples in time order.
    for (let k = 0; k < 3; k++) {
      now += 1000;
      await series.sample();
    }
    snap = series.snapshot();
    assert.deepEqual(snap.t, [1002, 1003, 1004]);
    assert.deepEqual(snap.requests_per_s, [0, 0, 0]);
    assert.deepEqual(snap.p50_ms, [null, null, null]);
    assert.deepEqual(snap.served_by.ensemble, [0, 0, 0]);
    assert.deepEqual(series.totals().reason, { shed: 1 });
  });
  it("starts an unref'd timer once and stops it", () => {
    const series = new StatusSeries(createMetrics());
    series.start();
    series.start();
    series.stop();
  });
});
