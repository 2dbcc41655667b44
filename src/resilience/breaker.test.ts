import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createLogger } from '../log.js';
import { createMetrics } from '../metrics/registry.js';
import { createBreaker, isBreakerOpen } from './breaker.js';

function setup(counts?: (e: unknown) => boolean) {
  const logs: Array<Record<string, unknown>> = [];
  const metrics = createMetrics();
  const breaker = createBreaker(
    { name: 'dep', failures: 3, halfOpenAfterMs: 50, counts },
    { log: createLogger({}, (l) => logs.push(JSON.parse(l))), metrics },
  );
  return { breaker, logs, metrics };
}
const fail = () => Promise.reject(new Error('down'));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const gauge = async (m: ReturnType<typeof createMetrics>) =>
  (await m.breakerState.get()).values.find((v) => v.labels.breaker === 'dep')?.value;

describe('createBreaker', () => {
  it('opens after N consecutive failures, rejects at once while open, probes once, closes on success', async () => {
    const { breaker, logs, metrics } = setup();
    assert.equal(await gauge(metrics), 0);
    for (let i = 0; i < 3; i++) await assert.rejects(breaker.run(fail), /down/);
    assert.equal(breaker.state, 'open');
    assert.equal(await gauge(metrics), 2);
    let called = false;
    await assert.rejects(
      breaker.run(async () => (called = true)),
      isBreakerOpen,
    );
    assert.equal(called, false);
    await sleep(60);
    let release!: () => void;
    const probe = breaker.run(() => new Promise<string>((r) => (release = () => r('ok'))));
    assert.equal(breaker.state, 'half-open');
    await assert.rejects(
      breaker.run(async () => 'second'),
      isBreakerOpen,
      'one probe only',
    );
    release();
    assert.equal(await probe, 'ok');
    assert.equal(breaker.state, 'closed');
    assert.equal(await gauge(metrics), 0);
    assert.deepEqual(
      logs.map((l) => l.state),
      ['open', 'half-open', 'closed'],
    );
    assert.equal(logs[0].level, 'warn');
  });

  it('a failed probe opens it again', async () => {
    const { breaker } = setup();
    for (let i = 0; i < 3; i++) await assert.rejects(breaker.run(fail));
    await sleep(60);
    await assert.rejects(breaker.run(fail), /down/);
    assert.equal(breaker.state, 'open');
  });

  it('errors that do not count pass through and do not open it', async () => {
    const { breaker } = setup((e) => (e as Error).message !== 'bad data');
    for (let i = 0; i < 10; i++)
      await assert.rejects(
        breaker.run(() => Promise.reject(new Error('bad data'))),
        /bad data/,
      );
    assert.equal(breaker.state, 'closed');
    await assert.rejects(breaker.run(fail));
    await assert.rejects(breaker.run(fail));
    assert.equal(await breaker.run(async () => 1), 1, 'a success resets the count');
    await assert.rejects(breaker.run(fail));
    assert.equal(breaker.state, 'closed');
  });
});
