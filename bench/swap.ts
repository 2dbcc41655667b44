/**
 * `node dist/bench/swap.js MODEL_A MODEL_B PROFILES [swaps]`: starts `recscore serve` (1 worker) in a child
 * process on a symlink to MODEL_A, keeps 8 concurrent request loops running, and flips the symlink between
 * MODEL_A and MODEL_B (SIGHUP), waiting for each version to be installed. Reports the swap time (from the
 * server's log), p50/p99 of requests before and during swaps, non-2xx count, and the server's RSS: before,
 * peak during swaps (two versions resident), and after the last swap settles (one).
 */
import { spawn } from 'node:child_process';
import { readFileSync, renameSync, symlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Agent, request } from 'undici';

const [a, b, profiles, swapsArg] = process.argv.slice(2);
const swaps = Number(swapsArg ?? 6);
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const link = join(dirname(a), `swap-link-${process.pid}`);
const flip = (target: string) => {
  const tmp = `${link}.tmp`;
  symlinkSync(target, tmp);
  renameSync(tmp, link);
};
const rss = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;
const pct = (xs: number[], p: number) =>
  [...xs].sort((x, y) => x - y)[Math.min(xs.length - 1, Math.floor(p * xs.length))];

flip(a);
const ids = readFileSync(profiles, 'utf8')
  .trim()
  .split('\n')
  .slice(0, 2000)
  .map((l) => (JSON.parse(l) as { client_id: string }).client_id);
const child = spawn(
  process.execPath,
  [
    join(root, 'dist/src/cli/index.js'),
    'serve',
    '--models',
    link,
    '--profiles',
    profiles,
    '--port',
    '0',
    '--workers',
    '1',
    '--reload-interval',
    '0',
    '--cache-dir',
    'off',
  ],
  {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, RECSCORE_LOG_LEVEL: 'info' },
  },
);
const swapMs: number[] = [];
child.stderr.on('data', (d: Buffer) => {
  for (const line of d.toString().split('\n'))
    if (line.includes('model version installed')) swapMs.push(JSON.parse(line).ms);
});
const url = await new Promise<string>((resolve) =>
  child.stdout.on('data', (d: Buffer) => {
    const m = /listening on (\S+)/.exec(d.toString());
    if (m) resolve(m[1]);
  }),
);
const agent = new Agent({ headersTimeout: 10_000, bodyTimeout: 10_000, connections: 16 });
const state = { phase: 'before' as 'before' | 'during' | 'stop' };
const lat = { before: [] as number[], during: [] as number[] };
let non2xx = 0;
let errors = 0;
const loops = Array.from({ length: 8 }, async (_, w) => {
  for (let i = w; state.phase !== 'stop'; i += 8) {
    const t0 = performance.now();
    try {
      const res = await request(`${url}/v1/api/recommendations/${ids[i % ids.length]}/`, { dispatcher: agent });
      await res.body.dump();
      if (res.statusCode !== 200) non2xx++;
    } catch {
      errors++;
    }
    const ph = state.phase as string;
    if (ph !== 'stop') lat[ph as 'before' | 'during'].push(performance.now() - t0);
  }
});
await new Promise((r) => setTimeout(r, 5_000));
const rssBefore = rss(child.pid!);
state.phase = 'during';
let peak = rssBefore;
const sampler = setInterval(() => (peak = Math.max(peak, rss(child.pid!))), 20);
for (let s = 0; s < swaps; s++) {
  flip(s % 2 === 0 ? b : a);
  const installed = swapMs.length;
  child.kill('SIGHUP');
  for (let t = 0; t < 600 && swapMs.length === installed; t++) await new Promise((r) => setTimeout(r, 50));
  await new Promise((r) => setTimeout(r, 1_000));
}
clearInterval(sampler);
state.phase = 'stop';
await Promise.all(loops);
(globalThis as { gc?: () => void }).gc?.();
await new Promise((r) => setTimeout(r, 3_000));
const rssAfter = rss(child.pid!);
child.kill('SIGTERM');
await agent.close();
console.log(
  JSON.stringify({
    swaps: swapMs.length - 1,
    swapMs: swapMs.slice(1),
    non2xx,
    errors,
    before: { n: lat.before.length, p50: +pct(lat.before, 0.5).toFixed(2), p99: +pct(lat.before, 0.99).toFixed(2) },
    during: { n: lat.during.length, p50: +pct(lat.during, 0.5).toFixed(2), p99: +pct(lat.during, 0.99).toFixed(2) },
    rssMB: { before: Math.round(rssBefore), peakDuringSwaps: Math.round(peak), afterSettled: Math.round(rssAfter) },
  }),
);
