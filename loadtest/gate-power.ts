/**
 * The gate's power, measured: the quick gate (`run.js --quick`) run N times on the code as it is and N
 * times with a test-only slowdown (src/test-knobs.ts: a fixed amount of CPU per recommendation on the main
 * thread and per request in the worker), alternating the two (A B A B …) so a drift of the shared machine
 * touches both alike. A gate with power fails nearly every slowed run and passes nearly every plain one.
 *
 *   npm run build && node dist/loadtest/gate-power.js [--runs 10] [--main-us 16] [--worker-us 16] [--out DIR]
 *
 * Each run's full results stay in DIR/<arm>-<i>/latest.{json,md}; the summary (every run's verdict,
 * misses and per-scenario CPU ratios) goes to DIR/summary.md and is printed. Exit 0 when the plain code
 * passed ≥ 90 % of its runs and the slowed code failed ≥ 90 % of its runs.
 */
import { spawn } from 'node:child_process';
import { readFile, mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { REPO_ROOT } from './datasets.js';
import type { RunResults } from './results.js';

const { values } = parseArgs({
  options: {
    runs: { type: 'string' },
    'main-us': { type: 'string' },
    'worker-us': { type: 'string' },
    out: { type: 'string' },
  },
});
const runs = Number(values.runs ?? 10);
const mainUs = Number(values['main-us'] ?? 16);
const workerUs = Number(values['worker-us'] ?? 16);
if (!(runs >= 1) || !(mainUs >= 0) || !(workerUs >= 0)) {
  process.stderr.write(
    'usage: node dist/loadtest/gate-power.js [--runs N] [--main-us US] [--worker-us US] [--out DIR]\n',
  );
  process.exit(2);
}
const outDir = resolve(values.out ?? join(REPO_ROOT, 'loadtest/results/gate-power.tmp'));
const RUN = join(REPO_ROOT, 'dist/loadtest/run.js');
const SLOW_ENV = { RECSCORE_TEST_BUSY_MAIN_US: String(mainUs), RECSCORE_TEST_BUSY_WORKER_US: String(workerUs) };

interface Outcome {
  arm: 'plain' | 'slowed';
  i: number;
  exit: number | null;
  passed: boolean;
  seconds: number;
  missed: string[];
  cpuRatios: Record<string, number>;
}

function quickGate(dir: string, env: Record<string, string>): Promise<number | null> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [RUN, '--quick', '--out', dir], {
      stdio: ['ignore', 'ignore', 'ignore'],
      env: { ...process.env, ...env },
    });
    child.once('exit', (code) => done(code));
  });
}

const log = (msg: string) => process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
await mkdir(outDir, { recursive: true });
const outcomes: Outcome[] = [];
for (let i = 0; i < runs; i++) {
  for (const arm of i % 2 === 0 ? (['plain', 'slowed'] as const) : (['slowed', 'plain'] as const)) {
    const dir = join(outDir, `${arm}-${i + 1}`);
    const t0 = Date.now();
    const exit = await quickGate(dir, arm === 'slowed' ? SLOW_ENV : {});
    let res: RunResults | undefined;
    try {
      res = JSON.parse(await readFile(join(dir, 'latest.json'), 'utf8')) as RunResults;
    } catch {
      // no results: the run itself failed (counted as a failure, exit code kept)
    }
    const o: Outcome = {
      arm,
      i: i + 1,
      exit,
      passed: exit === 0,
      seconds: (Date.now() - t0) / 1000,
      missed: res ? [...res.checks.filter((c) => !c.ok).map((c) => c.detail), ...res.errors] : ['no results'],
      cpuRatios: Object.fromEntries([
        // the gated number (scenario-cpu.ts), then each scenario's CPU ratio
        ['cpuIndex', Number(res?.scenarios.find((s) => s.name === 'cpu')?.extra.cpuIndex ?? Number.NaN)],
        ...(res?.scenarios ?? []).map((s) => [s.name, s.cpu?.ratio ?? Number.NaN]),
      ]),
    };
    outcomes.push(o);
    log(
      `${arm} ${i + 1}: ${o.passed ? 'passed' : `FAILED (exit ${exit})`} in ${o.seconds.toFixed(0)} s; ` +
        `CPU ratios ${Object.entries(o.cpuRatios)
          .map(([k, v]) => `${k} ${v.toFixed(2)}`)
          .join(', ')}`,
    );
    await writeFile(join(outDir, 'summary.json'), JSON.stringify({ runs, mainUs, workerUs, outcomes }, null, 2) + '\n');
  }
}

const of = (arm: Outcome['arm']) => outcomes.filter((o) => o.arm === arm);
const plainPassed = of('plain').filter((o) => o.passed).length;
const slowedFailed = of('slowed').filter((o) => !o.passed).length;
const names = [...new Set(outcomes.flatMap((o) => Object.keys(o.cpuRatios)))];
const lines = [
  `# Gate power: ${runs} plain + ${runs} slowed quick-gate runs, ` +
    `${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC`,
  '',
  `Slowdown: RECSCORE_TEST_BUSY_MAIN_US=${mainUs}, RECSCORE_TEST_BUSY_WORKER_US=${workerUs}. ` +
    `Plain code passed ${plainPassed} of ${runs}; slowed code failed ${slowedFailed} of ${runs}.`,
  '',
  `| run | verdict | s | ${names.map((n) => `${n} CPU ratio`).join(' | ')} | missed |`,
  `|---|---|--:|${names.map(() => '--:|').join('')}---|`,
  ...outcomes.map(
    (o) =>
      `| ${o.arm} ${o.i} | ${o.passed ? 'pass' : 'FAIL'} | ${o.seconds.toFixed(0)} | ` +
      `${names.map((n) => (o.cpuRatios[n] ?? Number.NaN).toFixed(2)).join(' | ')} | ` +
      `${o.missed.join('; ').replace(/\|/g, '/')} |`,
  ),
  '',
];
await writeFile(join(outDir, 'summary.md'), lines.join('\n'));
process.stdout.write(lines.join('\n') + '\n');
process.exitCode = plainPassed >= 0.9 * runs && slowedFailed >= 0.9 * runs ? 0 : 1;
