import assert from 'node:assert/strict';
import { test } from 'node:test';
import { withRetries } from './retry.js';

test('backoff doubles from baseMs, is capped at maxMs, jitters in [step/2, step]', { timeout: 5000 }, async () => {
  const delays: Array<[number, number]> = [];
  const policy = { attempts: 6, baseMs: 4, maxMs: 16 };
  const onRetry = (_e: unknown, attempt: number, delayMs: number) => delays.push([attempt, delayMs]);
  const failing = async () => {
    throw new Error('x');
  };
  await assert.rejects(withRetries(policy, { isTransient: () => true, onRetry }, failing), /x/);
  assert.deepEqual(
    delays.map(([a]) => a),
    [1, 2, 3, 4, 5],
  );
  const steps = [4, 8, 16, 16, 16];
  delays.forEach(([, d], i) => {
    assert.ok(d >= steps[i] / 2 - 1 && d <= steps[i], `retry ${i + 1}: ${d} ms for step ${steps[i]}`);
  });
});

test('retries transient failures up to the bound, then throws the last error', { timeout: 5000 }, async () => {
  let calls = 0;
  const fast = { attempts: 3, baseMs: 1, maxMs: 2 };
  await assert.rejects(
    withRetries(fast, { isTransient: () => true }, async () => {
      calls++;
      throw new Error(`fail ${calls}`);
    }),
    /fail 3/,
  );
  assert.equal(calls, 3);
  calls = 0;
  const once = async (n: number) => {
    calls++;
    if (n < 2) throw new Error('once');
    return n;
  };
  assert.equal(await withRetries(fast, { isTransient: () => true }, once), 2);
  assert.equal(calls, 2);
});

test('a permanent failure is not retried; an abort in a long backoff rejects at once', { timeout: 5000 }, async () => {
  let calls = 0;
  const policy = { attempts: 4, baseMs: 100, maxMs: 1000 };
  const permanent = async () => {
    calls++;
    throw new Error('permanent');
  };
  await assert.rejects(withRetries(policy, { isTransient: () => false }, permanent), /permanent/);
  assert.equal(calls, 1);
  const ac = new AbortController();
  const started = Date.now();
  setTimeout(() => ac.abort(), 20);
  calls = 0;
  const slow = { attempts: 5, baseMs: 1_500, maxMs: 1_500 };
  await assert.rejects(
    withRetries(slow, { signal: ac.signal, isTransient: () => true }, async () => {
      calls++;
      throw new Error('x');
    }),
    { name: 'AbortError' },
  );
  assert.ok(Date.now() - started < 1000, `took ${Date.now() - started} ms`);
  assert.equal(calls, 1);
});
