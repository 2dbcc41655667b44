/** A scenario result with plausible numbers, for the gate, report and plot tests. */
import type { RunResults, ScenarioResult } from '../../loadtest/results.js';

export function scenarioResult(over: Partial<ScenarioResult> = {}): ScenarioResult {
  const lat = { p50: 3, p90: 6, p99: 12, p999: 20, max: 30 };
  const facts = {
    paths: { ensemble: 9_900, 'locale:scoring-timeout': 100 },
    versions: { v1: 10_000 },
    versionSwitches: 0,
  };
  return {
    name: 'recommend',
    title: 'recommendations',
    connections: 32,
    rounds: 3,
    repeats: 0,
    disturbedRounds: 0,
    rps: 3_000,
    goodRps: 2_970,
    ceilingRps: 30_000,
    ratio: 0.099,
    latency: lat,
    ceilingLatency: { p50: 1, p90: 1.5, p99: 2, p999: 3, max: 5 },
    requests: 10_000,
    status: { '200': 10_000 },
    goodShare: 0.99,
    facts,
    all: { rounds: 5, requests: 15_000, errors: 0, timeouts: 0, non2xx: 0, facts },
    otherCores: [0, 0.1, 0],
    cpu: {
      perRequestUs: 120,
      ceilingPerRequestUs: 40,
      ratio: 3,
      roundsUs: [118, 120, 125],
      ceilingRoundsUs: [39, 40, 41],
    },
    extra: {},
    notes: [],
    ...over,
  };
}

export function runResults(scenarios: ScenarioResult[], over: Partial<RunResults> = {}): RunResults {
  return {
    mode: 'quick',
    only: null,
    startedAt: '2026-11-25T16:00:00.000Z',
    finishedAt: '2026-11-25T16:01:00.000Z',
    totalMs: 60_000,
    machine: { cpus: 2, cpuModel: 'test cpu', node: 'v20.0.0', loadavgAtStart: [0.5, 0.4, 0.3] },
    method: { rounds: 3 },
    ceilingBodyBytes: 456,
    scenarios,
    rss: null,
    timings: { recommend: 10_000 },
    checks: [],
    passed: true,
    errors: [],
    ...over,
  };
}
