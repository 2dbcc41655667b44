/**
 * The load-test regression gate (the one entry point with side effects in loadtest/):
 *
 *   node dist/loadtest/run.js            all scenarios → loadtest/results/latest.{json,md,svg}
 *   node dist/loadtest/run.js --quick    the short run `npm test` includes → loadtest/results/quick.tmp/
 *   node dist/loadtest/run.js --only recommend,swap     development → loadtest/results/dev.tmp/
 *   [--out DIR] [--targets FILE]
 *
 * Exit 0 when every target of loadtest/targets.json is met, 1 when one is missed or a scenario failed
 * (each miss printed with its shortfall), 2 for bad usage, 3 when the watchdog ended the run. Every
 * child is killed on every way out (exit, signals, watchdog; child-guard.js covers a SIGKILL of this
 * process).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { killAllChildren } from './children.js';
import { RunContext } from './context.js';
import { demoData, REPO_ROOT } from './datasets.js';
import { evaluate } from './gate.js';
import { recommendPaths } from './paths.js';
import { FULL, QUICK } from './plan.js';
import { renderMarkdown, scenarioTable, toPlotRows } from './report.js';
import type { RssResult, RunResults, ScenarioResult } from './results.js';
import { SCENARIOS } from './scenarios.js';
import { sampleAnswer, startCeiling } from './servers.js';
import { renderSvg } from './svg-plot.js';
import { loadTargets } from './targets.js';

// This process logs only warnings (the RSS step packs the large model here, between scenarios).
process.env.RECSCORE_LOG_LEVEL ??= 'warn';
const started = Date.now();
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1).padStart(5)} s`;
const log = (msg: string) => process.stderr.write(`[${elapsed()}] ${msg}\n`);

function usage(msg: string): never {
  process.stderr.write(
    `error: ${msg}\nusage: node dist/loadtest/run.js [--quick] [--only name[,name…]] [--out DIR] [--targets ` +
      `FILE]\nscenarios: ${SCENARIOS.map((s) => s.name).join(', ')}\n`,
  );
  process.exit(2);
}

let args;
try {
  args = parseArgs({
    options: {
      quick: { type: 'boolean' },
      only: { type: 'string' },
      out: { type: 'string' },
      targets: { type: 'string' },
    },
  }).values;
} catch (e) {
  usage((e as Error).message);
}
const plan = args.quick ? QUICK : FULL;
const only = args.only
  ? args.only
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)
  : null;
const unknown = only?.filter((n) => !SCENARIOS.some((s) => s.name === n)) ?? [];
if (unknown.length) usage(`unknown scenario(s): ${unknown.join(', ')}`);
const selected = SCENARIOS.filter((s) => (only ? only.includes(s.name) : plan.name === 'full' || s.quick));
const outDir = resolve(
  args.out ?? join(REPO_ROOT, 'loadtest/results', only ? 'dev.tmp' : plan.name === 'quick' ? 'quick.tmp' : ''),
);
const targets = loadTargets(resolve(args.targets ?? join(REPO_ROOT, 'loadtest/targets.json')));

process.on('exit', killAllChildren);
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.once(sig, () => {
    log(`${sig}: stopping every server`);
    killAllChildren();
    process.exit(130);
  });
}
const watchdog = setTimeout(() => {
  log(`watchdog: the run exceeded ${plan.hardBudgetMs / 1000} s; stopping every server`);
  killAllChildren();
  process.exit(3);
}, plan.hardBudgetMs);

const loadavgAtStart = loadavg();
log(`${plan.name} run: ${selected.map((s) => s.name).join(', ')}`);
const demo = await demoData();
const ctx = new RunContext(
  plan,
  {
    rounds: plan.rounds,
    roundMs: plan.roundMs,
    warmupMs: plan.warmupMs,
    maxRequestsPerRound: plan.maxRequestsPerRound,
    disturbedCores: plan.disturbedCores,
    maxRepeats: plan.maxRepeats,
    mayRepeat: () => Date.now() - started < plan.softBudgetMs,
  },
  demo,
  log,
);

const scenarios: ScenarioResult[] = [];
let rss: RssResult | null = null;
const errors: string[] = [];
const timings: Record<string, number> = {};
let ceilingBodyBytes = 0;
try {
  const t0 = Date.now();
  const demoServer = await ctx.server('demo');
  const body = await sampleAnswer(demoServer.url, recommendPaths(demo, 0));
  ceilingBodyBytes = Buffer.byteLength(body);
  ctx.ceiling = await startCeiling(body);
  timings.setup = Date.now() - t0;
  log(`ceiling answers ${ceilingBodyBytes} bytes of JSON (a real recommendation answer)`);

  for (const [i, def] of selected.entries()) {
    const t = Date.now();
    log(`${def.name}…`);
    try {
      const outcome = await def.run(ctx);
      if ('rss' in outcome) {
        rss = outcome.rss;
        log(
          `rss: ${outcome.rss.samples
            .map((s) => `${s.workers} worker(s) ${s.when} ${(s.rss / 2 ** 20).toFixed(0)} MB`)
            .join(', ')}` + `; model ${(outcome.rss.modelBytes / 2 ** 20).toFixed(0)} MB`,
        );
      } else {
        const s = outcome.scenario;
        scenarios.push(s);
        log(
          `${s.name}: ${Math.round(s.goodRps)} good req/s (ceiling ${Math.round(s.ceilingRps)}, ratio ` +
            `${s.ratio.toFixed(3)}), p99 ${s.latency.p99.toFixed(2)} ms ` +
            `(ceiling ${s.ceilingLatency.p99.toFixed(2)}), ` +
            `good ${(s.goodShare * 100).toFixed(1)} %, CPU ${s.cpu.perRequestUs.toFixed(1)} µs/req (ceiling ` +
            `${s.cpu.ceilingPerRequestUs.toFixed(1)}, ratio ${s.cpu.ratio.toFixed(3)}), errors ${s.all.errors}, ` +
            `non-2xx ${s.all.non2xx}`,
        );
        for (const n of s.notes) log(`  note: ${n}`);
      }
    } catch (e) {
      errors.push(`${def.name}: ${(e as Error)?.message ?? e}`);
      log(`${def.name} FAILED: ${(e as Error)?.stack ?? e}`);
    }
    timings[def.name] = Date.now() - t;
    await ctx.releaseServers(new Set(selected.slice(i + 1).flatMap((s) => s.servers)));
  }
} catch (e) {
  errors.push(`setup: ${(e as Error)?.message ?? e}`);
  log(`setup FAILED: ${(e as Error)?.stack ?? e}`);
} finally {
  await ctx.releaseServers(new Set());
  killAllChildren();
}

const checks = evaluate(scenarios, rss, targets);
const results: RunResults = {
  mode: plan.name,
  only,
  startedAt: new Date(started).toISOString(),
  finishedAt: new Date().toISOString(),
  totalMs: Date.now() - started,
  machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', node: process.version, loadavgAtStart },
  method: {
    rounds: plan.rounds,
    roundMs: plan.roundMs,
    warmupMs: plan.warmupMs,
    connections: plan.connections,
    disturbedCores: plan.disturbedCores,
    maxRepeats: plan.maxRepeats,
    flipEveryMs: plan.flipEveryMs,
    degradedDelayMs: plan.degradedDelayMs,
  },
  ceilingBodyBytes,
  scenarios,
  rss,
  timings,
  checks,
  passed: errors.length === 0 && checks.every((c) => c.ok),
  errors,
};
await mkdir(outDir, { recursive: true });
await writeFile(join(outDir, 'latest.json'), JSON.stringify(results, null, 2) + '\n');
await writeFile(
  join(outDir, 'latest.svg'),
  renderSvg(
    toPlotRows(results),
    `recscore load test, ${plan.name} run, ${results.startedAt.slice(0, 16).replace('T', ' ')} UTC`,
    { ratio: targets.aim.recommendRatio, p99Ms: targets.aim.p99Ms },
  ),
);
await writeFile(join(outDir, 'latest.md'), renderMarkdown(results, 'latest.svg'));
clearTimeout(watchdog);

process.stdout.write(`\n${scenarioTable(results)}\n\n`);
for (const c of checks.filter((c) => c.skipped)) process.stdout.write(`SKIPPED ${c.detail}\n`);
for (const c of checks.filter((c) => !c.ok)) process.stdout.write(`MISSED ${c.detail}\n`);
const index = checks.find((c) => c.scenario === 'cpu-index');
if (index) process.stdout.write(`CPU index ${index.actual.toFixed(2)} (max ${index.limit})\n`);
for (const e of errors) process.stdout.write(`ERROR ${e}\n`);
process.stdout.write(
  `${results.passed ? 'load-test gate passed' : 'load-test gate FAILED'} (${(results.totalMs / 1000).toFixed(0)} s); ` +
    `results in ${outDir}\n`,
);
process.exitCode = results.passed ? 0 : 1;
