import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createMetrics } from './registry.js';

const valueOf = async (text: Promise<string>, series: string) =>
  Number(new RegExp(`^${series.replace(/[{}"]/g, '\\$&')} (\\S+)$`, 'm').exec(await text)?.[1] ?? NaN);

describe('deferred counters', () => {
  it('counts of the request-path children show in /metrics and in get(), once each', async () => {
    const m = createMetrics();
    const ok = m.requestsBy.child('recommendations', 'GET', '200');
    assert.equal(m.requestsBy.child('recommendations', 'GET', '200'), ok, 'one child per combination');
    for (let i = 0; i < 5; i++) ok.inc();
    m.requestsBy.child('health', 'GET', '200').inc(2);
    m.servedBy.child('ensemble').inc();
    m.fallbacksBy.child('shed').inc();
    const total = 'recscore_http_requests_total{route="recommendations",method="GET",status="200"}';
    assert.equal(await valueOf(m.registry.metrics(), total), 5);
    assert.equal(await valueOf(m.registry.metrics(), total), 5, 'a second read adds nothing');
    ok.inc();
    const got = await m.httpRequests.get();
    const rec = got.values.find((v) => v.labels.route === 'recommendations');
    assert.equal(rec?.value, 6);
    assert.equal(got.values.find((v) => v.labels.route === 'health')?.value, 2);
    assert.equal(await valueOf(m.registry.metrics(), 'recscore_recommend_served_total{served_by="ensemble"}'), 1);
    assert.equal(await valueOf(m.registry.metrics(), 'recscore_fallback_total{reason="shed"}'), 1);
  });

  it('a label value never counted is not a series', async () => {
    const m = createMetrics();
    m.servedBy.child('global');
    assert.doesNotMatch(await m.registry.metrics(), /served_by="global"/);
  });
});
