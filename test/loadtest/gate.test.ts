import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { bound, checkCpuIndex, checkScenario, evaluate, loadAllowance } from '../../loadtest/gate.js';
import { parseTargets, type Targets } from '../../loadtest/targets.js';
import { scenarioResult } from './fixtures.js';

const AIM = { recommendRatio: 0.6, p99Ms: 10, connections: 32, note: 'aim' };

function targets(scenarios: Record<string, unknown>, rss?: unknown): Targets {
  return parseTargets({ aim: AIM, scenarios, ...(rss ? { rss } : {}) });
}

describe('load-test gate', () => {
  it('a met minimum and a met maximum pass', () => {
    assert.equal(bound('s', 'ratio', 0.5, 0.4, false).ok, true);
    assert.equal(bound('s', 'p99', 8, 10, true, ' ms').ok, true);
    assert.equal(bound('s', 'x', Number.NaN, 0, true).ok, false);
  });

  it('a missed target says which and by how much', () => {
    const c = bound('recommend', 'ratio to ceiling', 0.3, 0.4, false);
    assert.equal(c.ok, false);
    assert.match(c.detail, /^recommend: ratio to ceiling 0\.300 < 0\.400 — short by 0\.100 \(25\.0 %\)$/);
    const p = bound('recommend', 'p99', 15, 12, true, ' ms');
    assert.match(p.detail, /p99 15\.0 ms > 12\.0 ms — over by 3\.00 ms \(25\.0 %\)/);
  });

  it('the p99 bound is relative to the ceiling measured in the same run', () => {
    const t = targets({ recommend: { p99: { k: 3, plusMs: 5 } } }).scenarios.recommend;
    const ok = checkScenario(scenarioResult({ latency: { p50: 1, p90: 2, p99: 10.9, p999: 12, max: 13 } }), t).find(
      (c) => c.check.startsWith('p99'),
    )!;
    assert.equal(ok.limit, 2 * 3 + 5);
    assert.equal(ok.ok, true);
    const slowCeiling = scenarioResult({
      latency: { p50: 1, p90: 2, p99: 14, p999: 15, max: 16 },
      ceilingLatency: { p50: 1, p90: 2, p99: 3, p999: 4, max: 5 },
    });
    assert.equal(checkScenario(slowCeiling, t).find((c) => c.check.startsWith('p99'))!.ok, true); // 14 ≤ 3×3+5
  });

  it("CPU per request is bounded as a ratio to the ceiling's in the same run; a missing reading fails", () => {
    const t = targets({ recommend: { maxCpuRatio: 3.2 } }).scenarios.recommend;
    const cpuCheck = (r: ReturnType<typeof scenarioResult>) =>
      checkScenario(r, t).find((c) => c.check.startsWith('CPU'))!;
    assert.equal(cpuCheck(scenarioResult()).ok, true);
    const slower = scenarioResult({
      cpu: { perRequestUs: 150, ceilingPerRequestUs: 40, ratio: 3.75, roundsUs: [], ceilingRoundsUs: [] },
    });
    const c = cpuCheck(slower);
    assert.equal(c.ok, false);
    assert.match(c.detail, /CPU per request ÷ ceiling's \(150 µs ÷ 40\.0 µs\) 3\.75 > 3\.20 — over by 0\.550/);
    const unread = scenarioResult({
      cpu: { perRequestUs: Number.NaN, ceilingPerRequestUs: 40, ratio: Number.NaN, roundsUs: [], ceilingRoundsUs: [] },
    });
    assert.equal(cpuCheck(unread).ok, false);
  });

  it(
    'throughput, p99 and good share are not judged when most rounds were disturbed; CPU and invariants still ' + 'are',
    () => {
      const t = targets({
        recommend: { minRatio: 0.5, p99: { k: 1, plusMs: 0 }, minGoodShare: 1, maxCpuRatio: 2, maxNon2xx: 0 },
      }).scenarios.recommend;
      const busy = scenarioResult({ rounds: 5, disturbedRounds: 3, all: { ...scenarioResult().all, non2xx: 1 } });
      const checks = checkScenario(busy, t);
      const byName = (p: string) => checks.find((c) => c.check.startsWith(p))!;
      for (const p of ['ratio', 'p99', 'good-answer']) {
        assert.equal(byName(p).ok, true);
        assert.equal(byName(p).skipped, true);
        assert.match(byName(p).detail, /not judged: 3 of 5 rounds disturbed/);
      }
      assert.equal(byName('CPU').ok, false);
      assert.equal(byName('non-2xx').ok, false);
      const quiet = checkScenario(scenarioResult({ rounds: 5, disturbedRounds: 2 }), t);
      assert.equal(quiet.find((c) => c.check.startsWith('ratio'))!.ok, false);
      assert.equal(
        quiet.some((c) => c.skipped),
        false,
      );
    },
  );

  it("the CPU index is the geometric mean of the listed scenarios' CPU ratios, left out when one did not run", () => {
    const cpu = (ratio: number) => ({
      perRequestUs: ratio * 10,
      ceilingPerRequestUs: 10,
      ratio,
      roundsUs: [],
      ceilingRoundsUs: [],
    });
    const runs = [scenarioResult({ name: 'a', cpu: cpu(4) }), scenarioResult({ name: 'b', cpu: cpu(16) })];
    const [c] = checkCpuIndex(runs, { scenarios: ['a', 'b'], max: 8 });
    assert.ok(Math.abs(c.actual - 8) < 1e-9);
    assert.equal(c.ok, true);
    assert.equal(checkCpuIndex(runs, { scenarios: ['a', 'b'], max: 7.9 })[0].ok, false);
    assert.deepEqual(checkCpuIndex(runs, { scenarios: ['a', 'c'], max: 8 }), []);
    const all = evaluate(
      runs,
      null,
      parseTargets({ aim: AIM, scenarios: { a: {}, b: {} }, cpuIndex: { scenarios: ['a', 'b'], max: 7 } }),
    );
    assert.equal(all.find((x) => x.scenario === 'cpu-index')!.ok, false);
  });

  it('ratio, errors and non-2xx: errors count over every round, warm-up included', () => {
    const t = targets({ recommend: { minRatio: 0.05, maxNon2xx: 0 } }).scenarios.recommend;
    const r = scenarioResult();
    assert.ok(checkScenario(r, t).every((c) => c.ok));
    const bad = scenarioResult({ all: { ...r.all, errors: 2, non2xx: 1 } });
    const missed = checkScenario(bad, t)
      .filter((c) => !c.ok)
      .map((c) => c.check);
    assert.deepEqual(missed, ['errors', 'non-2xx']);
  });

  it('good-answer share, allowed and required paths, versions', () => {
    const t = targets({
      swap: {
        minGoodShare: 0.95,
        allowPaths: ['ensemble', '*:scoring-timeout'],
        requirePaths: ['*:scoring-timeout'],
        minVersions: 2,
        minVersionSwitches: 1,
      },
    }).scenarios.swap;
    const oneVersion = scenarioResult({ name: 'swap' });
    const missed = checkScenario(oneVersion, t)
      .filter((c) => !c.ok)
      .map((c) => c.check);
    assert.deepEqual(missed, ['version switches', 'model versions seen']);
    // Version switches within a round are timing: not judged when most rounds were disturbed.
    const starved = checkScenario(scenarioResult({ name: 'swap', rounds: 4, disturbedRounds: 3 }), t);
    const switches = starved.find((c) => c.check === 'version switches');
    assert.ok(switches?.ok && switches.skipped, JSON.stringify(switches));
    assert.ok(!starved.find((c) => c.check === 'model versions seen')?.ok);

    const facts = { paths: { ensemble: 10, 'locale:shed': 3 }, versions: { a: 7, b: 6 }, versionSwitches: 4 };
    const stray = scenarioResult({ name: 'swap', goodShare: 0.5, all: { ...oneVersion.all, facts } });
    const checks = checkScenario(stray, t).filter((c) => !c.ok);
    assert.deepEqual(
      checks.map((c) => c.check),
      ['good-answer share', 'answers outside [ensemble, *:scoring-timeout]', 'answers matching *:scoring-timeout'],
    );
    assert.match(checks[1].detail, /locale:shed ×3/);
  });

  it('bounds on scenario-specific numbers', () => {
    const t = targets({ overload: { extra: { sustainableConnections: [8, null], meanBatch: [null, 32] } } }).scenarios
      .overload;
    const r = scenarioResult({ name: 'overload', extra: { sustainableConnections: 4, meanBatch: 10 } });
    const missed = checkScenario(r, t).filter((c) => !c.ok);
    assert.equal(missed.length, 1);
    assert.match(missed[0].detail, /sustainableConnections 4\.00 < 8\.00/);
    const absent = checkScenario(scenarioResult({ name: 'overload' }), t).filter((c) => !c.ok);
    assert.equal(absent.length, 2); // a missing number never passes
  });

  it('a scenario without a target fails; RSS is checked in MB and against the model size', () => {
    const t = targets({ recommend: {} }, { maxExtraWorkerMb: 50, maxExtraWorkerShareOfModel: 0.5 });
    const checks = evaluate(
      [scenarioResult(), scenarioResult({ name: 'new-one' })],
      { samples: [], extraWorkerBytes: 60 * 2 ** 20, extraWorkerIdleBytes: 0, modelBytes: 100 * 2 ** 20, notes: [] },
      t,
    );
    const missed = checks.filter((c) => !c.ok);
    assert.deepEqual(
      missed.map((c) => `${c.scenario} ${c.check}`),
      ['new-one target', 'rss extra worker RSS', 'rss extra worker RSS ÷ model size (100 MB)'],
    );
    assert.match(missed[1].detail, /60\.0 MB > 50\.0 MB — over by 10\.0 MB/);
  });

  it('targets.json is validated, each message naming the field', () => {
    assert.throws(
      () => parseTargets({ aim: AIM, scenarios: { recommend: { minRatio: -1 } } }),
      /targets\.json scenarios\.recommend\.minRatio/,
    );
    assert.throws(
      () => parseTargets({ aim: AIM, scenarios: { recommend: { typo: 1 } } }),
      /targets\.json scenarios\.recommend/,
    );
    assert.throws(() => parseTargets({ scenarios: {} }), /targets\.json aim/);
    assert.equal(parseTargets({ aim: AIM, scenarios: { x: {} } }).scenarios.x.maxErrors, 0);
  });
});

describe('the cpu scenario bounds', () => {
  const t = targets({
    cpu: {
      extra: { cpuIndex: [null, 5.6], recommendCpuRatio: [null, 9.5] },
      cpuLoadAllowance: { keys: ['cpuIndex'], aboveCores: 1.2, perCore: 0.25 },
    },
  }).scenarios.cpu;
  const result = (cpuIndex: number, otherCoresMedian: number) =>
    scenarioResult({ name: 'cpu', extra: { cpuIndex, recommendCpuRatio: 9, otherCoresMedian } });
  const verdict = (cpuIndex: number, others: number) =>
    checkScenario(result(cpuIndex, others), t).find((c) => c.check.startsWith('cpuIndex'))!;

  it('a listed bound grows with the cores other processes used beyond aboveCores', () => {
    assert.equal(loadAllowance(result(5, 1.0), t), 1);
    assert.ok(Math.abs(loadAllowance(result(5, 1.8), t) - 1.15) < 1e-12);
    assert.ok(verdict(5.5, 1.0).ok);
    assert.ok(!verdict(5.7, 1.0).ok);
    const loaded = verdict(6.3, 1.8); // 5.6 × 1.15 = 6.44
    assert.ok(loaded.ok, loaded.detail);
    assert.match(loaded.detail, /× 1\.150 for other processes' load/);
    assert.ok(!verdict(6.5, 1.8).ok);
  });

  it('an unlisted bound stays fixed, and a result without the load gets no allowance', () => {
    const r = scenarioResult({ name: 'cpu', extra: { cpuIndex: 6, recommendCpuRatio: 9.6, otherCoresMedian: 1.9 } });
    const missed = checkScenario(r, t).filter((c) => !c.ok);
    assert.deepEqual(
      missed.map((c) => c.check),
      ['recommendCpuRatio'],
    );
    const noLoad = scenarioResult({ name: 'cpu', extra: { cpuIndex: 5.7, recommendCpuRatio: 9 } });
    assert.equal(loadAllowance(noLoad, t), 1);
  });
});
