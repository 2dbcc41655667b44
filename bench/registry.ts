/**
 * `npm run bench:registry`: time from `POST /api/models` to `Completed`, through a real `recscore serve`
 * (registry in a temporary folder, training in its worker thread), for the SAR vectors' training log and the
 * 9M-event synthetic log (`recscore sar synth`, as bench:sar makes it). Polls every 100 ms; reports the
 * wall time, the server's CPU time over the job (all threads), the record's own durations, the server's peak
 * RSS seen while training, and the load average
 * before and after (the machine is shared: read the figures beside it).
 * Usage: node dist/bench/registry.js [--sizes vectors,9m] [--dir DIR]
 */
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { request } from 'undici';

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const CLI = join(ROOT, 'dist/src/cli/index.js');
const KEY = 'bench-registry-admin-key';
const { values: args } = parseArgs({
  options: {
    sizes: { type: 'string', default: 'vectors,9m' },
    dir: { type: 'string', default: '/tmp/recscore-sar-bench' },
  },
});
const LOGS: Record<string, { file: string; make?: string[]; label: string }> = {
  vectors: { file: 'train.jsonl.gz', label: "SAR vectors' training log (8,932 events, 400 users, 300 items)" },
  '9m': {
    file: 'synth-9m.jsonl',
    make: ['--users', '600000', '--items', '30000', '--events', '9000000'],
    label: '9,000,000 events / 600,000 users / 30,000 items (synthetic, 621 MB)',
  },
};

const load = () =>
  loadavg()
    .map((x) => x.toFixed(2))
    .join(', ');

async function api(url: string, method: string, path: string, body?: unknown): Promise<any> {
  const res = await request(`${url}${path}`, {
    method: method as 'GET',
    headers: { 'x-api-key': KEY, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return res.body.json();
}

/** User + system CPU seconds of a process so far (/proc/PID/stat, clock ticks of 1/100 s). */
function cpuSeconds(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(f[11]) + Number(f[12])) / 100;
}

function rssMb(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

async function main(): Promise<void> {
  const data = resolve(args.dir!);
  mkdirSync(data, { recursive: true });
  copyFileSync(join(ROOT, 'test/fixtures/sar/data/train.jsonl.gz'), join(data, 'train.jsonl.gz'));
  const sizes = args.sizes!.split(',');
  for (const s of sizes) {
    const log = LOGS[s];
    if (log?.make && !existsSync(join(data, log.file))) {
      const g = spawnSync(process.execPath, [CLI, 'sar', 'synth', ...log.make, '--out', join(data, log.file)], {
        encoding: 'utf8',
      });
      if (g.status !== 0) throw new Error(g.stderr);
    }
  }
  const registry = join(data, `registry-${process.pid}`);
  const child = spawn(
    process.execPath,
    [CLI, 'serve', '--demo', '--port', '0', '--workers', '1', '--registry', registry],
    {
      env: { ...process.env, RECSCORE_LOG_LEVEL: 'warn', RECSCORE_DATA_DIR: data, RECSCORE_ADMIN_KEYS: KEY },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const url = await new Promise<string>((res, rej) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) res(m[1]);
    });
    child.once('exit', (c) => rej(new Error(`serve exited ${c}`)));
  });
  const lines = [
    `## Registry: POST /api/models → Completed — ${new Date().toISOString().slice(0, 16)} UTC, node ${process.version}`,
    '',
    'jaccard, threshold 1, decay 30 d (PR defaults otherwise), one training job at a time, through `recscore serve`',
    '(`node dist/bench/registry.js`); wall time measured by the client polling every 100 ms.',
    '',
    '| log | POST → Completed, wall s | server CPU s | training thread wall s (record) ' +
      '| server peak RSS while training | load average before → after |',
    '| --- | --: | --: | --: | --: | --- |',
  ];
  try {
    for (const s of sizes) {
      const log = LOGS[s];
      if (!log) throw new Error(`unknown size ${s}`);
      const before = load();
      const cpu0 = cpuSeconds(child.pid!);
      const t0 = performance.now();
      const created = await api(url, 'POST', '/api/models', {
        usage: log.file,
        supportThreshold: 1,
        description: `bench ${s}`,
      });
      let r = created;
      let peak = 0;
      while (r.modelStatus === 'Created' || r.modelStatus === 'InProgress') {
        await new Promise((res) => setTimeout(res, 100));
        peak = Math.max(peak, rssMb(child.pid!));
        r = await api(url, 'GET', `/api/models/${created.id}`);
      }
      const wall = (performance.now() - t0) / 1000;
      const cpu = cpuSeconds(child.pid!) - cpu0;
      if (r.modelStatus !== 'Completed') throw new Error(`${s}: ${r.modelStatusMessage}`);
      const thread = r.statistics.durations.trainingSeconds.toFixed(1);
      const row =
        `| ${log.label} | ${wall.toFixed(1)} | ${cpu.toFixed(1)} | ${thread} | ${peak.toFixed(0)} MB ` +
        `| ${before} → ${load()} |`;
      console.log(row);
      lines.push(row);
      await api(url, 'DELETE', `/api/models/${created.id}`);
    }
  } finally {
    child.kill('SIGTERM');
  }
  mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
  writeFileSync(join(ROOT, 'bench/results/registry.md'), `${lines.join('\n')}\n`);
}

await main();
