import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RecscoreError } from '../errors.js';
import { silentLogger } from '../log.js';
import { createMetrics } from '../metrics/registry.js';
import type { ClientInfo } from '../profile/client-info.js';
import type { ProfileStore } from '../profile/store.js';
import type { ScoreOutput, Scorer } from '../recommend/contracts.js';
import { createGuards } from './guard.js';
import { shedError } from './shed.js';

const OPTIONS = { profileBudgetMs: 20, scoringBudgetMs: 20, breakerFailures: 3, breakerHalfOpenAfterMs: 60_000 };
const guards = () => createGuards(OPTIONS, { log: silentLogger, metrics: createMetrics() });
const info: ClientInfo = { client_id: 'c', installed_addons: [] };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function store(
  get: (id: string) => Promise<ClientInfo | null>,
  getNow?: (id: string) => ClientInfo | null,
): ProfileStore {
  return { kind: 'test', get, getNow, close: async () => undefined };
}

describe('guards', () => {
  it('an in-memory store is read at once, whatever the deadline, and its errors are classified', async () => {
    const g = guards();
    const past = performance.now() - 1_000;
    const mem = store(
      () => Promise.reject(new Error('get() must not be called')),
      (id) => {
        if (id === 'bad') throw new RecscoreError('RECSCORE_PROFILE_INVALID', 'bad', { field: 'x' });
        if (id === 'down') throw new RecscoreError('RECSCORE_PROFILE_STORE_CLOSED', 'closed');
        return id === 'c' ? info : null;
      },
    );
    assert.deepEqual(await g.profile(mem, 'c', past), { ok: true, value: info });
    assert.deepEqual(await g.profile(mem, 'nobody', past), { ok: true, value: null });
    assert.equal(((await g.profile(mem, 'bad', past)) as { reason: string }).reason, 'profile-invalid');
    for (let i = 0; i < 5; i++)
      assert.equal(((await g.profile(mem, 'down', past)) as { reason: string }).reason, 'profile-error');
    assert.equal(g.profileBreaker.state, 'closed', 'no breaker around an in-memory map');
  });

  it(
    'stalls of the process itself do not open the profile breaker ' + '(regression: permanent fallback after SIGSTOP)',
    async () => {
      const g = guards();
      const hanging = store(() => new Promise<ClientInfo | null>(() => {}));
      const block = (ms: number) => {
        const end = performance.now() + ms;
        while (performance.now() < end);
      };
      // More stalled lookups than breakerFailures: each budget timer fires ~100 ms late, as after a SIGSTOP.
      for (let i = 0; i < OPTIONS.breakerFailures + 2; i++) {
        const pending = g.profile(hanging, 'c', performance.now() + 1_000);
        block(OPTIONS.profileBudgetMs + 100);
        const r = (await pending) as { ok: false; reason: string; error: RecscoreError };
        assert.equal(r.reason, 'profile-timeout');
        assert.equal(r.error.code, 'RECSCORE_STALLED');
      }
      assert.equal(g.profileBreaker.state, 'closed', 'the store did nothing wrong');
      // The same store timing out on time is the store's failure: the breaker opens. (On a busy machine a
      // timer may still fire late now and then; such a timeout is not counted, so keep asking.)
      let onTime = 0;
      for (let i = 0; i < 100 && (g.profileBreaker.state as string) !== 'open'; i++) {
        const r = (await g.profile(hanging, 'c', performance.now() + 1_000)) as { error: RecscoreError };
        if (r.error.code === 'RECSCORE_BUDGET_EXCEEDED') onTime += 1;
      }
      assert.equal(g.profileBreaker.state, 'open');
      assert.equal(onTime, OPTIONS.breakerFailures);
    },
  );

  it('a remote store gets the budget, then the breaker opens after consecutive failures', async () => {
    const g = guards();
    const slow = store(async () => (await sleep(200), info));
    const started = performance.now();
    assert.equal(((await g.profile(slow, 'c', started + 1_000)) as { reason: string }).reason, 'profile-timeout');
    assert.ok(performance.now() - started < 150, 'answered at the 20 ms budget');
    // On a busy machine a timer may fire late; such a timeout counts as a stall, not a failure, so keep
    // asking until the breaker has seen its consecutive on-time failures (bounded).
    let onTime = 0;
    for (let i = 0; i < 100 && (g.profileBreaker.state as string) !== 'open'; i++) {
      const r = (await g.profile(slow, 'c', performance.now() + 1_000)) as { error: RecscoreError };
      if (r.error.code === 'RECSCORE_BUDGET_EXCEEDED') onTime += 1;
    }
    assert.equal(g.profileBreaker.state, 'open');
    assert.ok(onTime >= OPTIONS.breakerFailures - 1, 'opened by on-time budget failures, not by stalls');
    assert.equal(
      ((await g.profile(slow, 'c', performance.now() + 1_000)) as { reason: string }).reason,
      'breaker-open',
    );
  });

  it('scoring: a late scorer times out at its budget, a shed is a shed, neither opens the breaker', async () => {
    const g = guards();
    const out: ScoreOutput = { modelVersion: 'v', picked: [], candidateCount: 0, contributed: [], failures: [] };
    const late: Scorer = { score: async () => (await sleep(100), out) };
    const shed: Scorer = { score: () => Promise.reject(shedError(9)) };
    const input = { clientInfo: info, extra: {}, pick: { mode: 'top', size: 10 } as const };
    for (let i = 0; i < 6; i++) {
      assert.equal(
        ((await g.score(late, input, performance.now() + 1_000, undefined)) as { reason: string }).reason,
        'scoring-timeout',
      );
      assert.equal(
        ((await g.score(shed, input, performance.now() + 1_000, undefined)) as { reason: string }).reason,
        'shed',
      );
    }
    assert.equal(g.scorerBreaker.state, 'closed');
    assert.deepEqual(await g.score({ score: async () => out }, input, performance.now() + 1_000, undefined), {
      ok: true,
      value: out,
    });
  });

  it('scoring: each pool error code has its own reason; an expired deadline is a timeout, not a failure', async () => {
    const g = guards();
    const input = { clientInfo: info, extra: {}, pick: { mode: 'top', size: 10 } as const };
    type PoolCode = 'RECSCORE_DEADLINE_EXPIRED' | 'RECSCORE_SHED' | 'RECSCORE_POOL_CLOSED';
    const reason = async (code: PoolCode) => {
      const scorer: Scorer = { score: () => Promise.reject(new RecscoreError(code, code)) };
      return ((await g.score(scorer, input, performance.now() + 1_000, undefined)) as { reason: string }).reason;
    };
    for (let i = 0; i < 10; i++) {
      assert.equal(await reason('RECSCORE_DEADLINE_EXPIRED'), 'scoring-timeout');
      assert.equal(await reason('RECSCORE_SHED'), 'shed');
    }
    assert.equal(g.scorerBreaker.state, 'closed', 'expired deadlines and sheds are load, not a broken pool');
    assert.equal(await reason('RECSCORE_POOL_CLOSED'), 'scoring-error');
  });

  it("scoring: one request's bad data (invalid profile, a failed request) never opens the breaker", async () => {
    const g = guards();
    const input = { clientInfo: info, extra: {}, pick: { mode: 'top', size: 10 } as const };
    const rejecting = (code: 'RECSCORE_PROFILE_INVALID' | 'RECSCORE_REQUEST_FAILED'): Scorer => ({
      score: () => Promise.reject(new RecscoreError(code, 'this request only')),
    });
    const reason = async (s: Scorer) => {
      const r = (await g.score(s, input, performance.now() + 1_000, undefined)) as { reason: string };
      return r.reason;
    };
    for (let i = 0; i < 10; i++) {
      assert.equal(await reason(rejecting('RECSCORE_PROFILE_INVALID')), 'profile-invalid');
      assert.equal(await reason(rejecting('RECSCORE_REQUEST_FAILED')), 'scoring-error');
    }
    assert.equal(g.scorerBreaker.state, 'closed');
    const failed = new RecscoreError('RECSCORE_WORKER_FAILED', 'worker failed');
    const broken: Scorer = { score: () => Promise.reject(failed) };
    for (let i = 0; i < 10; i++) await g.score(broken, input, performance.now() + 1_000, undefined);
    assert.equal(g.scorerBreaker.state, 'open', 'a broken pool still opens it');
  });
});
