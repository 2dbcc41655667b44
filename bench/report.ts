/**
 * Markdown and JSON for bench/results/kernel.{md,json}: one table per kernel (per-call medians, WASM vs
 * reference, bytes streamed and the bandwidth that implies), one for the whole score path against
 * TAAR's own timings (SPEC §13).
 */
import type { KernelCase } from './kernel-cases.js';
import type { Bandwidth, Timing } from './measure.js';
import type { ScorePathCase } from './score-path.js';

export const TAAR_MS_PER_RECOMMENDATION = 54; // SPEC §13: RecommendationManager.recommend, median, vectors
export const TAAR_LITE_MS = 3.0; // SPEC §13: TAAR-lite rownorm_sum median

export interface LiteCase {
  queries: number;
  wasm: Timing;
  reference: Timing;
}

export interface BenchResults {
  date: string;
  machine: { cpu: string; cores: number; node: string; v8: string };
  bandwidth: Bandwidth;
  kernels: KernelCase[];
  scorePath: ScorePathCase[];
  lite?: LiteCase;
  totalSeconds: number;
}

const ms = (t: Timing) =>
  t.median >= 100 ? t.median.toFixed(0) : t.median >= 1 ? t.median.toFixed(2) : t.median.toFixed(3);
const withP90 = (t: Timing) => `${ms(t)} (p90 ${ms({ ...t, median: t.p90 })}, n=${t.runs})`;
const ratio = (a: number, b: number) => `${(a / b).toFixed(a / b >= 10 ? 0 : 1)}×`;
const mb = (bytes: number) => (bytes >= 1e6 ? `${(bytes / 1e6).toFixed(1)} MB` : `${(bytes / 1e3).toFixed(0)} kB`);
const k = (n: number) => (n >= 1e6 ? `${n / 1e6}M` : n >= 1e3 ? `${n / 1e3}k` : String(n));

function kernelTable(
  r: BenchResults,
  which: 'collaborative' | 'similarity' | 'ensemble',
  size: (c: KernelCase) => string,
): string[] {
  const rows = r.kernels.map((c) => {
    const x = c[which];
    const gbs = x.bytes / (x.wasm.median * 1e6);
    return (
      `| ${size(c)} | ${withP90(x.wasm)} | ${withP90(x.reference)} | ${ratio(x.reference.median, x.wasm.median)} | ` +
      `${mb(x.bytes)} | ${gbs.toFixed(2)} | ${((100 * gbs) / r.bandwidth.readGBs).toFixed(0)}% |`
    );
  });
  return [
    '| model | WASM ms | reference ms | WASM speed-up | bytes streamed / call | WASM GB/s | of read bandwidth |',
    '|---|---|---|---|---|---|---|',
    ...rows,
  ];
}

export function toMarkdown(r: BenchResults): string {
  const out: string[] = [
    '# Kernel benchmark (`npm run bench:kernel`)',
    '',
    `${r.date} · ${r.machine.cpu} · ${r.machine.cores} cores · Node ${r.machine.node} (V8 ${r.machine.v8}) · whole ` +
      `run ${r.totalSeconds.toFixed(0)} s.`,
    `Memory bandwidth measured in the same run (one core, ${r.bandwidth.bytes / 2 ** 20} MiB arrays): read ` +
      `${r.bandwidth.readGBs.toFixed(1)} GB/s (memchr), copy ${r.bandwidth.copyGBs.toFixed(1)} GB/s (memcpy, read + ` +
      `write bytes), plain JS Float64Array sum ${r.bandwidth.jsSumGBs.toFixed(1)} GB/s.`,
    '',
    'Per-call medians in milliseconds after warm-up (p90 and number of timed calls in brackets). Synthetic models, ' +
      '20 factors, seeded;',
    "each call asks for k = len(whitelist) + installed, as TAAR's ensemble does. Bytes streamed: item matrix = items " +
      '× (20 × 8 factor bytes + 4-byte',
    'GUID column + 1-byte mark); donors = donors × (5 × 8 + 3 × 4 + 8 bucket bytes) + the donors\' add-on lists. "Of ' +
      'read bandwidth" compares',
    'WASM GB/s with the memchr figure; above 100% the data sat in the CPU caches (the 2k–100k models are 1–35 MB).',
    '',
    '## Collaborative (by item count)',
    '',
    ...kernelTable(r, 'collaborative', (c) => `${k(c.items)} items`),
    '',
    '## Similarity (by donor count)',
    '',
    ...kernelTable(r, 'similarity', (c) => `${k(c.donors)} donors (${k(c.items)}-item model)`),
    '',
    '## Whole ensemble per client (all three recommenders + ensemble for limits 10 and len(whitelist))',
    '',
    ...kernelTable(r, 'ensemble', (c) => `${k(c.items)} items · ${k(c.donors)} donors`),
    '',
    '## The `score` path per profile vs TAAR',
    '',
    `TAAR: ${TAAR_MS_PER_RECOMMENDATION} ms median per recommendation on the vectors' 250 normal profiles (SPEC §13; ` +
      `RecommendationManager.recommend with`,
    'its profile stub and random draw). recscore here: encode the client, all recommenders, the ensemble for limits ' +
      '10 and len(whitelist), ids',
    'to GUID strings (no JSON, no draw). TAAR was only timed on the vectors; on the 50× model its linear scans would ' +
      'take longer than 54 ms,',
    "so the last row's ratio understates the gap. The reference column on the 50× model is one pass over 40 profiles.",
    '',
    '| models | profiles | WASM ms | reference ms | TAAR ÷ WASM | TAAR ÷ reference |',
    '|---|---|---|---|---|---|',
    ...r.scorePath.map(
      (s) =>
        `| ${s.label} (${k(s.items)} items · ${k(s.donors)} donors) | ${s.profiles} | ${withP90(s.wasm)} | ` +
        `${withP90(s.reference)} | ${ratio(TAAR_MS_PER_RECOMMENDATION, s.wasm.median)} | ` +
        `${ratio(TAAR_MS_PER_RECOMMENDATION, s.reference.median)} |`,
    ),
  ];
  if (r.lite) {
    out.push(
      '',
      '## TAAR-lite per query (vectors, default rownorm_sum, every key)',
      '',
      '| queries | WASM ms | reference ms | TAAR ÷ WASM |',
      '|---|---|---|---|',
      `| ${r.lite.queries} | ${withP90(r.lite.wasm)} | ${withP90(r.lite.reference)} | ` +
        `${ratio(TAAR_LITE_MS, r.lite.wasm.median)} |`,
    );
  }
  out.push(
    '',
    '## Model build (synthetic, in memory) and pack',
    '',
    '| model | build s | pack s | packed bytes |',
    '|---|---|---|---|',
    ...r.kernels.map(
      (c) =>
        `| ${k(c.items)} items · ${k(c.donors)} donors | ${(c.buildMs / 1000).toFixed(1)} | ` +
        `${(c.packMs / 1000).toFixed(1)} | ${mb(c.modelBytes)} |`,
    ),
    '',
  );
  return out.join('\n');
}
