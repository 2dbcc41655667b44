/**
 * A server that serves only fallbacks says so (issue 10 #1): the recent window of personalised vs
 * fallback answers, `/ready`'s `degraded` flag and the two gauges.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Hono } from 'hono';
import { createMetrics } from '../../src/metrics/registry.js';
import { ServingWindow } from '../../src/metrics/serving-window.js';
import type { ModelFacts } from '../../src/recommend/contracts.js';
import type { AppEnv } from '../../src/server/env.js';
import { registerHealthRoutes } from '../../src/server/routes/health.js';

describe('ServingWindow', () => {
  it('counts the last window only, and flags fallback-only serving', () => {
    const clock = { t: 100_000 };
    const w = new ServingWindow({ windowSeconds: 10, minAnswers: 3, now: () => clock.t });
    const idle = { personalised: 0, fallback: 0, onlyFallbacks: false };
    assert.deepEqual(w.snapshot(), { ...idle, secondsSincePersonalised: undefined });
    w.record(true);
    clock.t += 2_000;
    w.record(false);
    w.record(false);
    w.record(false);
    assert.deepEqual(w.snapshot(), { personalised: 1, fallback: 3, secondsSincePersonalised: 2, onlyFallbacks: false });
    clock.t += 9_000; // the personalised answer left the window; the fallbacks did not
    assert.equal(w.snapshot().personalised, 0);
    assert.equal(w.snapshot().onlyFallbacks, true);
    assert.equal(w.snapshot().secondsSincePersonalised, 11);
    clock.t += 10_000; // an idle window says nothing either way
    assert.deepEqual(w.snapshot(), { ...idle, secondsSincePersonalised: 21 });
    w.record(true);
    assert.equal(w.snapshot().secondsSincePersonalised, 0);
  });
});

describe('/ready and /metrics report fallback-only serving', () => {
  const facts = { version: 'v1' } as ModelFacts;
  it('stays ready, with degraded: true and the counts; the gauges follow', async () => {
    const metrics = createMetrics();
    const app = new Hono<AppEnv>();
    registerHealthRoutes(
      app,
      () => facts,
      () => true,
      metrics,
    );
    const ready = async () => {
      const res = await app.request('/ready');
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };
    const gauge = async (name: string) =>
      Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(await metrics.registry.metrics())?.[1]);

    const serving = { personalised: 0, fallback: 0, seconds_since_personalised: null };
    assert.deepEqual(await ready(), { status: 200, body: { ready: true, model_version: 'v1', serving } });
    assert.equal(await gauge('recscore_recommend_seconds_since_personalised'), -1);
    for (let i = 0; i < 20; i++) metrics.serving.record(false);
    const stuck = await ready();
    assert.equal(stuck.status, 200, 'fallbacks are still answers: the instance stays in the balancer');
    assert.equal(stuck.body.degraded, true);
    assert.match(String(stuck.body.reason), /fallbacks/);
    assert.equal(await gauge('recscore_recommend_personalised_ratio'), 0);
    metrics.serving.record(true);
    const back = await ready();
    assert.equal(back.body.degraded, undefined);
    assert.deepEqual((back.body.serving as Record<string, unknown>).personalised, 1);
    assert.ok(Math.abs((await gauge('recscore_recommend_personalised_ratio')) - 1 / 21) < 1e-9);
    assert.ok((await gauge('recscore_recommend_seconds_since_personalised')) < 1);
  });
});
