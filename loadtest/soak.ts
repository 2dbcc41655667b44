/**
 * The soak (issue 10; not part of the quick gate): a recscore server on the demo model with its profiles
 * in a private Redis, under mixed traffic for `--minutes` (default 10), while the harness
 *
 * - every cycle (`--cycle-s`, default 40 s) stalls the server: `--stalls` times SIGSTOP for 0.3 s, then
 *   SIGCONT for 0.7 s; then asks, one request at a time, for a personalised answer (`served_by: ensemble`)
 *   — it must come within 2 s of the last SIGCONT;
 * - half a cycle later flaps Redis: SIGKILL, 3 s down, a new redis-server on the same port, profiles loaded
 *   again with `recscore profiles load` (the new server starts empty);
 * - reads the main thread's heap after a full GC (soak-heap.ts: DevTools protocol, no server change) once
 *   warm, at each cycle, and at the end after the traffic has stopped.
 *
 * Traffic (soak-traffic.ts): request loops over keep-alive connections (known clients, TAAR-lite, unknown
 * clients with a new locale on every request), plus sockets that send pipelined GETs and close at once.
 *
 * Passes when: the heap after GC at the end is within 10 % of the warm value; every stall is followed by
 * a personalised answer within 2 s; no request failed (non-2xx, or an error on a connection we did not
 * drop). Results: loadtest/results/soak.tmp/soak.{json,md} (or --out DIR). Exit 0 pass, 1 fail, 2 usage.
 *
 *   npm run build && npm run loadtest:soak            # 10 minutes
 *   node dist/loadtest/soak.js --minutes 2            # a short trial
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { freePort, startRedis } from '../test/helpers/redis-server.js';
import { getText, killAllChildren } from './children.js';
import { demoData, REPO_ROOT } from './datasets.js';
import { recommendPath } from './paths.js';
import { loadProfiles } from './scenario-degraded.js';
import { connectHeapReader } from './soak-heap.js';
import { startTraffic } from './soak-traffic.js';
import { startRecscore } from './servers.js';

process.env.RECSCORE_LOG_LEVEL ??= 'warn';
const { values } = parseArgs({
  options: {
    minutes: { type: 'string' },
    'cycle-s': { type: 'string' },
    stalls: { type: 'string' },
    loops: { type: 'string' },
    out: { type: 'string' },
  },
});
const minutes = Number(values.minutes ?? 10);
const cycleMs = Number(values['cycle-s'] ?? 40) * 1000;
const stalls = Number(values.stalls ?? 5);
const loops = Number(values.loops ?? 8);
if (!(minutes > 0) || !(cycleMs >= 20_000) || !(stalls >= 1) || !(loops >= 1)) {
  process.stderr.write(
    'usage: node dist/loadtest/soak.js [--minutes M] [--cycle-s S ≥ 20] [--stalls N] [--loops N] [--out DIR]\n',
  );
  process.exit(2);
}
const outDir = resolve(values.out ?? join(REPO_ROOT, 'loadtest/results/soak.tmp'));
const WARMUP_MS = 20_000;
const RECOVERY_LIMIT_MS = 2_000;
const HEAP_GROWTH_LIMIT = 0.1;
const started = Date.now();
const log = (msg: string) =>
  process.stderr.write(`[${((Date.now() - started) / 1000).toFixed(1).padStart(6)} s] ${msg}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const redis = await startRedis();
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.once(sig, () => {
    killAllChildren();
    process.exit(130);
  });
}
process.on('exit', killAllChildren);

const data = await demoData();
await loadProfiles(data.profiles, redis.url);
const inspectPort = await freePort();
const server = await startRecscore({
  name: 'recscore soak',
  models: data.models,
  profiles: redis.url,
  env: { NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --inspect=127.0.0.1:${inspectPort}`.trim() },
});
const heap = await connectHeapReader(inspectPort);
log(`server ${server.url} (pid ${server.pid}), redis ${redis.url}, ${minutes} min, a cycle every ${cycleMs / 1000} s`);

const traffic = startTraffic({
  url: server.url,
  data,
  loops,
  disconnectEveryMs: 500,
  disconnectSockets: 20,
  pipelined: 5,
  requestTimeoutMs: 10_000,
});

/** One request at a time until an answer is personalised; ms from `since`, or null past the limit. */
async function personalisedWithin(since: number, limitMs: number): Promise<{ ms: number | null; last: string }> {
  let last = '';
  let i = 0;
  while (Date.now() - since <= limitMs + 3_000) {
    const id = data.clientIds[i++ % data.clientIds.length];
    try {
      const { status, text } = await getText(`${server.url}${recommendPath(id)}?draw=0`, 2_000);
      last = `${status} ${/"result_info":\{[^}]*\}/.exec(text)?.[0] ?? text.slice(0, 120)}`;
      if (status === 200 && text.includes('"served_by":"ensemble"')) {
        const ms = Date.now() - since;
        return { ms: ms <= limitMs ? ms : null, last: `${last} after ${ms} ms` };
      }
    } catch (e) {
      last = (e as Error).message;
    }
    await sleep(50);
  }
  return { ms: null, last };
}

