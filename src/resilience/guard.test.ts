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
        if (id === 'down') throw new RecscoreError('RECSCORE_PROFILE_STORE', 'closed', { closed: true });
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

  it('a remote store gets the budget, then the breaker opens after consecutive failures', async () => {
    const g = guards();
    const slow = store(async () => (await sleep(200), info));
    const started = performance.now();
    assert.equal(((await g.profile(slow, 'c', started + 1_000)) as { reason: string }).reason, 'profile-timeout');
    assert.ok(performance.now() - started < 150, 'answered at the 20 ms budget');
    for (let i = 0; i < 2; i++) await g.profile(slow, 'c', performance.now() + 1_000);
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
    const broken: Scorer = { score: () => Promise.reject(new RecscoreError('RECSCORE_POOL', 'worker failed')) };
    for (let i = 0; i < 10; i++) await g.score(broken, input, performance.now() + 1_000, undefined);
    assert.equal(g.scorerBreaker.state, 'open', 'a broken pool still opens it');
  });
});
