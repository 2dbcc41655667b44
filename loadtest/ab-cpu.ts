/**
 * CPU per answer of server variants side by side, for performance work on the shared machine: the
 * ceiling, the demo server as it is (recommend and unknown clients) and one recscore server per variant
 * (its own environment), all alive at once, in cycles of short rounds whose order alternates, with the
 * cpu scenario's estimator (scenario-cpu.ts: schedstat ns per answer, lower quartile of the rounds). Two
 * servers measured in the same cycles see the same neighbours, so their ratio is far steadier than two
 * runs of thread-cpu.js one after the other. Not a gate.
 *
 *   npm run build && node dist/loadtest/ab-cpu.js [--cycles 14] [--round-ms 500] [--out FILE]
 *     --variant 'b64:RECSCORE_MAX_BATCH=64' [--variant 'slowed:RECSCORE_TEST_BUSY_MAIN_US=24,…' …]
 *     [--variant 'before@.cache/base:' …] [--variant-unknown]
 *
 * `NAME@DIR:…` runs that variant from another build: DIR holds a copy of `dist/` and `build/` (e.g. the
 * commit before a change, `cp -r dist build .cache/base/`), so code changes compare side by side too.
 * DIR must sit inside the repository, where node_modules is found.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { killAllChildren, type ChildHandle } from './children.js';
import { threadsOnCpuNs } from './cpu.js';
import { demoData } from './datasets.js';
import { fireRound } from './fire.js';
import { recommendPaths, unknownPaths } from './paths.js';
import { armCpuUs } from './scenario-cpu.js';
import { sampleAnswer, startCeiling, startRecscore } from './servers.js';
import { median } from './stats.js';

const { values } = parseArgs({
  options: {
    cycles: { type: 'string' },
    'round-ms': { type: 'string' },
    variant: { type: 'string', multiple: true },
    out: { type: 'string' },
    // each variant also answers unknown clients (the request path without scoring)
    'variant-unknown': { type: 'boolean' },
  },
});
const cycles = Number(values.cycles ?? 14);
const roundMs = Number(values['round-ms'] ?? 500);
const variants = (values.variant ?? []).map((spec) => {
  const [label, envText = ''] = spec.split(/:(.*)/s);
  const [name, root] = label.split('@');
  const env = Object.fromEntries(
    envText
      .split(',')
      .filter(Boolean)
      .map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]),
  );
  if (!name || Object.keys(env).some((k) => !/^[A-Z_][A-Z0-9_]*$/.test(k)))
    throw new Error(`--variant wants NAME:VAR=VALUE[,VAR=VALUE…], got ${JSON.stringify(spec)}`);
  return { name, env, cli: root ? resolve(root, 'dist/src/cli/index.js') : undefined };
});

/** ns on a CPU of each thread of the process, by thread id (the main thread's id is the pid). */
function threadNs(pid: number): Map<number, number> {
  const out = new Map<number, number>();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      out.set(Number(tid), Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]));
    } catch {
      // ended meanwhile
    }
  }
  return out;
}

interface Arm {
  name: string;
  server: ChildHandle;
  nextPath: () => string;
  us: number[];
  mainUs: number[];
  workerUs: number[];
  rps: number[];
  p99: number[];
}

const data = await demoData();
const started: ChildHandle[] = [];
try {
  const start = async (name: string, env: Record<string, string>, cli?: string) => {
    const s = await startRecscore({ name, models: data.models, profiles: data.profiles, env, cli });
    started.push(s);
    return s;
  };
  const base = await start('recscore', {});
  const rec = recommendPaths(data, 7);
  const ceiling = await startCeiling(await sampleAnswer(base.url, rec));
  started.push(ceiling);
  const arm = (name: string, server: ChildHandle, nextPath: () => string): Arm => ({
    name,
    server,
    nextPath,
    us: [],
    mainUs: [],
    workerUs: [],
    rps: [],
    p99: [],
  });
  const arms = [arm('ceiling', ceiling, rec), arm('recommend', base, rec), arm('unknown', base, unknownPaths(9))];
  for (const v of variants) {
    const server = await start(v.name, v.env, v.cli);
    arms.push(arm(`${v.name} recommend`, server, rec));
    if (values['variant-unknown']) arms.push(arm(`${v.name} unknown`, server, unknownPaths(9)));
  }
  const fire = (a: Arm, ms: number) =>
    fireRound({ url: a.server.url, connections: 32, durationMs: ms, maxRequests: 1e6, nextPath: a.nextPath });
  for (const a of arms) await fire(a, 1500);
  for (let c = 0; c < cycles; c++) {
    for (const a of c % 2 === 0 ? arms : [...arms].reverse()) {
      const before = threadNs(a.server.pid);
      const all0 = threadsOnCpuNs(a.server.pid);
      const r = await fire(a, roundMs);
      const after = threadNs(a.server.pid);
      const perReq = (ns: number) => (r.requests > 0 ? ns / 1000 / r.requests : Number.NaN);
      let worker = 0;
      for (const [tid, ns] of after) if (tid !== a.server.pid) worker = Math.max(worker, ns - (before.get(tid) ?? 0));
      a.us.push(perReq(threadsOnCpuNs(a.server.pid) - all0));
      a.mainUs.push(perReq((after.get(a.server.pid) ?? 0) - (before.get(a.server.pid) ?? 0)));
      a.workerUs.push(perReq(worker));
      a.rps.push(r.rps);
      a.p99.push(r.latency.p99);
    }
    process.stderr.write('.');
  }
  const ceilingUs = armCpuUs(arms[0].us);
  const load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  const lines = [
    `\n${cycles} cycles of ${roundMs} ms rounds, load average at the end ${load}; CPU µs per answer = lower quartile`,
    '| arm | CPU µs/answer | ÷ ceiling | main µs | busiest other thread µs | req/s (median) | p99 ms (median) |',
    '|---|--:|--:|--:|--:|--:|--:|',
    ...arms.map((a) => {
      const us = armCpuUs(a.us);
      return (
        `| ${a.name} | ${us.toFixed(1)} | ${(us / ceilingUs).toFixed(2)} | ${armCpuUs(a.mainUs).toFixed(1)} | ` +
        `${armCpuUs(a.workerUs).toFixed(1)} | ${median(a.rps).toFixed(0)} | ${median(a.p99).toFixed(2)} |`
      );
    }),
  ];
  console.log(lines.join('\n'));
  if (values.out) writeFileSync(values.out, JSON.stringify(arms.map(({ server, nextPath, ...rest }) => rest)));
} finally {
  for (const s of started) await s.stop();
  killAllChildren();
}