/** `profile 0, scorer 2`: recscore_breaker_state per breaker (0 closed, 1 half-open, 2 open), or why not. */
async function breakers(): Promise<string> {
  try {
    const { text } = await getText(`${server.url}/metrics`, 3_000);
    const states = [...text.matchAll(/^recscore_breaker_state\{breaker="([^"]+)"\} (\d+)/gm)].map(
      (m) => `${m[1]} ${m[2]}`,
    );
    return states.join(', ') || 'no breaker gauge';
  } catch (e) {
    return `metrics: ${(e as Error).message}`;
  }
}

interface Cycle {
  at_s: number;
  /** breaker states right after the stall burst, before the recovery probe */
  breakersAfterStalls: string;
  recoveryMs: number | null;
  recoveryDetail: string;
  heapAfterGcMb: number;
  redisFlap: string;
}
const cycles: Cycle[] = [];
// How often each breaker was found open or half-open, sampled every 2 s: which one a fallback-heavy run had open.
const breakerSamples: Record<string, { samples: number; notClosed: number }> = {};
let sampling = false;
const sampler = setInterval(() => {
  if (sampling) return; // a sample waits out a stall instead of piling up
  sampling = true;
  void breakers()
    .then((line) => {
      for (const m of line.matchAll(/(\w+) (\d+)/g)) {
        const b = (breakerSamples[m[1]] ??= { samples: 0, notClosed: 0 });
        b.samples++;
        if (m[2] !== '0') b.notClosed++;
      }
    })
    .finally(() => (sampling = false));
}, 2_000);
const errors: string[] = [];
const mb = (b: number) => b / 2 ** 20;
let warmHeap = Number.NaN;
let finalHeap = Number.NaN;
try {
  await sleep(WARMUP_MS);
  warmHeap = await heap.usedAfterGc();
  log(
    `warm: heap after GC ${mb(warmHeap).toFixed(1)} MB; ${traffic.stats.requests} requests so far; breakers ` +
      `${await breakers()}`,
  );
  const end = started + minutes * 60_000;
  while (Date.now() + cycleMs / 2 < end) {
    const cycleStart = Date.now();
    for (let k = 0; k < stalls; k++) {
      process.kill(server.pid, 'SIGSTOP');
      await sleep(300);
      process.kill(server.pid, 'SIGCONT');
      if (k < stalls - 1) await sleep(700);
    }
    const lastCont = Date.now();
    const breakersAfterStalls = await breakers();
    const rec = await personalisedWithin(lastCont, RECOVERY_LIMIT_MS);
    log(
      `stalls ×${stalls}: breakers ${breakersAfterStalls}; personalised answer ` +
        `${rec.ms === null ? `NOT within ${RECOVERY_LIMIT_MS} ms` : `after ${rec.ms} ms`} (${rec.last})`,
    );
    await sleep(Math.max(0, cycleStart + cycleMs / 2 - Date.now()));
    let flap = '';
    try {
      redis.kill();
      await sleep(3_000);
      await redis.restart();
      const t = Date.now();
      await loadProfiles(data.profiles, redis.url);
      flap = `down 3 s, profiles reloaded in ${((Date.now() - t) / 1000).toFixed(1)} s`;
    } catch (e) {
      flap = `FAILED: ${(e as Error).message}`;
      errors.push(`redis flap: ${(e as Error).message}`);
    }
    const h = await heap.usedAfterGc();
    cycles.push({
      at_s: (cycleStart - started) / 1000,
      breakersAfterStalls,
      recoveryMs: rec.ms,
      recoveryDetail: rec.last,
      heapAfterGcMb: mb(h),
      redisFlap: flap,
    });
    log(
      `redis ${flap}; heap after GC ${mb(h).toFixed(1)} MB; requests ${traffic.stats.requests}, failed ` +
        `${traffic.stats.failed}, sockets dropped ${traffic.stats.disconnectedSockets}`,
    );
    await sleep(Math.max(0, cycleStart + cycleMs - Date.now()));
  }
  await sleep(Math.max(0, end - Date.now()));
  await traffic.stop();
  await sleep(2_000);
  finalHeap = await heap.usedAfterGc();
  log(`end: heap after GC ${mb(finalHeap).toFixed(1)} MB (warm ${mb(warmHeap).toFixed(1)} MB)`);
} catch (e) {
  errors.push(`harness: ${(e as Error).stack ?? e}`);
  await traffic.stop().catch(() => undefined);
} finally {
  clearInterval(sampler);
  heap.close();
  await server.stop().catch(() => undefined);
  await redis.stop().catch(() => undefined);
}

