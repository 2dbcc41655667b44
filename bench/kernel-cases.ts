/**
 * Per-call cost of each kernel on one packed model: collaborative, similarity and the whole ensemble
 * (scoreClient, both limits), WASM and the TypeScript reference in the same process on the same inputs.
 * Bytes moved per call are what the kernel must stream from memory: the item matrix (factors, the
 * row → GUID column, the match marks) for collaborative; donor features, categorical ids, bucket links
 * and the donors' add-on lists for similarity.
 */
import { LR_ZERO_DENOMINATOR, type Kernel } from '../src/kernel/kernel.js';
import { ReferenceKernel } from '../src/kernel/reference.js';
import { WasmKernel } from '../src/kernel/wasm-kernel.js';
import type { PackedModel } from '../src/model/kinds/taar/packed-model.js';
import { encodeClient, type EncodedClient } from '../src/recommend/client-features.js';
import { scoreClient } from '../src/recommend/score-client.js';
import { timeCalls, type TimeOptions, type Timing } from './measure.js';
import type { SynthProfile } from './synthetic-set.js';

export interface KernelCase {
  label: string;
  items: number;
  donors: number;
  factors: number;
  buildMs: number;
  packMs: number;
  modelBytes: number;
  collaborative: { wasm: Timing; reference: Timing; bytes: number };
  similarity: { wasm: Timing; reference: Timing; bytes: number };
  ensemble: { wasm: Timing; reference: Timing; bytes: number };
}

export const WASM_RUNS: TimeOptions = { warmup: 5, maxRuns: 200, minRuns: 10, budgetMs: 1000 };
/** The reference is 10–100× slower: a few calls suffice, fewer still for the largest matrices. */
export function referenceRuns(items: number): TimeOptions {
  return items >= 500_000
    ? { warmup: 1, maxRuns: 3, minRuns: 3, budgetMs: 0 }
    : { warmup: 2, maxRuns: 30, minRuns: 5, budgetMs: 1500 };
}

export function itemBytes(m: PackedModel): number {
  return m.nItems * (m.nFactors * 8 + 4 + 1);
}

export function donorBytes(m: PackedModel): number {
  const offs = m.u32('DONOR_ADDON_OFFS', m.nDonors + 1);
  return m.nDonors * (5 * 8 + 3 * 4 + 4 + 4) + offs[m.nDonors] * 4;
}

export function measureKernels(
  label: string,
  model: PackedModel,
  profiles: SynthProfile[],
  meta: { buildMs: number; packMs: number },
): KernelCase {
  const wasm = new WasmKernel(model.memory);
  const reference = new ReferenceKernel(model);
  const clients: EncodedClient[] = profiles.map((p) => encodeClient(model, p.clientInfo, p.extra));
  const simClients = clients.filter((c) => c.similarity.kind === 'ok');
  const whitelist = model.meta.whitelist.length;
  const at = <T>(list: T[], i: number) => list[i % list.length];
  // The k TAAR's ensemble asks each recommender for: len(whitelist) + len(installed).
  const collab = (k: Kernel) => (i: number) => {
    const c = at(clients, i);
    return k.collaborative(c.hashes, whitelist + c.installedCount);
  };
  const sim = (k: Kernel) => (i: number) => {
    const c = at(simClients, i);
    if (c.similarity.kind !== 'ok') throw new Error('unreachable');
    const r = k.similarity(c.similarity.cont, c.similarity.cat, whitelist + c.installedCount);
    if (r === LR_ZERO_DENOMINATOR) throw new Error('synthetic LR table has a zero denominator');
    return r;
  };
  const ens = (k: Kernel) => (i: number) => scoreClient(k, model, at(clients, i), [10, whitelist]).ensembles[1];
  const refRuns = referenceRuns(model.nItems);
  return {
    label,
    items: model.nItems,
    donors: model.nDonors,
    factors: model.nFactors,
    ...meta,
    modelBytes: model.modelBytes,
    collaborative: {
      wasm: timeCalls(collab(wasm), WASM_RUNS),
      reference: timeCalls(collab(reference), refRuns),
      bytes: itemBytes(model),
    },
    similarity: {
      wasm: timeCalls(sim(wasm), WASM_RUNS),
      reference: timeCalls(sim(reference), refRuns),
      bytes: donorBytes(model),
    },
    ensemble: {
      wasm: timeCalls(ens(wasm), WASM_RUNS),
      reference: timeCalls(ens(reference), refRuns),
      bytes: itemBytes(model) + donorBytes(model),
    },
  };
}
