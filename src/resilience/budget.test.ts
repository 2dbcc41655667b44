import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isTimeout, withBudget, withinBudget } from './budget.js';

const later = <T>(ms: number, v: T) => new Promise<T>((r) => setTimeout(() => r(v), ms));

describe('withBudget', () => {
  it('passes a result that arrives in time', async () => {
    assert.equal(await withBudget('s', 100, () => later(5, 42)), 42);
  });

  it('rejects with RECSCORE_TIMEOUT at the deadline, aborts the signal, swallows the late failure', async () => {
    let signal: AbortSignal | undefined;
    const unhandled: unknown[] = [];
    const onUnhandled = (e: unknown) => unhandled.push(e);
    process.on('unhandledRejection', onUnhandled);
    try {
      let finished = false;
      await assert.rejects(
        withBudget('profile', 20, (s) => {
          signal = s;
          return later(150, 0).then(() => {
            finished = true;
            return Promise.reject(new Error('late'));
          });
        }),
        (e) => isTimeout(e) && (e as { details: { stage: string } }).details.stage === 'profile',
      );
      assert.equal(finished, false, 'rejected before the stage settled');
      assert.equal(signal?.aborted, true);
      await later(200, 0);
      assert.equal(finished, true);
      assert.deepEqual(unhandled, []);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('a budget ≤ 0 times out without running the stage; a synchronous throw is a rejection', async () => {
    let ran = false;
    await assert.rejects(
      withBudget('s', 0, async () => (ran = true)),
      isTimeout,
    );
    assert.equal(ran, false);
    await assert.rejects(
      withBudget('s', 10, () => {
        throw new Error('sync');
      }),
      /sync/,
    );
  });
});

describe('withinBudget (work that cannot be cancelled)', () => {
  it('passes a result in time, times out at the deadline while the work keeps running', async () => {
    assert.equal(await withinBudget('scoring', 100, () => later(5, 7)), 7);
    let finished = false;
    const started = performance.now();
    await assert.rejects(
      withinBudget('scoring', 20, () => later(80, 0).then(() => (finished = true))),
      (e) => isTimeout(e) && (e as { details: { stage: string } }).details.stage === 'scoring',
    );
    assert.ok(performance.now() - started < 75, 'answered at the budget, not when the work ended');
    assert.equal(finished, false);
    await later(100, 0);
    assert.equal(finished, true);
  });
});
