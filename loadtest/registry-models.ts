/**
 * Registry models under load (issue #13; not part of the gate): item-to-item (`GET /api/models/{id}/
 * recommend?itemId=`) and personalised (`POST` with 5 usage events) recommendations on a 30k-item SAR
 * model, 32 connections, each as a ratio to a bare node:http ceiling answering a captured body of the
 * same route in the same run (alternating rounds, medians, as loadtest/README.md), and the server's RSS
 * with one, then three models loaded.
 *
 * The log is `recscore sar synth` (default 2M events, 130k users, 30k items: the 9M-event log of
 * bench:sar takes minutes to train on a loaded machine); three models (jaccard, lift, co-occurrence, decay
 * 30 d) are trained from it once and kept in --dir.
 *
 *   node dist/loadtest/registry-models.js [--rounds N] [--seconds S] [--events E] [--users U] [--items I] [--dir D]
 *     → a Markdown table on stdout
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { readModelFile } from '../src/model/kinds/sar/pack/unpack.js';
import { seededRandom } from '../src/seeded-random.js';
import { killAllChildren, startChild, type ChildHandle } from './children.js';
import { DEFAULT_WORKERS } from './context.js';
import { REPO_ROOT } from './datasets.js';
import { SampleBuffer, median, summarize } from './stats.js';
import { processCpuSeconds } from './cpu.js';

const { values } = parseArgs({
  options: {
    rounds: { type: 'string' },
    seconds: { type: 'string' },
    events: { type: 'string' },
    users: { type: 'string' },
    items: { type: 'string' },
    dir: { type: 'string' },
  },
});
const ROUNDS = Number(values.rounds ?? 3);
const SECONDS = Number(values.seconds ?? 2);
const SIZE = { events: values.events ?? '2000000', users: values.users ?? '130000', items: values.items ?? '30000' };
const DIR = values.dir ?? '/tmp/recscore-loadtest-registry';
const CLI = join(REPO_ROOT, 'dist/src/cli/index.js');
const IDS = [
  '5b0c6a56-0f4e-4b8e-9d55-000000000001',
  '5b0c6a56-0f4e-4b8e-9d55-000000000002',
  '5b0c6a56-0f4e-4b8e-9d55-000000000003',
];
const SIMILARITIES = ['jaccard', 'lift', 'cooccurrence'];

function cli(args: string[]): string {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`recscore ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

/** The log and the three models, made once per size. */
function prepare(): { files: string[]; trainSeconds: number[] } {
  mkdirSync(DIR, { recursive: true });
  const tag = `${SIZE.events}-${SIZE.users}-${SIZE.items}`;
  const log = join(DIR, `synth-${tag}.jsonl`);
  if (!existsSync(log))
    cli(['sar', 'synth', '--users', SIZE.users, '--items', SIZE.items, '--events', SIZE.events, '--out', log]);
  const trainSeconds: number[] = [];
  const files = SIMILARITIES.map((similarity) => {
    const out = join(DIR, `model-${tag}-${similarity}.sarm`);
    if (!existsSync(out)) {
      const args = [
        'sar',
        'train',
        '--events',
        log,
        '--out',
        out,
        '--similarity',
        similarity,
        '--decay-half-life',
        '30',
      ];
      trainSeconds.push((JSON.parse(cli(args)) as { train_seconds: number }).train_seconds);
    }
    return out;
  });
  return { files, trainSeconds };
}

const rssMiB = (pid: number) =>
  Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;

/** Scored answers so far (the scoring stage's successes): fallbacks do not count as good answers. */
async function scored(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return Number(/recscore_scoring_duration_seconds_count\{outcome="ok"\} (\d+)/.exec(text)?.[1] ?? 0);
}

type Request = { method: 'GET' | 'POST'; path: string; body?: string };
interface Round {
  rps: number;
  good: number;
  p99: number;
  non2xx: number;
  errors: number;
  requests: number;
}

function round(url: string, next: () => Request, seconds: number, countGood: boolean): Promise<Round> {
  const samples = new SampleBuffer();
  return new Promise((resolve, reject) => {
    const run = async () => {
      const before = countGood ? await scored(url) : 0;
      const started = performance.now();
      let last = started;
      const inst = autocannon(
        {
          url,
          connections: 32,
          pipelining: 1,
          duration: seconds,
          timeout: 10,
          renderProgressBar: false,
          renderResultsTable: false,
          renderLatencyTable: false,
          requests: [
            {
              headers: { 'content-type': 'application/json' },
              setupRequest: (req) => ({ ...req, ...next() }),
            },
          ],
        },
        (err, result) => {
          if (err) return reject(err);
          const secs = (last - started) / 1000;
          const done = (good: number) =>
            resolve({
              rps: samples.length / secs,
              good: good / secs,
              p99: summarize(samples.sorted()).p99,
              non2xx: result.non2xx,
              errors: result.errors,
              requests: samples.length,
            });
          if (countGood) scored(url).then((after) => done(after - before), reject);
          else done(samples.length);
        },
      );
      inst.on('response', (_c, _s, _b, ms) => {
        samples.push(ms);
        last = performance.now();
      });
    };
    run().catch(reject);
  });
}

