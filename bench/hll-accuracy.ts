/**
 * HyperLogLog accuracy and sketch memory at scales the unit suite does not run (10M ids), plus the
 * embedded store's aggregate memory per day and dimension on a synthetic day of events.
 *
 *   node dist/bench/hll-accuracy.js [--max 10000000]   → Markdown tables on stdout
 */
import { parseArgs } from 'node:util';
import { Aggregates } from '../src/events/aggregates.js';
import { DEFAULT_COMBOS } from '../src/events/dimensions.js';
import { HLL_STANDARD_ERROR } from '../src/events/hll/estimate.js';
import { HllSketch } from '../src/events/hll/sketch.js';

const { values } = parseArgs({ options: { max: { type: 'string' } } });
const MAX = Number(values.max ?? 10_000_000);
const pct = (x: number) => `${(x * 100).toFixed(3)} %`;

process.stdout.write(
  `## Accuracy (standard error ${pct(HLL_STANDARD_ERROR)}, bound 3 SE = ${pct(3 * HLL_STANDARD_ERROR)})\n\n`,
);
process.stdout.write('| stream | exact | estimate | error | within 3 SE | ns per add |\n|---|--:|--:|--:|:-:|--:|\n');
const row = (name: string, exact: number, est: number, nsPerAdd: number) => {
  const err = (est - exact) / exact;
  process.stdout.write(
    `| ${name} | ${exact.toLocaleString('en')} | ${est.toLocaleString('en')} | ${pct(err)} ` +
      `| ${Math.abs(err) <= 3 * HLL_STANDARD_ERROR ? 'yes' : 'NO'} | ${nsPerAdd.toFixed(0)} |\n`,
  );
};

for (const n of [10_000, 1_000_000, 10_000_000].filter((x) => x <= MAX)) {
  const s = new HllSketch();
  const t0 = performance.now();
  for (let i = 0; i < n; i++) s.add(`client-${i}`);
  row(`single day, ${n.toLocaleString('en')} ids`, n, s.count(), ((performance.now() - t0) * 1e6) / n);
}

// 28 days: each day a fresh 10 % plus a rotating 90 % of a pool; MAU = every id of the pool ever used.
for (const perDay of [10_000, 350_000].filter((x) => x * 28 <= MAX * 1.1)) {
  const days: HllSketch[] = [];
  let fresh = 0;
  const t0 = performance.now();
  let adds = 0;
  for (let d = 0; d < 28; d++) {
    const s = new HllSketch();
    const returning = Math.min(fresh, Math.floor(perDay * 0.9));
    for (let i = 0; i < returning; i++) s.add(`u-${fresh - 1 - ((i * 7919 + d * 104729) % fresh)}`);
    for (let i = 0; i < perDay - returning; i++) s.add(`u-${fresh++}`);
    adds += perDay;
    days.push(s);
  }
  row(
    `union of 28 days, ${perDay.toLocaleString('en')} a day`,
    fresh,
    HllSketch.unionCount(days),
    ((performance.now() - t0) * 1e6) / adds,
  );
}

// Segments: ids split over 50 locale sketches; the union over all of them is the total.
{
  const n = Math.min(MAX, 2_000_000);
  const segs = Array.from({ length: 50 }, () => new HllSketch());
  for (let i = 0; i < n; i++) segs[(i * 31) % 50].add(`seg-${i}`);
  row(`union of 50 segments, ${n.toLocaleString('en')} ids`, n, HllSketch.unionCount(segs), NaN);
}

// Memory: one synthetic day through the embedded aggregates (default combinations).
{
  const clients = Math.min(MAX, 200_000);
  const agg = new Aggregates(DEFAULT_COMBOS);
  const locales = Array.from({ length: 40 }, (_, i) => `loc-${i}`);
  const ts = Date.now();
  for (let c = 0; c < clients; c++) {
    const ctx = {
      locale: locales[(c * 13) % 40],
      os: ['Linux', 'Windows', 'Darwin'][c % 3],
      served_by: c % 10 ? 'ensemble' : 'locale',
      model: 'v1',
    };
    for (let k = 0; k < 3; k++) {
      agg.add({
        type: k === 0 ? 'click' : 'impression',
        client_id: `m-${c}`,
        ts,
        item: `item-${(c * 7 + k * 101) % 2000}`,
        context: ctx,
      });
    }
  }
  process.stdout.write(
    `\n## Embedded sketch memory, one day: ${clients.toLocaleString('en')} clients × 3 events, ` +
      '40 locales, 3 OS, 2,000 items\n\n',
  );
  process.stdout.write('| combination | tuples | sketches | register bytes | per sketch |\n|---|--:|--:|--:|--:|\n');
  let total = 0;
  for (const m of agg.memory()) {
    total += m.bytes;
    process.stdout.write(
      `| ${m.combo} | ${m.tuples} | ${m.sketches} | ${(m.bytes / 1024).toFixed(0)} KiB ` +
        `| ${(m.bytes / m.sketches / 1024).toFixed(1)} KiB |\n`,
    );
  }
  process.stdout.write(`| **total** | | | ${(total / 1024 / 1024).toFixed(1)} MiB | |\n`);
}
