/**
 * Event ingestion under load (not part of the gate): POST /v1/events batches of 50 events with fresh
 * client ids, 32 connections, against `recscore serve` with the embedded store (fsync per group commit)
 * and with the Redis store (a private redis-server), each as a ratio to the bare node:http ceiling
 * answering the same POSTs in the same run (alternating rounds, medians, as loadtest/README.md).
 *
 *   node dist/loadtest/events.js [--rounds N] [--seconds S]   → a Markdown table on stdout
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { killAllChildren, startChild, type ChildHandle } from './children.js';
import { REPO_ROOT } from './datasets.js';
import { startRecscore } from './servers.js';
import { SampleBuffer, median, summarize } from './stats.js';
import { processCpuSeconds } from './cpu.js';

const { values } = parseArgs({ options: { rounds: { type: 'string' }, seconds: { type: 'string' } } });
const ROUNDS = Number(values.rounds ?? 3);
const SECONDS = Number(values.seconds ?? 2);
const BATCH = 50;
const VECTORS = join(REPO_ROOT, 'test/fixtures/taar');
const LOCALES = ['en-US', 'de', 'fr', 'es-ES', 'ja'];
let seq = 0;

function body(): string {
  const n = seq++;
  const events = [];
  for (let i = 0; i < BATCH; i++) {
    events.push({
      type: i % 5 === 0 ? 'click' : 'impression',
      client_id: `lt${process.pid}x${n}x${i}`,
      item: `item-${i % 40}@example.net`,
      context: { locale: LOCALES[i % LOCALES.length], os: i % 2 ? 'Linux' : 'Windows', served_by: 'ensemble' },
    });
  }
  return JSON.stringify(events);
}

interface Round {
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
  requests: number;
}

function round(url: string, seconds: number): Promise<Round> {
  const samples = new SampleBuffer();
  return new Promise((resolve, reject) => {
    const started = performance.now();
    let last = started;
    const inst = autocannon(
      {
        url,
        connections: 32,
        pipelining: 1,
        duration: seconds,
        sampleInt: 100,
        timeout: 10,
        renderProgressBar: false,
        renderResultsTable: false,
        renderLatencyTable: false,
        requests: [
          {
            method: 'POST',
            path: '/v1/events',
            headers: { 'content-type': 'application/json' },
            setupRequest: (req) => ({ ...req, body: body() }),
          },
        ],
      },
      (err, result) => {
        if (err) return reject(err);
        const lat = summarize(samples.sorted());
        resolve({
          rps: samples.length / ((last - started) / 1000),
          p50: lat.p50,
          p99: lat.p99,
          non2xx: result.non2xx,
          errors: result.errors,
          requests: samples.length,
        });
      },
    );
    inst.on('response', (_c, _s, _b, ms) => {
      samples.push(ms);
      last = performance.now();
    });
  });
}

async function measure(name: string, server: ChildHandle, ceiling: ChildHandle) {
  await round(`${server.url}`, 1); // warm-up
  const ratios: number[] = [];
  const s: Round[] = [];
  const cpu: number[] = [];
  const ceil: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const order = i % 2 === 0 ? [ceiling, server] : [server, ceiling];
    const r: Record<string, Round> = {};
    for (const h of order) {
      const before = processCpuSeconds(h.pid);
      r[h === ceiling ? 'c' : 's'] = await round(h.url, SECONDS);
      (h === ceiling ? ceil : cpu).push(
        ((processCpuSeconds(h.pid) - before) * 1e6) / r[h === ceiling ? 'c' : 's'].requests,
      );
    }
    ratios.push(r.s.rps / r.c.rps);
    s.push(r.s);
  }
  const rps = median(s.map((x) => x.rps));
  return {
    name,
    events: rps * BATCH,
    rps,
    ratio: median(ratios),
    cpuUs: median(cpu),
    ceilingCpuUs: median(ceil),
    p50: median(s.map((x) => x.p50)),
    p99: median(s.map((x) => x.p99)),
    non2xx: s.reduce((a, x) => a + x.non2xx, 0),
    errors: s.reduce((a, x) => a + x.errors, 0),
  };
}

const data = mkdtempSync(join(tmpdir(), 'recscore-loadtest-events-'));
try {
  const ceiling = await startChild('ceiling', join(REPO_ROOT, 'dist/loadtest/events-ceiling.js'), [], {
    env: { CEILING_BODY_B64: Buffer.from(`{"accepted":${BATCH},"rejected":[]}`).toString('base64') },
  });
  const base = { models: join(VECTORS, 'models'), profiles: join(VECTORS, 'profiles.jsonl'), workers: 1 };
  const rows = [];
  const emb = await startRecscore({ ...base, name: 'events-embedded', env: { RECSCORE_DATA_DIR: data } });
  rows.push(await measure('embedded (JSONL + fdatasync)', emb, ceiling));
  await emb.stop();
  const redis = await startChild('redis', join(REPO_ROOT, 'dist/loadtest/redis-child.js'), []);
  const red = await startRecscore({
    ...base,
    name: 'events-redis',
    env: { RECSCORE_EVENTS: redis.url.replace('tcp:', 'redis:') },
  });
  rows.push(await measure('Redis (one Lua script per batch)', red, ceiling));
  await red.stop();
  await redis.stop();
  await ceiling.stop();
  const f = (x: number, d = 2) => x.toFixed(d);
  process.stdout.write(
    `POST /v1/events, ${BATCH} events per request, 32 connections, ${ROUNDS} × ${SECONDS} s rounds (medians)\n\n`,
  );
  process.stdout.write(
    '| store | events/s | requests/s | ratio to ceiling | p50 ms | p99 ms | server CPU µs/request (ceiling) ' +
      '| non-2xx / errors |\n',
  );
  process.stdout.write('|---|--:|--:|--:|--:|--:|--:|--:|\n');
  for (const r of rows) {
    process.stdout.write(
      `| ${r.name} | ${Math.round(r.events)} | ${Math.round(r.rps)} | ${f(r.ratio)} | ${f(r.p50)} | ${f(r.p99)} | ` +
        `${Math.round(r.cpuUs)} (${Math.round(r.ceilingCpuUs)}) | ${r.non2xx} / ${r.errors} |\n`,
    );
  }
} finally {
  killAllChildren();
  rmSync(data, { recursive: true, force: true });
}
