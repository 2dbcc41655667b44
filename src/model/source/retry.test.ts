import assert from 'node:assert/strict';
import { test } from 'node:test';
import { backoffMs, withRetries } from './retry.js';

const policy = { attempts: 4, baseMs: 100, maxMs: 1000 };

test('backoff doubles per attempt, is capped, and jitters within [step/2, step]', () => {
  assert.equal(
    backoffMs(1, policy, () => 0),
    50,
  );
  assert.equal(
    backoffMs(1, policy, () => 1),
    100,
  );
  assert.equal(
    backoffMs(3, policy, () => 1),
    400,
  );
  assert.equal(
    backoffMs(10, policy, () => 0),
    500,
  );
  assert.equal(
    backoffMs(10, policy, () => 1),
    1000,
  );
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
  assert.equal(
    await withRetries(fast, { isTransient: () => true }, async (n) => {
      calls++;
      if (n < 2) throw new Error('once');
      return n;
    }),
    2,
  );
});

test('a permanent failure or an abort is not retried', { timeout: 5000 }, async () => {
  let calls = 0;
  await assert.rejects(
    withRetries(policy, { isTransient: () => false }, async () => {
      calls++;
      throw new Error('permanent');
    }),
    /permanent/,
  );
  assert.equal(calls, 1);
  const ac = new AbortController();
  const started = Date.now();
  setTimeout(() => ac.abort(), 20);
  await assert.rejects(
    withRetries(
      { attempts: 5, baseMs: 10_000, maxMs: 10_000 },
      { signal: ac.signal, isTransient: () => true },
      async () => {
        throw new Error('x');
      },
    ),
    { name: 'AbortError' },
  );
  assert.ok(Date.now() - started < 2000);
});
