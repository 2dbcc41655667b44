/**
 * The one place where budget, breaker and shedding are composed around the two remote stages
 * (profile lookup, scoring). Each guarded call settles with a StageResult instead of throwing: either
 * the value, or the fallback reason the response will carry.
 *
 *   breaker.run( withBudget( store.get | scorer.score ) )  →  classify(error) → FallbackReason
 *
 * The breaker sits outside the budget, so a stage that times out counts as a failure of its dependency.
 * Not counted: an invalid stored profile (bad data, healthy store) and a shed (pool overload, which
 * shedding already handles).
 */
import type { Logger } from '../log.js';
import { isRecscoreError } from '../errors.js';
import type { Metrics } from '../metrics/registry.js';
import type { ClientInfo } from '../profile/client-info.js';
import type { ProfileStore } from '../profile/store.js';
import type { Scorer, ScoreInput, ScoreOutput } from '../recommend/contracts.js';
import { createBreaker, isBreakerOpen, type Breaker } from './breaker.js';
import { isStall, isTimeout, withBudget, withinBudget } from './budget.js';
import type { FallbackReason } from './fallback.js';
import { isShed } from './shed.js';

export type StageResult<T> = { ok: true; value: T } | { ok: false; reason: FallbackReason; error: unknown };

export interface GuardOptions {
  profileBudgetMs: number;
  scoringBudgetMs: number;
  breakerFailures: number;
  breakerHalfOpenAfterMs: number;
}

export interface Guards {
  readonly profileBreaker: Breaker;
  readonly scorerBreaker: Breaker;
  /**
   * `deadline`: absolute performance.now() time at which the whole request must be answered. `log`: the
   * request's logger, so a failure's line carries its id (default: the guards' own).
   */
  profile(
    store: ProfileStore,
    clientId: string,
    deadline: number,
    log?: Logger,
  ): Promise<StageResult<ClientInfo | null>>;
  score<V>(
    scorer: Scorer<V>,
    input: ScoreInput,
    deadline: number,
    version: V,
    log?: Logger,
  ): Promise<StageResult<ScoreOutput>>;
  /** Any kind's scoring (e.g. SAR's scoreSar) under the same budget and breaker; `fn` gets its deadline. */
  scoring<T>(deadline: number, fn: (stageDeadline: number) => Promise<T>, log?: Logger): Promise<StageResult<T>>;
}

const isInvalidProfile = (err: unknown) => isRecscoreError(err) && err.code === 'RECSCORE_PROFILE_INVALID';
/** One request's own data failed (invalid profile, or the worker threw on it): not the pool's health. */
const isRequestOnly = (err: unknown) =>
  isInvalidProfile(err) || (isRecscoreError(err) && err.code === 'RECSCORE_REQUEST_FAILED');

export function createGuards(options: GuardOptions, env: { log: Logger; metrics: Metrics }): Guards {
  const { metrics } = env;
  const breakerOptions = { failures: options.breakerFailures, halfOpenAfterMs: options.breakerHalfOpenAfterMs };
  const profileBreaker = createBreaker(
    { name: 'profile', ...breakerOptions, counts: (e) => !isInvalidProfile(e) && !isStall(e) },
    env,
  );
  // Scorer timeouts do not count: requests are scored in batches, so one slow batch under load times out
  // many requests at once. Overload is handled by the bounded queue (shed) and the deadline; the breaker
  // is for a broken pool (worker errors), not for one request's bad data.
  const scorerBreaker = createBreaker(
    {
      name: 'scorer',
      mode: 'sampling',
      ...breakerOptions,
      counts: (e) => !isShed(e) && !isTimeout(e) && !isRequestOnly(e),
    },
    env,
  );

  // Label children resolved once: prom-client hashes a label object on every call otherwise.
  const profileFound = metrics.profileDuration.labels({ outcome: 'found' });
  const profileMissing = metrics.profileDuration.labels({ outcome: 'missing' });
  const scoringOk = metrics.scoringDuration.labels({ outcome: 'ok' });

  const scoring = async <T>(
    deadline: number,
    fn: (until: number) => Promise<T>,
    log = env.log,
  ): Promise<StageResult<T>> => {
    const started = performance.now();
    const ms = Math.min(options.scoringBudgetMs, deadline - started);
    try {
      const value = await scorerBreaker.run(() => withinBudget('scoring', ms, () => fn(started + ms)));
      scoringOk.observe((performance.now() - started) / 1000);
      return { ok: true, value };
    } catch (error) {
      const reason = scoringReason(error);
      logFailure(log, 'scoring', reason, error);
      return { ok: false, reason, error };
    }
  };

  return {
    profileBreaker,
    scorerBreaker,
    async profile(store, clientId, deadline, log = env.log) {
      const started = performance.now();
      const found = (value: ClientInfo | null): StageResult<ClientInfo | null> => {
        (value ? profileFound : profileMissing).observe((performance.now() - started) / 1000);
        return { ok: true, value };
      };
      try {
        // An in-memory store answers in the same tick: a budget timer or a breaker would guard nothing.
        if (store.getNow) return found(store.getNow(clientId));
        const ms = Math.min(options.profileBudgetMs, deadline - started);
        return found(
          await profileBreaker.run(() => withBudget('profile', ms, (signal) => store.get(clientId, signal))),
        );
      } catch (error) {
        const reason = profileReason(error);
        if (reason === 'profile-invalid') metrics.profileInvalid.inc();
        else if (reason !== 'breaker-open')
          metrics.profileErrors.inc({ kind: reason === 'profile-timeout' ? 'timeout' : 'error' });
        logFailure(log, 'profile', reason, error);
        return { ok: false, reason, error };
      }
    },
    score: (scorer, input, deadline, version, log) =>
      scoring(deadline, (until) => scorer.score(input, until, version), log),
    scoring,
  };
}

// Fallback reasons by error code (cockatiel's open breaker has no code of ours).
function profileReason(error: unknown): FallbackReason {
  if (isBreakerOpen(error)) return 'breaker-open';
  switch (isRecscoreError(error) ? error.code : undefined) {
    case 'RECSCORE_BUDGET_EXCEEDED':
    case 'RECSCORE_STALLED':
      return 'profile-timeout';
    case 'RECSCORE_PROFILE_INVALID':
      return 'profile-invalid';
    default:
      return 'profile-error';
  }
}

function scoringReason(error: unknown): FallbackReason {
  if (isBreakerOpen(error)) return 'breaker-open';
  switch (isRecscoreError(error) ? error.code : undefined) {
    case 'RECSCORE_SHED':
      return 'shed';
    case 'RECSCORE_BUDGET_EXCEEDED':
    case 'RECSCORE_DEADLINE_EXPIRED':
    case 'RECSCORE_STALLED':
      return 'scoring-timeout';
    case 'RECSCORE_PROFILE_INVALID':
      return 'profile-invalid';
    default:
      return 'scoring-error';
  }
}

// Errors are worth a warning (the breaker bounds their rate); timeouts, sheds and open breakers are
// expected under load and show in the metrics instead.
function logFailure(log: Logger, stage: string, reason: FallbackReason, error: unknown): void {
  if (reason.endsWith('-error')) log.warn(`${stage} stage failed`, { reason, error });
  else log.debug(`${stage} stage failed`, { reason, error });
}
