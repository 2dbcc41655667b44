/**
 * MicroBatcher's scheduling rules, on an injected clock and a run function the test settles by hand:
 * no artificial delay, bounded queue, expired requests dropped, batches cut at the first deadline,
 * maxInflight respected, and an inflated cost estimate always recovers (issue 10 #1).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MicroBatcher, OUTLIER_FACTOR, type BatcherOptions } from '../../src/dispatch/batcher.js';
import { isRecscoreError } from '../../src/errors.js';

interface Call {
  items: number[];
  finish(computeMs?: number): Promise<void>;
}

/** One turn of the event loop: the batcher's setImmediate flush has run. */
const turn = () => new Promise<void>((r) => setImmediate(r));

function harness(opts: Partial<BatcherOptions> = {}) {
  const clock = { t: 1_000 };
  const calls: Call[] = [];
  let running = 0;
  let maxRunning = 0;
  const batcher = new MicroBatcher<number, number>(
    (items) =>
      new Promise((resolve) => {
        running++;
        maxRunning = Math.max(maxRunning, running);
        calls.push({
          items,
          finish: async (computeMs) => {
            running--;
            resolve({ outputs: items.map((x) => x * 10), computeMs });
            await turn();
            await turn();
          },
        });
      }),
    { maxBatch: 8, maxQueue: 100, maxInflight: 2, executors: 1, now: () => clock.t, ...opts },
  );
  return { clock, calls, batcher, maxRunning: () => maxRunning };
}

type Outcome = { value?: number; reason?: string };
function track(p: Promise<number>): Outcome {
  const o: Outcome = {};
  p.then(
    (v) => (o.value = v),
    (e: unknown) => (o.reason = isRecscoreError(e) ? String(e.details?.reason) : 'other'),
  );
  return o;
}

describe('MicroBatcher scheduling', () => {
  it('adds no artificial delay: a request is dispatched in the next turn of the event loop', async () => {
    const { calls, batcher, clock } = harness();
    const o = track(batcher.submit(1, clock.t + 25));
    assert.equal(calls.length, 0, 'not dispatched synchronously (requests of the same I/O phase join it)');
    await turn();
    assert.deepEqual(
      calls.map((c) => c.items),
      [[1]],
    );
    await calls[0].finish(0.1);
    assert.equal(o.value, 10);
  });

  it('groups the requests that arrive while every slot is busy into one batch', async () => {
    const { calls, batcher, clock } = harness({ maxInflight: 1 });
    track(batcher.submit(1, clock.t + 25));
    await turn();
    const waiting = [2, 3, 4].map((x) => track(batcher.submit(x, clock.t + 25)));
    await turn();
    assert.equal(calls.length, 1, 'the slot is busy: nothing else is dispatched');
    await calls[0].finish(0.1);
    assert.deepEqual(calls[1].items, [2, 3, 4]);
    await calls[1].finish(0.3);
    assert.deepEqual(
      waiting.map((o) => o.value),
      [20, 30, 40],
    );
  });

  it('sheds beyond maxQueue at once (reason shed)', async () => {
    const { calls, batcher, clock } = harness({ maxInflight: 1, maxQueue: 2 });
    track(batcher.submit(1, clock.t + 25));
    await turn();
    const queued = [track(batcher.submit(2, clock.t + 25)), track(batcher.submit(3, clock.t + 25))];
    const shed = track(batcher.submit(4, clock.t + 25));
    await turn();
    assert.equal(shed.reason, 'shed');
    assert.equal(batcher.queueDepth, 2);
    await calls[0].finish(0.1);
    await calls[1].finish(0.1);
    assert.deepEqual(
      queued.map((o) => o.value),
      [20, 30],
    );
  });

  it('drops requests whose deadline passed while they waited, without dispatching them', async () => {
    const { calls, batcher, clock } = harness({ maxInflight: 1 });
    track(batcher.submit(1, clock.t + 25));
    await turn();
    const late = track(batcher.submit(2, clock.t + 5));
    const inTime = track(batcher.submit(3, clock.t + 50));
    clock.t += 10;
    await calls[0].finish(0.1);
    assert.equal(late.reason, 'expired');
    assert.deepEqual(calls[1].items, [3]);
    await calls[1].finish(0.1);
    assert.equal(inTime.value, 30);
  });

  it('cuts a batch where its estimated finish would pass the first request deadline', async () => {
    const { calls, batcher, clock } = harness({ maxInflight: 2 });
    track(batcher.submit(0, clock.t + 25));
    await turn();
    await calls[0].finish(2); // 2 ms per request
    assert.equal(batcher.costPerRequestMs, 2);
    const outcomes = Array.from({ length: 10 }, (_, i) => track(batcher.submit(i + 1, clock.t + 7)));
    await turn();
    // 2, 4, 6 ms fit the 7 ms deadline; the 4th would finish at 8. The rest cannot finish in time behind
    // those three (the executor is busy, so no probe) and are answered at once.
    assert.deepEqual(calls[1].items, [1, 2, 3]);
    assert.equal(calls.length, 2);
    assert.deepEqual(
      outcomes.slice(3).map((o) => o.reason),
      Array(7).fill('expired'),
    );
    await calls[1].finish(6);
    assert.deepEqual(
      outcomes.slice(0, 3).map((o) => o.value),
      [10, 20, 30],
    );
  });

  it('never runs more than maxInflight batches at once', async () => {
    const { calls, batcher, clock, maxRunning } = harness({ maxInflight: 2, maxBatch: 1 });
    const outcomes = [1, 2, 3, 4, 5].map((x) => track(batcher.submit(x, clock.t + 1_000)));
    await turn();
    assert.equal(calls.length, 2);
    for (let i = 0; i < 5; i++) await calls[i].finish(0.1);
    assert.equal(maxRunning(), 2);
    assert.deepEqual(
      outcomes.map((o) => o.value),
      [10, 20, 30, 40, 50],
    );
  });
});

