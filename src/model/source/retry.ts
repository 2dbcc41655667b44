/**
 * Bounded retries with exponential backoff and jitter. The GCS client's own retries are switched off
 * (`retryOptions.autoRetry: false`; its `maxRetries: 0` is ignored) because they cannot see our body
 * deadlines or hash checks; this wrapper retries whatever the caller calls transient.
 */
import { setTimeout as sleep } from 'node:timers/promises';

export interface RetryPolicy {
  /** Total tries, including the first (≥ 1). */
  attempts: number;
  baseMs: number;
  maxMs: number;
}

export interface RetryHooks {
  signal?: AbortSignal;
  isTransient(err: unknown): boolean;
  onRetry?(err: unknown, attempt: number, delayMs: number): void;
}

/**
 * "Equal jitter": half the exponential step is fixed, half random, so retries from many replicas spread
 * out yet never collapse to an immediate hammering retry.
 */
export function backoffMs(
  attempt: number,
  policy: Pick<RetryPolicy, 'baseMs' | 'maxMs'>,
  random: () => number = Math.random,
): number {
  const step = Math.min(policy.maxMs, policy.baseMs * 2 ** (attempt - 1));
  return Math.round(step / 2 + random() * (step / 2));
}

/** Runs `fn` until it succeeds, fails with a non-transient error, or `policy.attempts` are spent. */
export async function withRetries<T>(
  policy: RetryPolicy,
  hooks: RetryHooks,
  fn: (attempt: number) => Promise<T>,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    hooks.signal?.throwIfAborted();
    try {
      return await fn(attempt);
    } catch (err) {
      if (hooks.signal?.aborted || attempt >= policy.attempts || !hooks.isTransient(err)) throw err;
      const delay = backoffMs(attempt, policy);
      hooks.onRetry?.(err, attempt, delay);
      await sleep(delay, undefined, { signal: hooks.signal });
    }
  }
}
