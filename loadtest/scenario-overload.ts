/**
 * overload: first find the sustainable connection count — the most connections (of `plan.sweep`,
 * tried in ascending order, stopping at the first failure) at which every answer still comes from
 * the ensemble (the scorer keeps within its budget, no shedding, no open breaker) without errors —
 * then load the server with twice that. Every answer must still be a 200 and p99 must stay bounded:
 * budgets, shedding and the breaker answer from the fallback chain instead of queueing.
 */
import type { ChildHandle } from './children.js';
import type { RunContext } from './context.js';
import type { DataSet } from './datasets.js';
import { fireRound } from './fire.js';
import { goodShareOf } from './measure.js';
import { recommendPaths } from './paths.js';
import type { ScenarioResult } from './results.js';
import { settleBreaker } from './servers.js';

export const SUSTAINABLE_SHARE = 0.99;

export interface SweepStep {
  connections: number;
  rps: number;
  p99: number;
  ensembleShare: number;
  ok: boolean;
}

/** The sustainable count from sweep steps in ascending order: the last ok step before the first failure. */
export function sustainableFrom(steps: readonly SweepStep[]): number {
  let best = 0;
  for (const s of steps) {
    if (!s.ok) break;
    best = s.connections;
  }
  return best > 0 ? best : Math.max(1, Math.floor((steps[0]?.connections ?? 2) / 2));
}

export async function runOverload(ctx: RunContext, server: ChildHandle, data: DataSet): Promise<ScenarioResult> {
  const steps: SweepStep[] = [];
  for (const c of ctx.plan.sweep) {
    await settleBreaker(server.url, recommendPaths(data, 98));
    await fireRound({
      url: server.url,
      connections: c,
      durationMs: 300,
      maxRequests: 100_000,
      nextPath: recommendPaths(data, 97),
    });
    const r = await fireRound({
      url: server.url,
      connections: c,
      durationMs: ctx.plan.sweepMs,
      maxRequests: ctx.plan.maxRequestsPerRound,
      nextPath: recommendPaths(data, c),
    });
    const share = goodShareOf(r, ['ensemble']);
    const ok = share >= SUSTAINABLE_SHARE && r.errors === 0 && r.non2xx === 0;
    steps.push({ connections: c, rps: r.rps, p99: r.latency.p99, ensembleShare: share, ok });
    ctx.log(
      `  sweep ${c} connections: ${Math.round(r.rps)} req/s, p99 ${r.latency.p99.toFixed(1)} ms, ensemble ` +
        `${(share * 100).toFixed(1)} %`,
    );
    if (!ok) break;
  }
  const sustainable = sustainableFrom(steps);
  const connections = 2 * sustainable;
  const r = await ctx.measureOn(server, data, {
    name: 'overload',
    title: `recommendations at 2 × the sustainable ${sustainable} connections`,
    good: ['*'],
    target: { connections, nextPath: recommendPaths(data, 5) },
    keepBreaker: true,
  });
  r.extra.sustainableConnections = sustainable;
  r.extra.sweep = steps
    .map(
      (s) =>
        `${s.connections}: ${Math.round(s.rps)}/s p99 ${s.p99.toFixed(1)} ms ${(s.ensembleShare * 100).toFixed(0)} %` +
        `${s.ok ? '' : ' ✗'}`,
    )
    .join('; ');
  return r;
}
