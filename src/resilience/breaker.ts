/**
 * A circuit breaker around one dependency (the profile store, the scorer).
 *
 * Why cockatiel (3.2.x): it runs on Node 20 (3.x; newer majors may not), its policies compose
 * (`wrap(…)`) if we ever add a retry or bulkhead, and it keeps no timers while idle — the open →
 * half-open step is a timestamp comparison on the next call, so an idle server does no work and tests
 * need no fake clock. The pieces recscore adds: one probe only (cockatiel queues callers behind a
 * half-open probe; we send them to the fallback instead, their budgets being a few ms), JSON logs and
 * the `recscore_breaker_state` gauge on every transition, and a filter of failures that do not count.
 */
import {
  BrokenCircuitError,
  circuitBreaker,
  CircuitState,
  ConsecutiveBreaker,
  handleWhen,
  isBrokenCircuitError,
  isIsolatedCircuitError,
  SamplingBreaker,
} from 'cockatiel';
import type { Logger } from '../log.js';
import type { BreakerStateName, Metrics } from '../metrics/registry.js';

export interface BreakerOptions {
  name: string;
  /**
   * `consecutive`: `failures` counted failures in a row open it (a dependency that is down).
   * `sampling`: more than half of the calls in the last `windowMs` failed, with at least `failures`
   * calls in the window. The scorer uses it: requests are scored in batches, so one slow batch fails
   * many requests at once under load — that is overload (shed and budgets handle it), not a dead pool.
   */
  mode?: 'consecutive' | 'sampling';
  windowMs?: number;
  /** Failures that open the breaker (consecutive), or the minimum calls in the window (sampling). */
  failures: number;
  /** Time after opening before one probe call is let through. */
  halfOpenAfterMs: number;
  /** Which errors count as failures of the dependency (default: all). The others pass through. */
  counts?: (err: unknown) => boolean;
}

export interface Breaker {
  readonly name: string;
  readonly state: BreakerStateName;
  /** Epoch ms of the last state change (creation when none): the status page's "since". */
  readonly since: number;
  /** Runs `fn`, or rejects at once with a BrokenCircuitError while open or while a probe is in flight. */
  run<T>(fn: () => Promise<T>): Promise<T>;
}

const STATE_NAMES: Record<CircuitState, BreakerStateName> = {
  [CircuitState.Closed]: 'closed',
  [CircuitState.HalfOpen]: 'half-open',
  [CircuitState.Open]: 'open',
  [CircuitState.Isolated]: 'isolated',
};

export function createBreaker(options: BreakerOptions, env: { log: Logger; metrics: Metrics }): Breaker {
  const counts = options.counts ?? (() => true);
  const policy = circuitBreaker(
    handleWhen((err) => counts(err)),
    {
      halfOpenAfter: options.halfOpenAfterMs,
      breaker:
        options.mode === 'sampling'
          ? new SamplingBreaker({
              threshold: 0.5,
              duration: options.windowMs ?? 10_000,
              minimumRps: options.failures / ((options.windowMs ?? 10_000) / 1000),
            })
          : new ConsecutiveBreaker(options.failures),
    },
  );
  env.metrics.breakerState.set({ breaker: options.name }, 0);
  // While open, callers are refused without entering cockatiel: its BrokenCircuitError captures a stack
  // per refusal (7 % of the main thread when every request falls back). One shared error per state does.
  const openError = new BrokenCircuitError(`${options.name}: circuit open`);
  const probeError = new BrokenCircuitError(`${options.name}: half-open, probe in flight`);
  let openedAt = Number.NEGATIVE_INFINITY;
  let since = Date.now();
  policy.onStateChange((s) => {
    const state = STATE_NAMES[s];
    since = Date.now();
    if (s === CircuitState.Open) openedAt = performance.now();
    env.metrics.setBreakerState(options.name, state);
    const fields = { breaker: options.name, state, lastFailure: failureOf(policy.lastFailure) };
    if (state === 'open') env.log.warn('circuit breaker opened', fields);
    else env.log.info(`circuit breaker ${state}`, { breaker: options.name, state });
  });
  return {
    name: options.name,
    get state() {
      return STATE_NAMES[policy.state];
    },
    get since() {
      return since;
    },
    run<T>(fn: () => Promise<T>): Promise<T> {
      if (policy.state === CircuitState.HalfOpen) return Promise.reject(probeError);
      // Past halfOpenAfter, cockatiel itself moves to half-open and lets this call probe.
      if (policy.state === CircuitState.Open && performance.now() - openedAt < options.halfOpenAfterMs)
        return Promise.reject(openError);
      return policy.execute(() => fn());
    },
  };
}

export function isBreakerOpen(err: unknown): boolean {
  return isBrokenCircuitError(err) || isIsolatedCircuitError(err);
}

function failureOf(reason: unknown): unknown {
  if (reason && typeof reason === 'object' && 'error' in reason) return (reason as { error: unknown }).error;
  return undefined;
}
