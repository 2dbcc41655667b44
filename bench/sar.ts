/**
 * `npm run bench:sar`: SAR training and scoring figures beside their references.
 * 1. The vectors' data (400 users × 300 items): fit and recommend-all (k 10, remove-seen, jaccard, decay,
 *    threshold 1) vs PY's medians on this machine (SPEC §12: 15.7 ms, 4.8 ms), medians of repeated runs.
 * 2. Synthetic logs (`recscore sar synth`): `recscore sar train` in a child process — wall time and peak
 *    RSS (/usr/bin/time) — vs Product Recommendations' published 30 s (300k/2k), 10 min (9M/30k) and
 *    6 h (1M/400k) on 4 cores.
 * 3. Per-request scoring on the largest trained model: personalised and item-based, WASM kernel vs the
 *    TypeScript reference, µs p50/p99 (in this thread; the kernel is the same code a worker runs).
 * Usage: node dist/bench/sar.js [--sizes 300k,9m,1m400k] [--dir DIR]
 */
import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { readModelFile } from '../src/model/kinds/sar/pack/unpack.js';
import { emptyReport } from '../src/model/kinds/sar/parse/codes.js';
import { readEvents } from '../src/model/kinds/sar/parse/read-events.js';
import { similarItems } from '../src/kernel/sar/item-based.js';
import { recommendForUser } from '../src/kernel/sar/personal.js';
import { MODEL_BASE, SarKernel, memoryWithModel } from '../src/kernel/sar/wasm.js';
import { train } from '../src/model/kinds/sar/train/train.js';
import type { UsageEvent } from '../src/model/kinds/sar/types.js';
import { unpackModel } from '../src/model/kinds/sar/pack/unpack.js';

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const CLI = join(ROOT, 'dist/src/cli/index.js');
const { values: args } = parseArgs({
  options: {
    sizes: { type: 'string', default: '300k,9m' },
    dir: { type: 'string', default: '/tmp/recscore-sar-bench' },
  },
});
const lines: string[] = [];
const say = (s: string) => {
  console.log(s);
  lines.push(s);
};
/** CPU milliseconds (user + system, whole process) of f: robust on a 2-core box shared with other work. */
function cpuMs(f: () => unknown): number {
  const c = process.cpuUsage();
  f();
  const d = process.cpuUsage(c);
  return (d.user + d.system) / 1000;
}
const row = (...cells: Array<string | number>) => say(`| ${cells.join(' | ')} |`);
const fmt = (n: number) => n.toLocaleString('en');
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))];

async function vectorsSection(): Promise<void> {
  const dataFile = [
    join(ROOT, 'test/fixtures/sar/data/train.jsonl.gz'),
    resolve(ROOT, '../shared/sar/vectors/data/train.jsonl'),
  ].find(existsSync);
  if (!dataFile) return say('(vectors data not found: section 1 skipped)');
  const events: UsageEvent[] = [];
  await readEvents(dataFile, emptyReport(), (e) => events.push(e));
  const params = { similarity: 'jaccard' as const, threshold: 1, decayHalfLifeDays: 30 };
  const fits: number[] = [];
  for (let r = 0; r < 25; r++) fits.push(cpuMs(() => train(events, params)));
  const model = train(events, params);
  const image = (await import('../src/model/kinds/sar/pack/pack.js')).packModel(model);
  const memory = memoryWithModel(image);
  const kernel = new SarKernel(memory, unpackModel(new Uint8Array(memory.buffer, MODEL_BASE, image.length)));
  const recRef: number[] = [];
  const recWasm: number[] = [];
  for (let r = 0; r < 25; r++) {
    recRef.push(
      cpuMs(() => {
        for (const u of model.users) recommendForUser(model, u, { k: 10, removeSeen: true });
      }),
    );
    recWasm.push(
      cpuMs(() => {
        for (const u of model.users) kernel.recommendUser(u, { k: 10, removeSeen: true });
      }),
    );
  }
  const size = `${model.users.length} users × ${model.items.length} items, ${events.length} rows`;
  say(`\n### Vectors' data (${size}; jaccard, decay, t1)\n`);
  row('step', 'recscore, CPU ms (median of 25)', 'PY wall ms (SPEC §12, median of 5)', 'PY / recscore');
  row('---', '--:', '--:', '--:');
  const cmp = (name: string, ms: number, py: number) => row(name, ms.toFixed(2), py, `${(py / ms).toFixed(1)}×`);
  cmp('fit (events in memory → model)', median(fits), 15.7);
  cmp('recommend-all, k 10, remove-seen — WASM kernel', median(recWasm), 4.8);
  cmp('recommend-all — TypeScript reference', median(recRef), 4.8);
}

const SIZES: Record<string, { users: number; items: number; events: number; pr: string; prSeconds: number }> = {
  '300k': { users: 20000, items: 2000, events: 300_000, pr: '30 s', prSeconds: 30 },
  '9m': { users: 600000, items: 30000, events: 9_000_000, pr: '10 min', prSeconds: 600 },
  '1m400k': { users: 66000, items: 400000, events: 1_000_000, pr: '6 h', prSeconds: 21600 },
};

