/**
 * Costs of issue 15's catalog and event-log fatigue, in one process (app.request, no sockets, no scoring):
 *
 * 1. Loading a Product Recommendations catalog CSV of `--items` items (category + 3 features each): CPU
 *    per item and heap held.
 * 2. CPU per surface answer, rounds alternating so the machine's load hits all variants alike:
 *    `plain` (a 50-item static source, size 10), `fatigue` (the same with fatigue and max_shown reading an
 *    embedded event store where the client was shown 40 items on each of 7 days), `category` (the same
 *    plain surface with `?category=` over the loaded catalog).
 *
 *   node dist/bench/surfaces-catalog.js [--items 1000000] [--answers 4000] [--rounds 6]
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createEventStore } from '../src/events/create-store.js';
import { DAY_MS } from '../src/events/day.js';
import { loadCatalog } from '../src/pipeline/surfaces/catalog.js';
import { SurfacesHolder } from '../src/pipeline/surfaces/holder.js';
import { syntheticBackend } from '../test/helpers/fake-backend.js';
import { buildApp } from '../test/server/start.js';

const { values } = parseArgs({
  options: { items: { type: 'string' }, answers: { type: 'string' }, rounds: { type: 'string' } },
});
const ITEMS = Number(values.items ?? 1_000_000);
const ANSWERS = Number(values.answers ?? 4_000);
const ROUNDS = Number(values.rounds ?? 6);
const cpuUs = () => {
  const u = process.cpuUsage();
  return u.user + u.system;
};
const item = (i: number) => `item-${i}@bench`;

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'recscore-bench-catalog-'));
  try {
    const lines: string[] = [];
    for (let i = 0; i < ITEMS; i++)
      lines.push(`${item(i)},Item ${i},cat${i % 20},,lang=l${i % 7},colour=c${i % 11},tier=t${i % 3}`);
    const catalogPath = join(dir, 'catalog.csv');
    writeFileSync(catalogPath, `${lines.join('\n')}\n`);
    lines.length = 0;
    globalThis.gc?.();
    const heap0 = process.memoryUsage().heapUsed;
    const c0 = cpuUs();
    const catalog = await loadCatalog(catalogPath, 2 ** 40);
    const loadUs = cpuUs() - c0;
    globalThis.gc?.();
    const heapMb = (process.memoryUsage().heapUsed - heap0) / 2 ** 20;
    console.log(
      `catalog: ${catalog.size} items, load ${(loadUs / 1e6).toFixed(2)} s CPU ` +
        `(${(loadUs / catalog.size).toFixed(2)} µs/item), heap +${heapMb.toFixed(0)} MB` +
        `${globalThis.gc ? '' : ' (run with --expose-gc for a settled heap figure)'}`,
    );

    const store = await createEventStore(join(dir, 'events'), { snapshotIntervalMs: 0 });
    const now = Date.now();
    const shown = [];
    for (let d = 0; d < 7; d++)
      shown.push({
        type: 'impression' as const,
        client_id: 'bench-client',
        items: Array.from({ length: 40 }, (_, i) => item(i)),
        ts: now - d * DAY_MS,
      });
    await store.append(shown);
    const sources = [{ name: 'fixed', kind: 'static', items: Array.from({ length: 50 }, (_, i) => item(i * 3)) }];
    const surfacesPath = join(dir, 'surfaces.json');
    writeFileSync(
      surfacesPath,
      JSON.stringify({
        surfaces: {
          plain: { sources, filters: { installed: false } },
          fatigue: { sources, filters: { installed: false, max_shown: 100 }, fatigue: { factor: 2, window_days: 7 } },
        },
      }),
    );
    const holder = new SurfacesHolder(surfacesPath, undefined, { path: catalogPath, maxBytes: 2 ** 40 });
    await holder.load(true);
    const b = syntheticBackend();
    const app = buildApp({
      scorer: b.scorer,
      facts: () => b.facts,
      profiles: b.profiles,
      surfaces: { holder, events: store },
    });
    const variants: Record<string, string> = {
      plain: '/v1/surfaces/plain/recommendations/bench-client',
      fatigue: '/v1/surfaces/fatigue/recommendations/bench-client',
      category: '/v1/surfaces/plain/recommendations/bench-client?category=cat3',
    };
    for (const path of Object.values(variants)) {
      const r = await app.get(path);
      if (r.status !== 200 || r.json.result_info.served_by !== 'surface') throw new Error(`${path}: ${r.text}`);
      if (Object.values(r.json.result_info.stages).some((x) => x !== 'ok')) throw new Error(`${path}: ${r.text}`);
    }
    const plainList = (await app.get(variants.plain)).json.results.join();
    if ((await app.get(variants.fatigue)).json.results.join() === plainList) throw new Error('fatigue changed nothing');
    const total: Record<string, number> = { plain: 0, fatigue: 0, category: 0 };
    const names = Object.keys(variants);
    for (let round = 0; round < ROUNDS; round++) {
      const order = round % 2 === 0 ? names : [...names].reverse();
      for (const name of order) {
        const t0 = cpuUs();
        for (let i = 0; i < ANSWERS; i++) await app.get(variants[name]);
        total[name] += cpuUs() - t0;
      }
    }
    const per = (name: string) => total[name] / (ANSWERS * ROUNDS);
    const ratio = (a: string) => (per(a) / per('plain')).toFixed(2);
    console.log(
      `CPU per answer: ${names.map((n) => `${n} ${per(n).toFixed(1)} µs`).join(', ')}; ` +
        `fatigue/plain ${ratio('fatigue')}, category/plain ${ratio('category')}`,
    );
    console.log(
      `load average ${loadavg()
        .map((x) => x.toFixed(2))
        .join(' ')}`,
    );
    await store.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
