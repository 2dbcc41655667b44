/**
 * `npm run bench:kernel`: per-call cost of the WASM kernel and the TypeScript reference on synthetic
 * models from 2k to 1M items and 1k to 100k donors, the whole score path per profile on the vectors'
 * models and on a model 50× larger, and the machine's memory bandwidth, all in one run (~2–3 minutes on
 * 2 cores). Prints Markdown and writes bench/results/kernel.{md,json}.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ReferenceKernel } from '../src/kernel/reference.js';
import { WasmKernel } from '../src/kernel/wasm-kernel.js';
import { createLogger } from '../src/log.js';
import { loadModel, packModel } from '../src/kernel/taar-model.js';
import { LocalModelSource } from '../src/model/source/local-source.js';
import type { ClientInfo, ExtraData } from '../src/profile/client-info.js';
import { related } from '../src/recommend/related.js';
import { VECTORS, VECTOR_MODELS, haveVectors, readJsonl } from '../test/helpers/vectors.js';
import { measureKernels, type KernelCase } from './kernel-cases.js';
import { memoryBandwidth, sinkValue, timeCalls } from './measure.js';
import { toMarkdown, type BenchResults, type LiteCase } from './report.js';
import { measureScorePath, type ScorePathCase } from './score-path.js';
import { synthModelSet, synthProfiles } from './synthetic-set.js';

const SIZES = [
  { items: 2_000, donors: 1_000 },
  { items: 10_000, donors: 10_000 },
  { items: 100_000, donors: 100_000 },
  { items: 1_000_000, donors: 100_000 },
];
const SEED = 20261122;
const RESULTS = resolve(fileURLToPath(new URL('../../bench/results', import.meta.url)));
const progress = (msg: string) => process.stderr.write(`[bench] ${msg}\n`);

function kernelCases(): KernelCase[] {
  return SIZES.map(({ items, donors }, i) => {
    const t0 = performance.now();
    const synth = synthModelSet({
      items,
      factors: 20,
      donors,
      extraGuids: Math.round(items * 0.05),
      liteKeys: 600,
      seed: SEED + i,
    });
    const t1 = performance.now();
    const model = packModel(synth.set, `bench-${items}`);
    const t2 = performance.now();
    const label = `${items} items, ${donors} donors`;
    progress(
      `${label}: built in ${((t1 - t0) / 1000).toFixed(1)} s, packed in ${((t2 - t1) / 1000).toFixed(1)} s; timing`,
    );
    return measureKernels(label, model, synthProfiles(synth, 32, SEED + 100 + i), {
      buildMs: t1 - t0,
      packMs: t2 - t1,
    });
  });
}

interface VectorLine {
  case: string;
  client_id: string;
  profile: ClientInfo | null;
  extra_data: ExtraData;
}

async function vectorCases(): Promise<{ score?: ScorePathCase; lite?: LiteCase }> {
  if (!haveVectors) {
    progress(`TAAR vectors not found at ${VECTORS}: skipping the vectors' score path`);
    return {};
  }
  const logger = createLogger({}, () => {});
  const model = await loadModel(new LocalModelSource(VECTOR_MODELS, { logger }), { logger });
  // SPEC §13 timed TAAR on the 250 `normal` profiles.
  const profiles = readJsonl<VectorLine>(join(VECTORS, 'profiles.jsonl'))
    .filter((l) => l.case === 'normal' && l.profile)
    .map((l) => ({ clientInfo: l.profile!, extra: l.extra_data ?? {} }));
  progress(`vectors: score path over ${profiles.length} profiles`);
  const score = measureScorePath('vectors', model, profiles, { wasmPasses: 5, referenceProfiles: profiles.length });
  const keys = [...new Set(readJsonl<{ guid: string }>(join(VECTORS, 'taarlite_queries.jsonl')).map((q) => q.guid))];
  const lite = (kernel: WasmKernel | ReferenceKernel) =>
    timeCalls((i) => related(kernel, model, keys[i % keys.length], undefined, 4), {
      warmup: keys.length,
      maxRuns: keys.length * 3,
      minRuns: keys.length,
      budgetMs: 2000,
    });
  return {
    score,
    lite: {
      queries: keys.length,
      wasm: lite(new WasmKernel(model.memory)),
      reference: lite(new ReferenceKernel(model)),
    },
  };
}

function largeScoreCase(): ScorePathCase {
  // The vectors' model × 50: 1,900 → 95,000 items, 1,000 → 50,000 donors, 602 → 30,100 TAAR-lite rows.
  const t0 = performance.now();
  const synth = synthModelSet({
    items: 95_000,
    factors: 20,
    donors: 50_000,
    extraGuids: 8_150,
    liteKeys: 30_100,
    seed: SEED + 50,
  });
  const model = packModel(synth.set, 'bench-x50');
  progress(
    `vectors × 50: built and packed in ${((performance.now() - t0) / 1000).toFixed(1)} s; score path over 250 profiles`,
  );
  return measureScorePath('synthetic, vectors × 50', model, synthProfiles(synth, 250, SEED + 51), {
    wasmPasses: 5,
    referenceProfiles: 40,
  });
}

async function main(): Promise<void> {
  const started = performance.now();
  progress('memory bandwidth');
  const bandwidth = memoryBandwidth();
  const kernels = kernelCases();
  const vectors = await vectorCases();
  const large = largeScoreCase();
  const results: BenchResults = {
    date: new Date().toISOString().slice(0, 10),
    machine: {
      cpu: cpus()[0]?.model ?? 'unknown',
      cores: cpus().length,
      node: process.version,
      v8: process.versions.v8,
    },
    bandwidth,
    kernels,
    scorePath: [...(vectors.score ? [vectors.score] : []), large],
    ...(vectors.lite ? { lite: vectors.lite } : {}),
    totalSeconds: (performance.now() - started) / 1000,
  };
  const md = toMarkdown(results);
  mkdirSync(RESULTS, { recursive: true });
  writeFileSync(join(RESULTS, 'kernel.md'), md);
  writeFileSync(join(RESULTS, 'kernel.json'), JSON.stringify(results, null, 2) + '\n');
  process.stdout.write(md + '\n');
  progress(`wrote ${join(RESULTS, 'kernel.md')} and kernel.json (sink ${sinkValue() > 0 ? 'ok' : 'empty'})`);
}

await main();