function trainingSection(): string | undefined {
  mkdirSync(args.dir!, { recursive: true });
  say('\n### Training on synthetic logs (`sar synth` JSONL → `sar train`, jaccard, decay 30 d, threshold 1)\n');
  row(
    'log',
    'users',
    'CPU s (wall s): parse, train, pack',
    'peak RSS',
    'similarity nnz',
    'PR wall, 4 cores',
    'PR / CPU',
  );
  row('---', '--:', '--:', '--:', '--:', '--:', '--:');
  let last: string | undefined;
  for (const name of args.sizes!.split(',')) {
    const s = SIZES[name];
    if (!s) throw new Error(`unknown size ${name}`);
    const log = join(args.dir!, `synth-${name}.jsonl`);
    if (!existsSync(log)) {
      const g = spawnSync(
        process.execPath,
        [
          CLI,
          'sar',
          'synth',
          '--users',
          `${s.users}`,
          '--items',
          `${s.items}`,
          '--events',
          `${s.events}`,
          '--out',
          log,
        ],
        { encoding: 'utf8' },
      );
      if (g.status !== 0) throw new Error(g.stderr);
    }
    const model = join(args.dir!, `model-${name}.sarm`);
    const r = spawnSync(
      '/usr/bin/time',
      [
        '-f',
        '%e %U %S %M',
        process.execPath,
        CLI,
        'sar',
        'train',
        '--events',
        log,
        '--out',
        model,
        '--decay-half-life',
        '30',
      ],
      {
        encoding: 'utf8',
        maxBuffer: 1 << 26,
      },
    );
    if (r.status !== 0) throw new Error(r.stderr);
    const [wall, user, sys, rssKb] = r.stderr.trim().split('\n').pop()!.split(' ').map(Number);
    const cpu = user + sys;
    const out = JSON.parse(r.stdout);
    const mb = (statSync(log).size / 1e6).toFixed(0);
    row(
      `${fmt(s.events)} events / ${fmt(s.items)} items (${mb} MB)`,
      fmt(out.stats.users),
      `${cpu.toFixed(1)} (${wall.toFixed(1)})`,
      `${(rssKb / 1024).toFixed(0)} MB`,
      fmt(out.stats.similarityNnz),
      s.pr,
      `${(s.prSeconds / cpu).toFixed(0)}×`,
    );
    last = model;
  }
  return last;
}

async function inWorker(
  memory: WebAssembly.Memory,
  bytes: number,
  users: string[],
): Promise<Array<[string, number[]]>> {
  const worker = new Worker(new URL('./sar-worker.js', import.meta.url), { workerData: { memory, bytes, users } });
  const [rows] = (await once(worker, 'message')) as [Array<[string, number[]]>];
  await worker.terminate();
  return rows;
}

async function scoringSection(modelFile: string): Promise<void> {
  const { model, image } = readModelFile(modelFile);
  const memory = memoryWithModel(image);
  const kernel = new SarKernel(memory, unpackModel(new Uint8Array(memory.buffer, MODEL_BASE, image.length)));
  const users = model.users
    .filter((_, i) => i % Math.max(1, Math.floor(model.users.length / 2000)) === 0)
    .slice(0, 2000);
  const time = (f: (u: string, i: number) => unknown) => {
    const xs: number[] = [];
    users.forEach((u, i) => {
      const c = process.cpuUsage();
      f(u, i);
      const d = process.cpuUsage(c);
      xs.push(d.user + d.system);
    });
    return xs;
  };
  const rows: Array<[string, number[]]> = [];
  for (let warm = 0; warm < 2; warm++) {
    rows.length = 0;
    rows.push(['personalised, WASM', time((u) => kernel.recommendUser(u, { k: 10, removeSeen: true }))]);
    rows.push(['personalised, TS reference', time((u) => recommendForUser(model, u, { k: 10, removeSeen: true }))]);
    rows.push([
      'item-based (1 seed), WASM',
      time((_, i) => kernel.similarItems([model.items[(i * 7919) % model.items.length]])),
    ]);
    rows.push([
      'item-based (1 seed), TS reference',
      time((_, i) => similarItems(model, [model.items[(i * 7919) % model.items.length]])),
    ]);
  }
  rows.push(...(await inWorker(memory, image.length, users)));
  const what = `${fmt(model.items.length)}-item model (${users.length} users, k 10, remove-seen; CPU per request)`;
  say(`\n### Scoring per request on the ${what}\n`);
  row('query', 'CPU p50 µs', 'CPU p99 µs');
  row('---', '--:', '--:');
  for (const [name, xs] of rows) row(name, pct(xs, 0.5).toFixed(0), pct(xs, 0.99).toFixed(0));
}

say(`## SAR benchmark — ${new Date().toISOString().slice(0, 16)} UTC, node ${process.version}`);
await vectorsSection();
const largest = trainingSection();
if (largest) await scoringSection(largest);
mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
writeFileSync(join(ROOT, 'bench/results/sar.md'), `${lines.join('\n')}\n`);
