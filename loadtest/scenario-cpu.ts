/**
 * The gate's CPU check (loadtest/README.md § The gate's power): CPU per answer of the shared demo server
 * against the ceiling's, measured so that the neighbours' load moves it as little as possible.
 *
 * - Three arms, all at the plan's connection count: the ceiling, recommendations for known clients, and
 *   recommendations for unknown clients (the same server's HTTP, validation, profile lookup and fallback,
 *   no scoring). Many short rounds, the arms' order alternating every cycle, so a drift of the machine
 *   touches each arm alike.
 * - Each round's CPU is the server's on-CPU time from every thread's schedstat (ns), not the 10 ms ticks
 *   of /proc/<pid>/stat: short rounds would otherwise be quantised by several per cent.
 * - An arm's figure is the lower quartile of its rounds' µs per answer. The neighbours only ever inflate
 *   a round (cache and TLB pollution, more wake-ups per answer); the least inflated rounds estimate what
 *   the code costs, and the quartile rather than the minimum does not hang on one lucky round.
 * - The gated number is the CPU index: the geometric mean of recommend ÷ ceiling and unknown ÷ ceiling.
 *   A slowdown of the shared request path moves both, one of scoring moves the first.
 */
import { mergeFacts } from './body-facts.js';
import type { ChildHandle } from './children.js';
import type { RunContext } from './context.js';
import { threadsOnCpuNs } from './cpu.js';
import { fireRound, type RoundResult } from './fire.js';
import { goodShareOf } from './measure.js';
import { recommendPaths, unknownPaths } from './paths.js';
import type { LatencyMedians, ScenarioResult } from './results.js';
import { settleBreaker } from './servers.js';
import { median, percentile } from './stats.js';

/** Which share of an arm's rounds, from the least costly up, stands for its CPU per answer. */
export const CPU_QUANTILE = 0.25;

/** The arm's figure: the CPU_QUANTILE of its rounds' µs per answer (rounds without answers left out). */
export function armCpuUs(roundsUs: readonly number[]): number {
  const ok = roundsUs.filter(Number.isFinite).sort((a, b) => a - b);
  return percentile(ok, CPU_QUANTILE);
}

/** The geometric mean of the ratios (NaN if any is not a positive number). */
export function geometricMean(ratios: readonly number[]): number {
  if (ratios.length === 0 || ratios.some((r) => !(r > 0))) return Number.NaN;
  return Math.exp(ratios.reduce((a, r) => a + Math.log(r), 0) / ratios.length);
}

interface Arm {
  name: 'ceiling' | 'recommend' | 'unknown';
  server: ChildHandle;
  nextPath: () => string;
  rounds: RoundResult[];
  us: number[];
}

export async function runCpu(ctx: RunContext, server: ChildHandle): Promise<ScenarioResult> {
  const { plan, demo } = ctx;
  const probe = recommendPaths(demo, 98);
  const arms: Arm[] = [
    { name: 'ceiling', server: ctx.ceiling, nextPath: recommendPaths(demo, 31), rounds: [], us: [] },
    { name: 'recommend', server, nextPath: recommendPaths(demo, 32), rounds: [], us: [] },
    { name: 'unknown', server, nextPath: unknownPaths(33), rounds: [], us: [] },
  ];
  const everything: RoundResult[] = [];
  const fire = (a: Arm, ms: number) =>
    fireRound({
      url: a.server.url,
      connections: plan.connections,
      durationMs: ms,
      maxRequests: plan.maxRequestsPerRound,
      nextPath: a.nextPath,
    });
  for (const a of arms) {
    const r = await fire(a, a.name === 'ceiling' ? 500 : plan.warmupMs);
    if (a.server === server) everything.push(r);
  }
  for (let c = 0; c < plan.cpuCycles; c++) {
    for (const a of c % 2 === 0 ? arms : [...arms].reverse()) {
      // A round that tripped the scorer breaker would turn the next ones into fallback-only rounds.
      if (a.name === 'recommend') await settleBreaker(server.url, probe);
      const before = threadsOnCpuNs(a.server.pid);
      const r = await fire(a, plan.cpuRoundMs);
      const ns = threadsOnCpuNs(a.server.pid) - before;
      a.rounds.push(r);
      a.us.push(r.requests > 0 ? ns / 1000 / r.requests : Number.NaN);
      if (a.server === server) everything.push(r);
    }
  }

  const [ceiling, recommend, unknown] = arms;
  const us = Object.fromEntries(arms.map((a) => [a.name, armCpuUs(a.us)])) as Record<Arm['name'], number>;
  const recommendRatio = us.recommend / us.ceiling;
  const unknownRatio = us.unknown / us.ceiling;
  const S = recommend.rounds;
  const C = ceiling.rounds;
  const good = ['ensemble'];
  const lat = (rounds: RoundResult[]): LatencyMedians => {
    const m = (k: keyof LatencyMedians) => median(rounds.map((r) => r.latency[k]));
    return { p50: m('p50'), p90: m('p90'), p99: m('p99'), p999: m('p999'), max: m('max') };
  };
  const sum = (rounds: RoundResult[], k: 'requests' | 'errors' | 'timeouts' | 'non2xx') =>
    rounds.reduce((a, r) => a + r[k], 0);
  const status: Record<string, number> = {};
  for (const r of S) for (const [code, n] of Object.entries(r.status)) status[code] = (status[code] ?? 0) + n;
  return {
    name: 'cpu',
    title: `CPU per answer: ${plan.cpuCycles} cycles of ceiling, recommend and unknown rounds of ${plan.cpuRoundMs} ms`,
    connections: plan.connections,
    rounds: S.length,
    repeats: 0,
    disturbedRounds: 0,
    rps: median(S.map((r) => r.rps)),
    goodRps: median(S.map((r) => r.rps * goodShareOf(r, good))),
    ceilingRps: median(C.map((r) => r.rps)),
    ratio: median(S.map((r, i) => (r.rps * goodShareOf(r, good)) / C[i].rps)),
    latency: lat(S),
    ceilingLatency: lat(C),
    requests: sum(S, 'requests'),
    status,
    goodShare: median(S.map((r) => goodShareOf(r, good))),
    facts: mergeFacts(S.map((r) => r.facts)),
    all: {
      rounds: everything.length,
      requests: sum(everything, 'requests'),
      errors: sum(everything, 'errors'),
      timeouts: sum(everything, 'timeouts'),
      non2xx: sum(everything, 'non2xx'),
      facts: mergeFacts(everything.map((r) => r.facts)),
    },
    otherCores: S.map((r) => r.cpu.otherCores),
    cpu: {
      perRequestUs: us.recommend,
      ceilingPerRequestUs: us.ceiling,
      ratio: recommendRatio,
      roundsUs: recommend.us,
      ceilingRoundsUs: ceiling.us,
    },
    extra: {
      cpuIndex: geometricMean([recommendRatio, unknownRatio]),
      recommendCpuRatio: recommendRatio,
      unknownCpuRatio: unknownRatio,
      recommendUs: us.recommend,
      unknownUs: us.unknown,
      ceilingUs: us.ceiling,
      unknownRps: median(unknown.rounds.map((r) => r.rps)),
      otherCoresMedian: median(arms.flatMap((a) => a.rounds.map((r) => r.cpu.otherCores))),
    },
    notes: [],
  };
}
