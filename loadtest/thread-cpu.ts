/**
 * Where a recommendation's CPU goes, thread by thread: one recscore server on the demo model, one
 * warm-up round, then one measured round at 32 connections, reading every thread's utime + stime from
 * /proc/<pid>/task/<tid>/stat around it (the main thread is the one whose tid is the pid; Piscina
 * workers and V8's helper threads are the others) and the load generator's own CPU. Not a gate: a tool
 * for the README's "where the time goes".
 *
 *   npm run build && node dist/loadtest/thread-cpu.js [--workers N] [--seconds S] [--connections C]
 *     [--path recommend|unknown|health] [--served-log on|off] [--env NAME=VALUE …]
 *
 * `unknown`: clients the store does not know, answered from the locale/global fallback without the pool —
 * the same HTTP, validation and profile lookup as `recommend`, no scoring: what the rest costs.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { getText, killAllChildren } from './children.js';
import { takeCpuSnapshot, cpuBetween, parsePidStat } from './cpu.js';
import { demoData } from './datasets.js';
import { fireRound } from './fire.js';
import { recommendPath, recommendPaths, seededRandom, unknownClientId } from './paths.js';
import { startRecscore, batchStats } from './servers.js';

const TICK_US = 1e6 / 100; // USER_HZ is 100 on Linux

function threadTicks(pid: number): Map<number, number> {
  const out = new Map<number, number>();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      out.set(Number(tid), parsePidStat(readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8')).jiffies);
    } catch {
      // a thread that ended between the listing and the read
    }
  }
  return out;
}

const { values } = parseArgs({
  options: {
    workers: { type: 'string' },
    seconds: { type: 'string' },
    connections: { type: 'string' },
    path: { type: 'string' },
    'served-log': { type: 'string' },
    // any server setting for an A/B comparison, e.g. --env RECSCORE_MAX_BATCH=64
    env: { type: 'string', multiple: true },
  },
});
const extraEnv = Object.fromEntries(
  (values.env ?? []).map((kv) => {
    const at = kv.indexOf('=');
    if (at < 1) throw new Error(`--env wants NAME=VALUE, got ${JSON.stringify(kv)}`);
    return [kv.slice(0, at), kv.slice(at + 1)];
  }),
);
const seconds = Number(values.seconds ?? 6);
const connections = Number(values.connections ?? 32);
const data = await demoData();
const server = await startRecscore({
  name: 'recscore',
  models: data.models,
  profiles: data.profiles,
  workers: values.workers === undefined ? undefined : Number(values.workers),
  env: { ...(values['served-log'] === undefined ? {} : { RECSCORE_SERVED_LOG: values['served-log'] }), ...extraEnv },
});
try {
  const random = seededRandom(7);
  const nextPath =
    values.path === 'health'
      ? () => '/health'
      : values.path === 'unknown'
        ? () => recommendPath(unknownClientId(random))
        : recommendPaths(data, 7);
  const spec = { url: server.url, connections, maxRequests: 5_000_000, nextPath };
  await fireRound({ ...spec, durationMs: 2_000 });
  const before = threadTicks(server.pid);
  const batchesBefore = await batchStats(server.url);
  const machine = takeCpuSnapshot();
  const self = process.cpuUsage();
  const r = await fireRound({ ...spec, durationMs: seconds * 1000 });
  const selfUs = process.cpuUsage(self);
  const use = cpuBetween(machine, takeCpuSnapshot());
  const after = threadTicks(server.pid);
  const batches = await batchStats(server.url);
  const perReq = (ticks: number) => ((ticks * TICK_US) / r.requests).toFixed(1);
  console.log(
    `${r.requests} requests in ${(r.elapsedMs / 1000).toFixed(1)} s: ${Math.round(r.rps)} req/s, p50 ` +
      `${r.latency.p50.toFixed(2)} ms, p99 ${r.latency.p99.toFixed(2)} ms, non-2xx ${r.non2xx}`,
  );
  console.log(`cores busy: ours ${use.ourCores.toFixed(2)}, others ${use.otherCores.toFixed(2)} (of 2)`);
  console.log('thread                 CPU µs per request   share of one core');
  const rows = [...after]
    .map(([tid, t]) => ({ tid, d: t - (before.get(tid) ?? 0) }))
    .filter((x) => x.d > 0)
    .sort((a, b) => b.d - a.d);
  for (const { tid, d } of rows) {
    const name = tid === server.pid ? 'main' : `thread ${tid}`;
    console.log(
      `${name.padEnd(22)} ${perReq(d).padStart(8)}             ` +
        `${((d * TICK_US) / (r.elapsedMs * 10)).toFixed(0).padStart(3)} %`,
    );
  }
  const all = rows.reduce((a, x) => a + x.d, 0);
  const main = rows.find((x) => x.tid === server.pid)?.d ?? 0;
  const top = rows.find((x) => x.tid !== server.pid)?.d ?? 0; // the busiest other thread: the worker
  console.log(`server µs per request: all threads ${perReq(all)} (main ${perReq(main)}, busiest other ${perReq(top)})`);
  console.log(`${'load generator'.padEnd(22)} ${((selfUs.user + selfUs.system) / r.requests).toFixed(1).padStart(8)}`);
  const n = batches.batches - batchesBefore.batches;
  if (n > 0) {
    const ms = (k: 'handoff' | 'compute' | 'return') =>
      (((batches.phases[k] - batchesBefore.phases[k]) / n) * 1000).toFixed(2);
    console.log(
      `batches: ${n}, mean size ${((batches.requests - batchesBefore.requests) / n).toFixed(1)}; per batch: hand-off ` +
        `${ms('handoff')} ms, compute ${ms('compute')} ms, return ${ms('return')} ms`,
    );
  }
  const servedLines = (await getText(`${server.url}/metrics`)).text.split('\n');
  for (const line of servedLines.filter((l) => l.startsWith('recscore_served_log_'))) console.log(line);
} finally {
  await server.stop();
  killAllChildren();
}
