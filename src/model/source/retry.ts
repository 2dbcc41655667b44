/**
 * Bounded retries with exponential backoff and jitter, on cockatiel's retry policy. The GCS client's own
 * retries are switched off (`retryOptions.autoRetry: false`; its `maxRetries: 0` is ignored) because they
 * cannot see our body deadlines or hash checks; this wrapper retries whatever the caller calls transient.
 */
import { ExponentialBackoff, halfJitterGenerator, handleWhen, retry } from 'cockatiel';
import { abortable } from '../../deadline.js';

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
 * Runs `fn` until it succeeds, fails with a non-transient error, or `policy.attempts` are spent; an abort
 * rejects at once with the signal's reason, also during a backoff (cockatiel 3's delay does not watch the
 * signal: its timer runs out on its own, and the next try, if any, sees the aborted signal and stops).
 * Delays: "equal jitter" (half the exponential step fixed, half random), so retries from many replicas
 * spread out yet never collapse to an immediate hammering retry.
 */
export async function withRetries<T>(
  policy: RetryPolicy,
  hooks: RetryHooks,
  fn: (attempt: number) => Promise<T>,
): Promise<T> {
  const { signal, onRetry } = hooks;
  signal?.throwIfAborted();
  const backoff = new ExponentialBackoff({
    initialDelay: policy.baseMs,
    maxDelay: policy.maxMs,
    generator: halfJitterGenerator,
  });
  const transient = handleWhen((err) => !signal?.aborted && hooks.isTransient(err));
  const retrying = retry(transient, { maxAttempts: policy.attempts - 1, backoff });
  const listener = onRetry && retrying.onRetry((r) => onRetry('error' in r ? r.error : r.value, r.attempt, r.delay));
  try {
    const run = retrying.execute(({ attempt }) => (signal?.throwIfAborted(), fn(attempt + 1)), signal);
    return await abortable(run, signal);
  } finally {
    listener?.dispose();
  }
}
