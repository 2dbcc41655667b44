/**
 * How long the embedded store takes to open (rebuild its sketches and counters from the JSONL log), per
 * million events: the cost of keeping the log as the only persisted state.
 *
 *   node dist/bench/events-rebuild.js [--events 500000]
 */
import { mkdtempSync, rmSync, statSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { EmbeddedEventStore } from '../src/events/embedded-store.js';
import type { PostedEvent } from '../src/events/event.js';
import { createLogger } from '../src/log.js';

const { values } = parseArgs({ options: { events: { type: 'string' } } });
const N = Number(values.events ?? 500_000);
const dir = mkdtempSync(join(tmpdir(), 'recscore-bench-rebuild-'));
const logger = createLogger({}, () => {});
try {
  const store = await EmbeddedEventStore.open(dir, { logger });
  const now = Date.now();
  for (let b = 0; b < N; b += 1000) {
    const batch: PostedEvent[] = [];
    for (let i = b; i < Math.min(N, b + 1000); i++) {
      batch.push({
        type: i % 4 ? 'impression' : 'click',
        client_id: `client-${i % 200_000}`,
        ts: now,
        item: `item-${i % 2000}@example.net`,
        context: { locale: `loc-${i % 40}`, os: i % 2 ? 'Linux' : 'Windows', served_by: 'ensemble' },
      });
    }
    await store.append(batch);
  }
  await store.close();
  const bytes = statSync(join(store.dir, `events-${new Date(now).toISOString().slice(0, 10)}.jsonl`)).size;
  const perM = (x: number) => ((x * 1e6) / N / 1000).toFixed(2);
  for (const how of ['from the snapshot written at close', 'full rebuild (snapshot deleted, as after a bad one)']) {
    if (how.startsWith('full')) unlinkSync(join(store.dir, 'aggregates.snapshot'));
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const again = await EmbeddedEventStore.open(dir, { logger, snapshotIntervalMs: 0 });
    const ms = performance.now() - t0;
    const cpu = (process.cpuUsage(cpu0).user + process.cpuUsage(cpu0).system) / 1000;
    await again.close();
    process.stdout.write(
      `open ${how}: ${N} events (${(bytes / 1048576).toFixed(0)} MiB of log), replayed ${again.rebuiltEvents}: ` +
        `${(ms / 1000).toFixed(2)} s wall, ${(cpu / 1000).toFixed(2)} s CPU = ${perM(cpu)} s CPU per million events\n`,
    );
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