describe('MicroBatcher cost estimate recovers', () => {
  it('after a stall-inflated measurement, single requests are scored again (idle executor probes)', async () => {
    const { calls, batcher, clock } = harness();
    track(batcher.submit(1, clock.t + 25));
    await turn();
    // The process was stopped for 10 s while the batch ran: its wall-clock compute time is 10 s.
    await calls[0].finish(10_000);
    const cost = batcher.costPerRequestMs;
    assert.ok(cost <= 25, `a sample counts for at most the request's budget, got ${cost}`);
    const outcomes: Outcome[] = [];
    for (let i = 0; i < 20; i++) {
      clock.t += 50;
      const o = track(batcher.submit(100 + i, clock.t + 25));
      outcomes.push(o);
      await turn();
      assert.equal(calls.length, 2 + i, `request ${i} after the stall is dispatched`);
      await calls[1 + i].finish(0.1);
    }
    assert.ok(
      outcomes.every((o) => o.value !== undefined),
      JSON.stringify(outcomes),
    );
    assert.ok(batcher.costPerRequestMs < 1, `estimate back near the real cost, got ${batcher.costPerRequestMs}`);
    // and concurrent requests share a batch again instead of being refused
    const burst = [1, 2, 3, 4].map((x) => track(batcher.submit(x, clock.t + 25)));
    await turn();
    assert.deepEqual(calls[21].items, [1, 2, 3, 4]);
    await calls[21].finish(0.4);
    assert.deepEqual(
      burst.map((o) => o.value),
      [10, 20, 30, 40],
    );
  });

  it('a single outlier raises a measured estimate at most OUTLIER_FACTOR-fold', async () => {
    const { calls, batcher, clock } = harness();
    track(batcher.submit(1, clock.t + 1_000));
    await turn();
    await calls[0].finish(0.1);
    track(batcher.submit(2, clock.t + 1_000));
    await turn();
    await calls[1].finish(900);
    assert.ok(batcher.costPerRequestMs <= 0.1 * OUTLIER_FACTOR + 1e-9, `got ${batcher.costPerRequestMs}`);
  });

  it('under load, an inflated estimate comes down through probes and batches grow again', async () => {
    const { calls, batcher, clock } = harness({ maxInflight: 2 });
    track(batcher.submit(0, clock.t + 25));
    await turn();
    await calls[0].finish(25 * 8); // stalled: the bound keeps it at the budget
    let scored = 0;
    let refused = 0;
    // 8 requests arrive every ms; each run takes 0.1 ms per request of real compute
    for (let ms = 0; ms < 200; ms++) {
      clock.t += 1;
      for (let k = 0; k < 8; k++) {
        batcher.submit(k, clock.t + 25).then(
          () => scored++,
          () => refused++,
        );
      }
      await turn();
      const open = calls.filter((c) => !(c as Call & { done?: boolean }).done);
      for (const c of open) {
        (c as Call & { done?: boolean }).done = true;
        await c.finish(0.1 * c.items.length);
      }
    }
    const last = calls.slice(-5).map((c) => c.items.length);
    assert.ok(batcher.costPerRequestMs < 1, `estimate ${batcher.costPerRequestMs}`);
    assert.ok(
      last.every((n) => n >= 4),
      `late batches hold the waiting requests again: ${last}`,
    );
    assert.ok(scored > 0.9 * (scored + refused), `scored ${scored}, refused ${refused}`);
  });
});
