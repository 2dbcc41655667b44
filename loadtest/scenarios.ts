/**
 * The scenarios, in the order a run takes them. Each names the shared servers it uses (so the run can
 * stop a server after its last user) and whether the quick run includes it. What counts as a "good"
 * answer is part of a scenario's meaning, so it is here; the thresholds are in targets.json.
 */
import type { RunContext, ServerKey } from './context.js';
import { DEFAULT_WORKERS, NO_BATCH_ENV } from './context.js';
import { mixedPaths, recommendPaths, relatedPaths, unknownPaths } from './paths.js';
import type { RssResult, ScenarioResult } from './results.js';
import { measureRss } from './rss.js';
import { runCpu } from './scenario-cpu.js';
import { runDegraded } from './scenario-degraded.js';
import { runOverload } from './scenario-overload.js';
import { runSwap } from './scenario-swap.js';
import { startStatusPoller } from './status-poller.js';

export type Outcome = { scenario: ScenarioResult } | { rss: RssResult };

export interface ScenarioDef {
  name: string;
  quick: boolean;
  servers: ServerKey[];
  run(ctx: RunContext): Promise<Outcome>;
}

/**
 * Recommendations for random known clients on a shared server (the worker/batching variants too), at
 * the plan's connection count unless `connections` says otherwise.
 */
function recommendOn(name: string, key: ServerKey, title: string, quick: boolean, connections?: number): ScenarioDef {
  return {
    name,
    quick,
    servers: [key],
    async run(ctx) {
      const data = await ctx.dataOf(key);
      const r = await ctx.measureOn(await ctx.server(key), data, {
        name,
        title,
        good: ['ensemble'],
        target: { connections: connections ?? ctx.plan.connections, nextPath: recommendPaths(data, name.length) },
      });
      const workers = /-w(\d)/.exec(key)?.[1];
      r.extra.workers = workers ? Number(workers) : DEFAULT_WORKERS;
      r.extra.batching = !key.endsWith('-nobatch');
      if (key.endsWith('-nobatch') && Number(r.extra.batchesOverOne) > 0) {
        r.notes.push(
          `batching was NOT off: ${r.extra.batchesOverOne} batches of more than one request — the server ignores ` +
            `${Object.keys(NO_BATCH_ENV)[0]}`,
        );
      }
      return { scenario: r };
    },
  };
}

/** A plain load scenario on the shared demo server: which paths it requests and which answers count. */
function onDemo(
  name: string,
  title: string,
  good: string[],
  paths: (ctx: RunContext) => () => string,
  quick: boolean,
): ScenarioDef {
  return {
    name,
    quick,
    servers: ['demo'],
    async run(ctx) {
      const target = { connections: ctx.plan.connections, nextPath: paths(ctx) };
      return { scenario: await ctx.measureOn(await ctx.server('demo'), ctx.demo, { name, title, good, target }) };
    },
  };
}

/** `recommend` with the status page open and polling (loadtest/status-poller.ts): compare the two ratios. */
const recommendWithStatus: ScenarioDef = {
  name: 'recommend-status',
  quick: false,
  servers: ['demo'],
  async run(ctx) {
    const server = await ctx.server('demo');
    const poller = await startStatusPoller(server.url);
    try {
      const r = await ctx.measureOn(server, ctx.demo, {
        name: 'recommend-status',
        title: 'as recommend, with the status page open (status every 1 s, series every 2 s)',
        good: ['ensemble'],
        target: { connections: ctx.plan.connections, nextPath: recommendPaths(ctx.demo, 'recommend'.length) },
      });
      r.extra.statusPolls = poller.polls;
      if (poller.failures) r.notes.push(`${poller.failures} status polls failed`);
      return { scenario: r };
    } finally {
      await poller.stop();
    }
  },
};

export const SCENARIOS: ScenarioDef[] = [
  recommendOn('recommend', 'demo', 'recommendations, known clients, demo model', true),
  // The gate's sharp CPU check (scenario-cpu.ts), right after recommend: the demo server is warm.
  {
    name: 'cpu',
    quick: true,
    servers: ['demo'],
    run: async (ctx) => ({ scenario: await runCpu(ctx, await ctx.server('demo')) }),
  },
  recommendWithStatus,
  onDemo('related', 'TAAR-lite item-to-item', ['plain'], (ctx) => relatedPaths(ctx.demo), true),
  // Everything a recommendation costs but scoring (HTTP, validation, profile lookup, answer): the ratio a
  // personalised answer cannot exceed on the same cores.
  onDemo(
    'unknown',
    'recommendations for unknown clients: fallback answers, no scoring',
    ['*:unknown-client'],
    () => unknownPaths(),
    false,
  ),
  onDemo(
    'mixed',
    '80 % recommend, 15 % related, 5 % unknown clients',
    ['ensemble', 'plain', '*:unknown-client'],
    (ctx) => mixedPaths(ctx.demo),
    true,
  ),
  {
    name: 'overload',
    quick: true,
    servers: ['demo'],
    run: async (ctx) => ({ scenario: await runOverload(ctx, await ctx.server('demo'), ctx.demo) }),
  },
  { name: 'degraded', quick: true, servers: [], run: async (ctx) => ({ scenario: await runDegraded(ctx) }) },
  { name: 'swap', quick: true, servers: [], run: async (ctx) => ({ scenario: await runSwap(ctx) }) },
  recommendOn(
    'recommend-large',
    'large-w1',
    'recommendations, known clients, large model (95k items × 20 factors, 20k donors), 1 worker',
    false,
  ),
  // At 32 connections the large model's answers are mostly fallbacks (its scoring cost times 32 exceeds
  // the 25 ms scoring budget); 4 connections measure its personalised path.
  recommendOn('recommend-large-c4', 'large-w1', 'as recommend-large at 4 connections', false, 4),
  { name: 'rss', quick: false, servers: [], run: async (ctx) => ({ rss: await measureRss(ctx) }) },
  recommendOn('recommend-w1', 'demo-w1', 'recommendations, 1 worker, micro-batching on', false),
  recommendOn('recommend-w1-nobatch', 'demo-w1-nobatch', 'recommendations, 1 worker, micro-batching off', false),
  recommendOn('recommend-w2', 'demo-w2', 'recommendations, 2 workers, micro-batching on', false),
  recommendOn('recommend-w2-nobatch', 'demo-w2-nobatch', 'recommendations, 2 workers, micro-batching off', false),
];
