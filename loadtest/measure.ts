/**
 * The measuring method (documented in loadtest/README.md): a warm-up, then `rounds` short rounds of the
 * scenario, each paired with a ceiling round at the same connection count, the order alternating
 * (C S, S C, C S, …) so a slow drift of the machine hits both sides alike. A round during which other
 * processes used more than `disturbedCores` is run again (at most `maxRepeats` times per scenario, and
 * only while the run's time budget allows); the least disturbed attempt is kept. Each number reported is
 * the median over the kept rounds; the ratio is the median of the per-pair ratios.
 */
import { countMatching, mergeFacts, total } from './body-facts.js';
import { cpuPerRequestUs, isDisturbed, roundCpuUs } from './cpu.js';
import { fireRound, type LoadSpec, type RoundResult } from './fire.js';
import type { LatencyMedians, ScenarioResult } from './results.js';
import { median } from './stats.js';

export interface MeasureOptions {
  rounds: number;
  roundMs: number;
  warmupMs: number;
  maxRequestsPerRound: number;
  disturbedCores: number;
  maxRepeats: number;
  /** false once the run's time budget for repeats is used */
  mayRepeat: () => boolean;
}

export interface LoadTarget {
  url: string;
  connections: number;
  nextPath: () => string;
  /** wraps each round, e.g. to flip the model symlink while it runs */
  around?: (run: () => Promise<RoundResult>) => Promise<RoundResult>;
  /** runs before each measured round, outside its timing (e.g. let an open breaker close) */
  before?: () => Promise<void>;
  /** the server's pid, for its CPU per request */
  pid?: number;
}

export interface Measured {
  name: string;
  title: string;
  /** body-facts.ts patterns of the answers that count as good */
  good: readonly string[];
  target: LoadTarget;
  ceiling: LoadTarget;
}

function spec(t: LoadTarget, durationMs: number, maxRequests: number): LoadSpec {
  return { url: t.url, connections: t.connections, durationMs, maxRequests, nextPath: t.nextPath, pid: t.pid };
}

export function goodShareOf(r: RoundResult, good: readonly string[]): number {
  const all = total(r.facts.paths);
  return all === 0 ? 0 : countMatching(r.facts.paths, good) / all;
}

function latencyMedians(rounds: readonly RoundResult[]): LatencyMedians {
  const m = (k: keyof LatencyMedians) => median(rounds.map((r) => r.latency[k]));
  return { p50: m('p50'), p90: m('p90'), p99: m('p99'), p999: m('p999'), max: m('max') };
}

export async function measureAgainstCeiling(m: Measured, opts: MeasureOptions): Promise<ScenarioResult> {
  let repeats = 0;
  let disturbedRounds = 0;
  // Every round of the scenario, warm-up and discarded attempts included: the invariants (no error,
  // no non-2xx, which answers occur) hold for all of them, not only for the rounds kept for the numbers.
  const everything: RoundResult[] = [];
  const run = async (t: LoadTarget, ms: number) => {
    const go = () => fireRound(spec(t, ms, opts.maxRequestsPerRound));
    const r = await (t.around ? t.around(go) : go());
    if (t === m.target) everything.push(r);
    return r;
  };
  const attempt = async (t: LoadTarget) => {
    await t.before?.();
    return run(t, opts.roundMs);
  };
  // The least disturbed of at most 1 + the repeats left.
  const kept = async (t: LoadTarget): Promise<RoundResult> => {
    let best = await attempt(t);
    while (isDisturbed(best.cpu, opts.disturbedCores) && repeats < opts.maxRepeats && opts.mayRepeat()) {
      repeats++;
      const again = await attempt(t);
      if (again.cpu.otherCores < best.cpu.otherCores) best = again;
    }
    if (t === m.target && isDisturbed(best.cpu, opts.disturbedCores)) disturbedRounds++;
    return best;
  };

  await run(m.target, opts.warmupMs);
  await run(m.ceiling, Math.min(opts.warmupMs, 500));
  const S: RoundResult[] = [];
  const C: RoundResult[] = [];
  for (let i = 0; i < opts.rounds; i++) {
    if (i % 2 === 0) {
      C.push(await kept(m.ceiling));
      S.push(await kept(m.target));
    } else {
      S.push(await kept(m.target));
      C.push(await kept(m.ceiling));
    }
  }

  const facts = mergeFacts(S.map((r) => r.facts));
  const status: Record<string, number> = {};
  for (const r of S) for (const [code, n] of Object.entries(r.status)) status[code] = (status[code] ?? 0) + n;
  const cpuUs = cpuPerRequestUs(S);
  const ceilingCpuUs = cpuPerRequestUs(C);
  const sum = (rounds: RoundResult[], k: 'requests' | 'errors' | 'timeouts' | 'non2xx') =>
    rounds.reduce((a, r) => a + r[k], 0);
  return {
    name: m.name,
    title: m.title,
    connections: m.target.connections,
    rounds: S.length,
    repeats,
    disturbedRounds,
    rps: median(S.map((r) => r.rps)),
    goodRps: median(S.map((r) => r.rps * goodShareOf(r, m.good))),
    ceilingRps: median(C.map((r) => r.rps)),
    ratio: median(S.map((r, i) => (r.rps * goodShareOf(r, m.good)) / C[i].rps)),
    latency: latencyMedians(S),
    ceilingLatency: latencyMedians(C),
    requests: sum(S, 'requests'),
    status,
    all: {
      rounds: everything.length,
      requests: sum(everything, 'requests'),
      errors: sum(everything, 'errors'),
      timeouts: sum(everything, 'timeouts'),
      non2xx: sum(everything, 'non2xx'),
      facts: mergeFacts(everything.map((r) => r.facts)),
    },
    goodShare: median(S.map((r) => goodShareOf(r, m.good))),
    facts,
    otherCores: S.map((r) => r.cpu.otherCores),
    cpu: {
      perRequestUs: cpuUs,
      ceilingPerRequestUs: ceilingCpuUs,
      ratio: cpuUs / ceilingCpuUs,
      roundsUs: S.map(roundCpuUs),
      ceilingRoundsUs: C.map(roundCpuUs),
    },
    extra: {},
    notes: [],
  };
}
