/**
 * CPU per answer of the served log, in one process (no HTTP, no scoring): answers of `--items` items are
 * recorded into a ServedLog over the embedded store in a temp dir and written; CPU time (this process,
 * all threads) is divided by the answers. Also the parts alone: turning answers into events, building
 * the log line, the aggregates (sketches and counters) and the per-client shown counts. A tool for the
 * served log's cost, beside `loadtest/thread-cpu.ts` (which measures it inside a serving process but is
 * noisy on a shared machine).
 *
 *   node dist/bench/served-log.js [--answers 200000] [--items 10]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Aggregates } from '../src/events/aggregates.js';
import { DEFAULT_COMBOS } from '../src/events/dimensions.js';
import { EmbeddedEventStore } from '../src/events/embedded-store.js';
import { encodeLine } from '../src/events/log-line.js';
import { impressionOf, ServedLog, type ServedAnswer } from '../src/events/served-log.js';
import { ShownCounts } from '../src/events/shown.js';
import { createLogger } from '../src/log.js';

const { values } = parseArgs({ options: { answers: { type: 'string' }, items: { type: 'string' } } });
const N = Number(values.answers ?? 200_000);
const K = Number(values.items ?? 10);
const logger = createLogger({}, () => {});

// A server's items are the model's strings, the same objects answer after answer (their hash cached).
const CATALOG = Array.from({ length: 5000 }, (_, i) => `{${i.toString(16).padStart(8, '0')}-addon}`);

function answers(n: number): ServedAnswer[] {
  const out: ServedAnswer[] = [];
  const now = Date.now();
  for (let i = 0; i < n; i++) {
    const items = Array.from({ length: K }, (_, j) => CATALOG[(i * 7 + j * 131) % 5000]);
    out.push({
      request_id: `0f6c2a1e-8c1b-4a57-9d3e-${i.toString(16).padStart(12, '0')}`,
      client_id: `client-${(i * 2654435761) % 1_000_003}`,
      model_version: 'v20261204',
      served_by: 'ensemble',
      locale: ['en-US', 'de', 'fr', 'es-ES'][i % 4],
      items,
      ts: now,
    });
  }
  return out;
}

function cpuMs(f: () => void): number {
  const c0 = process.cpuUsage();
  f();
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1000;
}

const perAnswer = (ms: number) => `${((ms * 1000) / N).toFixed(2)} µs/answer`;
const input = answers(N);

// The parts alone.
const events = input.map(impressionOf);
const tEvents = cpuMs(() => input.map(impressionOf));
const tLine = cpuMs(() => {
  for (let i = 0; i < events.length; i += 1000) encodeLine('x', null, 0, events.slice(i, i + 1000));
});
const agg = new Aggregates(DEFAULT_COMBOS);
const tAgg = cpuMs(() => {
  for (let i = 0; i < events.length; i += 1000) agg.addAll(events.slice(i, i + 1000));
});
const shown = new ShownCounts();
const tShown = cpuMs(() => {
  for (const e of events) shown.add(e);
});
process.stdout.write(
  `answers → events: ${perAnswer(tEvents)}\nlog line JSON: ${perAnswer(tLine)}\naggregates: ${perAnswer(tAgg)}\n` +
    `shown counts: ${perAnswer(tShown)}\n`,
);

// The whole path: record → flush → append (fsync) → aggregates.
const dir = mkdtempSync(join(tmpdir(), 'recscore-bench-served-'));
try {
  const store = await EmbeddedEventStore.open(dir, { logger, snapshotIntervalMs: 0, writeSnapshot: false });
  const served = new ServedLog(store, { logger, maxEvents: 1e9 });
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < N; i += 1000) {
    for (let j = i; j < Math.min(N, i + 1000); j++) served.record(input[j]);
    await served.flush();
  }
  await served.close();
  const c = process.cpuUsage(c0);
  const wall = performance.now() - t0;
  await store.close();
  process.stdout.write(
    `whole served log: ${perAnswer((c.user + c.system) / 1000)} CPU (${N} answers × ${K} items, ` +
      `${(wall / 1000).toFixed(2)} s wall, written ${served.totals.written})\n`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