async function measure(name: string, server: ChildHandle, ceiling: ChildHandle, next: () => Request) {
  await round(server.url, next, 1, false); // warm-up
  const ratios: number[] = [];
  const rounds: Round[] = [];
  const ceilings: Round[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const order = i % 2 === 0 ? [ceiling, server] : [server, ceiling];
    const r: Record<string, Round> = {};
    for (const h of order) {
      const before = processCpuSeconds(h.pid);
      const x = await round(h.url, next, SECONDS, h === server);
      r[h === server ? 's' : 'c'] = x;
      if (h === server) cpu.push(((processCpuSeconds(h.pid) - before) * 1e6) / x.requests);
    }
    ratios.push(r.s.good / r.c.rps);
    rounds.push(r.s);
    ceilings.push(r.c);
  }
  return {
    name,
    rps: median(rounds.map((x) => x.rps)),
    good: median(rounds.map((x) => x.good)),
    ratio: median(ratios),
    p99: median(rounds.map((x) => x.p99)),
    ceilingRps: median(ceilings.map((x) => x.rps)),
    ceilingP99: median(ceilings.map((x) => x.p99)),
    cpuUs: median(cpu),
    non2xx: rounds.reduce((a, x) => a + x.non2xx, 0),
    errors: rounds.reduce((a, x) => a + x.errors, 0),
  };
}

const data = mkdtempSync(join(tmpdir(), 'recscore-loadtest-registry-'));
try {
  const { files, trainSeconds } = prepare();
  const model = readModelFile(files[0]).model;
  const records = IDS.map((id, i) => ({
    id,
    kind: 'sar',
    description: `loadtest ${SIMILARITIES[i]}`,
    creationTime: new Date().toISOString(),
    modelStatus: 'Completed',
    modelStatusMessage: '',
    parameters: {
      usage: 'synth',
      similarityFunction: SIMILARITIES[i],
      supportThreshold: 1,
      cooccurrenceUnit: 'user',
      enableUserAffinity: true,
      decayPeriodInDays: 30,
      enableBackfilling: true,
      allowSeedItemsInRecommendations: false,
      enableUserToItemRecommendations: false,
    },
    artifact: files[i],
  }));
  const spec = join(data, 'records.json');
  writeFileSync(spec, JSON.stringify({ records, default: IDS[0] }));
  const server = await startChild('registry-server', join(REPO_ROOT, 'dist/loadtest/registry-server.js'), [spec], {
    env: { RECSCORE_DATA_DIR: data },
    timeoutMs: 180_000,
  });
  const rssOne = rssMiB(server.pid);
  const random = seededRandom(20261204);
  const item = () => model.items[Math.floor(random() * model.items.length)];
  const nextItem = (): Request => ({
    method: 'GET',
    path: `/api/models/${IDS[0]}/recommend?itemId=${encodeURIComponent(item())}&recommendationCount=10`,
  });
  const nextPersonal = (): Request => ({
    method: 'POST',
    path: `/api/models/${IDS[0]}/recommend?recommendationCount=10`,
    body: JSON.stringify(Array.from({ length: 5 }, () => ({ itemId: item() }))),
  });
  const capture = async (r: Request) =>
    Buffer.from(await (await fetch(`${server.url}${r.path}`, { method: r.method, body: r.body })).arrayBuffer());
  const ceilingGet = await startChild('ceiling-get', join(REPO_ROOT, 'dist/loadtest/ceiling-server.js'), [], {
    env: { CEILING_BODY_B64: (await capture(nextItem())).toString('base64') },
  });
  const ceilingPost = await startChild('ceiling-post', join(REPO_ROOT, 'dist/loadtest/events-ceiling.js'), [], {
    env: { CEILING_BODY_B64: (await capture(nextPersonal())).toString('base64') },
  });
  const rows = [
    await measure('item-to-item (GET itemId)', server, ceilingGet, nextItem),
    await measure('personalised (POST 5 events)', server, ceilingPost, nextPersonal),
  ];
  for (const id of IDS.slice(1))
    await fetch(`${server.url}/api/models/${id}/recommend?itemId=${encodeURIComponent(item())}`);
  const rssThree = rssMiB(server.pid);
  await server.stop();
  await ceilingGet.stop();
  await ceilingPost.stop();

  const f = (x: number, d = 2) => x.toFixed(d);
  const mib = (p: string) => statSync(p).size / 2 ** 20;
  const load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  const out: string[] = [];
  out.push(
    `Registry models: ${SIZE.events} events, ${model.users.length} users, ${model.items.length} items (sar synth); ` +
      `${DEFAULT_WORKERS} worker(s); 32 connections; ${ROUNDS} × ${SECONDS} s rounds (medians); load average ${load}`,
    '',
    '| request | good answers/s (all) | ceiling req/s | ratio to ceiling | p99 ms (ceiling) | server CPU µs/request ' +
      '| non-2xx / errors |',
    '|---|--:|--:|--:|--:|--:|--:|',
  );
  for (const r of rows)
    out.push(
      `| ${r.name} | ${Math.round(r.good)} (${Math.round(r.rps)}) | ${Math.round(r.ceilingRps)} | ${f(r.ratio, 3)} | ` +
        `${f(r.p99)} (${f(r.ceilingP99)}) | ` +
        `${Math.round(r.cpuUs)} | ${r.non2xx} / ${r.errors} |`,
    );
  out.push(
    '',
    `Artifacts: ${files.map((p, i) => `${SIMILARITIES[i]} ${f(mib(p), 1)} MiB`).join(', ')}` +
      (trainSeconds.length ? `; trained in ${trainSeconds.map((s) => f(s, 1)).join(', ')} s` : ''),
    `RSS: ${f(rssOne, 0)} MiB with the default model loaded at start; ${f(rssThree, 0)} MiB with all three loaded`,
  );
  process.stdout.write(`${out.join('\n')}\n`);
} finally {
  killAllChildren();
  rmSync(data, { recursive: true, force: true });
}