const s = traffic.stats;
const growth = finalHeap / warmHeap - 1;
const slow = cycles.filter((c) => c.recoveryMs === null);
const checks = [
  {
    name: `heap after GC within ${HEAP_GROWTH_LIMIT * 100} % of warm`,
    ok: Number.isFinite(growth) && growth <= HEAP_GROWTH_LIMIT,
    detail: `${mb(warmHeap).toFixed(1)} → ${mb(finalHeap).toFixed(1)} MB (${(growth * 100).toFixed(1)} %)`,
  },
  {
    name: `personalised answer within ${RECOVERY_LIMIT_MS} ms after every stall`,
    ok: cycles.length > 0 && slow.length === 0,
    detail: `${cycles.length - slow.length} of ${cycles.length} stall bursts recovered in time`,
  },
  {
    name: 'no request failed',
    ok: s.failed === 0,
    detail: `${s.failed} failed (${s.non2xx} non-2xx) of ${s.requests}`,
  },
  { name: 'harness ran', ok: errors.length === 0, detail: errors.join('; ') || 'ok' },
];
const passed = checks.every((c) => c.ok);
const summary = {
  startedAt: new Date(started).toISOString(),
  minutes,
  cycleMs,
  stalls,
  loops,
  passed,
  checks,
  warmHeapMb: mb(warmHeap),
  finalHeapMb: mb(finalHeap),
  cycles,
  breakerSamples,
  traffic: s,
};
const breakerLine = Object.entries(breakerSamples)
  .map(([b, n]) => `${b} not closed in ${n.notClosed} of ${n.samples} samples`)
  .join(', ');
const md = [
  `# Soak: ${minutes} min, ${summary.startedAt.slice(0, 16).replace('T', ' ')} UTC — ${passed ? 'passed' : 'FAILED'}`,
  '',
  ...checks.map((c) => `- ${c.ok ? '✓' : '✗'} ${c.name}: ${c.detail}`),
  '',
  `Traffic: ${s.requests} requests (${Object.entries(s.byKind)
    .map(([k, n]) => `${k} ${n}`)
    .join(
      ', ',
    )}), ${s.distinctLocales} distinct locales, ${s.disconnectedSockets} sockets dropped after sending 5 GETs.`,
  `Breakers (sampled every 2 s): ${breakerLine || 'no samples'}.`,
  `Answers: ${Object.entries(s.servedBy)
    .sort((a, b) => b[1] - a[1])
    .map(([k, n]) => `${k} ${n}`)
    .join(', ')}.`,
  '',
  'Breaker states: 0 closed, 1 half-open, 2 open.',
  '',
  '| cycle at s | breakers after stalls | personalised after stalls | heap after GC MB | redis flap |',
  '|--:|---|---|--:|---|',
  ...cycles.map(
    (c) =>
      `| ${c.at_s.toFixed(0)} | ${c.breakersAfterStalls} | ` +
      `${c.recoveryMs === null ? `NO (${c.recoveryDetail.replace(/\|/g, '/')})` : `${c.recoveryMs} ms`} | ` +
      `${c.heapAfterGcMb.toFixed(1)} | ${c.redisFlap} |`,
  ),
  '',
  ...(s.failures.length ? ['First failures:', '', ...s.failures.map((f) => `- ${f}`), ''] : []),
];
await mkdir(outDir, { recursive: true });
await writeFile(join(outDir, 'soak.json'), JSON.stringify(summary, null, 2) + '\n');
await writeFile(join(outDir, 'soak.md'), md.join('\n'));
process.stdout.write(md.join('\n') + '\n');
process.exit(passed ? 0 : 1);
