/**
 * Piscina worker: runs each batch with the batch scorer of the task's model kind (`scorers` below).
 * SAR's is sar-worker.ts. TAAR's scores a batch of encoded requests on the WASM kernel over the model's
 * shared memory, and applies each request's pick (TAAR's draw, or the top list) here, where the lists are.
 * One kernel instance per model version (created on the first batch of that version, never copied).
 * Only the version of the latest batch is kept, so a swapped-out memory can be freed as soon as the
 * main thread lets go of it too; a late batch of an old version re-instantiates it (rare, ~ms).
 */
import { performance } from 'node:perf_hooks';
import { WasmKernel } from '../kernel/wasm-kernel.js';
import {
  SETS_COLLABORATIVE,
  SETS_LOCALE,
  SETS_SIMILARITY,
  SETS_SIMILARITY_FAILED,
  type Kernel,
  type SetsQuery,
} from '../kernel/kernel.js';
import { PackedModel, TAAR } from '../model/kinds/taar/packed-model.js';
import type { SimilarityInput } from '../recommend/client-features.js';
import { drawIndices } from '../recommend/draw.js';
import { scoreClient, type ScoreInput } from '../recommend/score-client.js';
import { seededRandom } from '../seeded-random.js';
import * as P from './protocol.js';
import { RecscoreError } from '../errors.js';
import { testBusyWorker } from '../test-knobs.js';
import { SAR } from '../model/kinds/sar/packed-model.js';
import { dropSarKernels, scoreSarBatch } from './sar-worker.js';

const versions = new Map<string, { kernel: WasmKernel; model: PackedModel }>();

function forVersion(version: string, memory: WebAssembly.Memory) {
  let v = versions.get(version);
  if (!v) {
    v = { kernel: new WasmKernel(memory), model: new PackedModel(memory) };
    versions.set(version, v);
    for (const old of [...versions.keys()]) if (old !== version) versions.delete(old);
  }
  return v;
}

function scoreTaarBatch(task: P.BatchTask): P.BatchResult {
  const t0 = performance.now();
  const { kernel, model } = forVersion(task.version, task.memory);
  const referenceBefore = kernel.referenceEnsembles;
  const t = P.taskViews(task);
  const n = task.n;
  testBusyWorker(n);
  // Written straight into the message buffer, sized for the most a pick can hold; a short list leaves
  // its share of the tail unused (offs bound each request's entries).
  let capacity = 0;
  for (let i = 0; i < n; i++) {
    const one = Math.max(0, Math.min(t.pickSize[i], model.nGuids));
    capacity += t.pickMode[i] === P.PICK_LISTS ? P.LIST_ORDER.length * one : one;
  }
  const { buffer, views: r } = P.newResult(n, capacity);
  const { offs, candidateCount, contributed, failed } = r;
  let at = 0;
  const cannot: SimilarityInput = { kind: 'cannot' };
  const w = model.meta.ensembleWeights;
  const q: SetsQuery = {
    hashes: t.hashes,
    hashFrom: 0,
    hashTo: 0,
    installed: t.instIds,
    installedFrom: 0,
    installedTo: 0,
    installedCount: 0,
    canCollaborative: false,
    cont: null,
    cat: t.cat,
    featureAt: 0,
    localeList: -1,
    limit: 0,
    coefficients: [w.collaborative, w.similarity, w.locale],
  };
  for (let i = 0; i < n; i++) {
    if (t.pickMode[i] !== P.PICK_LISTS) {
      // A draw or a top list reads only the ensemble: one kernel call, no per-list objects.
      q.hashFrom = t.hashOffs[i];
      q.hashTo = t.hashOffs[i + 1];
      q.installedFrom = t.instOffs[i];
      q.installedTo = t.instOffs[i + 1];
      q.installedCount = t.installedCount[i];
      q.canCollaborative = t.canCollab[i] === 1;
      q.cont = t.sim[i] === P.SIM_OK ? t.cont : null;
      q.featureAt = i;
      q.localeList = t.locale[i];
      q.limit = t.pickMode[i] === P.PICK_DRAW ? task.candidatesLimit : t.pickSize[i];
      try {
        const done = scoreSets(kernel, q, t, i, r, at);
        if (done >= 0) {
          at = done;
          offs[i + 1] = at;
          continue;
        }
      } catch {
        failed[i] |= P.FAIL_REQUEST;
        candidateCount[i] = 0;
        contributed[i] = 0;
        offs[i + 1] = at;
        continue;
      }
    }
    const similarity: SimilarityInput =
      t.sim[i] === P.SIM_OK
        ? { kind: 'ok', cont: t.cont.subarray(5 * i, 5 * i + 5), cat: t.cat.subarray(3 * i, 3 * i + 3) }
        : cannot;
    const client: ScoreInput = {
      installedCount: t.installedCount[i],
      installedIds: t.instIds.subarray(t.instOffs[i], t.instOffs[i + 1]),
      hashes: t.hashes.subarray(t.hashOffs[i], t.hashOffs[i + 1]),
      canCollaborative: t.canCollab[i] === 1,
      similarity,
      localeList: t.locale[i] >= 0 ? t.locale[i] : undefined,
    };
    // One request's data never fails its batch-mates: a throw marks that request failed and the batch goes on.
    try {
      at = scoreOne(kernel, model, client, t, i, task.candidatesLimit, r, at);
    } catch {
      failed[i] |= P.FAIL_REQUEST;
      candidateCount[i] = 0;
      contributed[i] = 0;
    }
    offs[i + 1] = at;
  }
  const t1 = performance.now();
  return {
    version: task.version,
    n,
    total: capacity,
    buffer,
    workerMicros: Math.round((t1 - t0) * 1000),
    referenceEnsembles: kernel.referenceEnsembles - referenceBefore,
    startedAt: performance.timeOrigin + t0,
    endedAt: performance.timeOrigin + t1,
  };
}

/**
 * Scores draw or top-list request i with one kernel call into the result from entry `at` on; returns
 * where its list ends, or −1 when the kernel's scratch cannot hold its inputs (scoreOne then takes it).
 */
function scoreSets(kernel: WasmKernel, q: SetsQuery, t: P.TaskViews, i: number, r: P.ResultViews, at: number): number {
  const count = kernel.scoreSets(q);
  if (count < 0) return -1;
  const f = kernel.setsFlags;
  r.contributed[i] =
    (f & SETS_COLLABORATIVE ? P.CONTRIB_COLLABORATIVE : 0) |
    (f & SETS_SIMILARITY ? P.CONTRIB_SIMILARITY : 0) |
    (f & SETS_LOCALE ? P.CONTRIB_LOCALE : 0);
  if (f & SETS_SIMILARITY_FAILED) r.failed[i] |= P.FAIL_SIMILARITY_LR;
  r.candidateCount[i] = count;
  const ids = kernel.outIds;
  const weights = kernel.outW;
  const size = t.pickSize[i];
  if (t.pickMode[i] === P.PICK_DRAW) {
    for (const j of drawIndices(weights.subarray(0, count), size, seededRandom(t.seed[i]))) {
      r.ids[at] = ids[j];
      r.weights[at++] = weights[j];
    }
  } else {
    const m = Math.min(size, count);
    for (let j = 0; j < m; j++) {
      r.ids[at + j] = ids[j];
      r.weights[at + j] = weights[j];
    }
    at += m;
  }
  return at;
}

/** Scores request i into the result from entry `at` on; returns where its list ends. */
function scoreOne(
  kernel: Kernel,
  model: PackedModel,
  client: ScoreInput,
  t: P.TaskViews,
  i: number,
  candidatesLimit: number,
  r: P.ResultViews,
  at: number,
): number {
  const { ids, weights, candidateCount, contributed, failed } = r;
  const drawing = t.pickMode[i] === P.PICK_DRAW;
  const listing = t.pickMode[i] === P.PICK_LISTS;
  const size = t.pickSize[i];
  // Only the list the request serves is computed: the candidates for a draw, the limit-`size` ensemble otherwise.
  const d = scoreClient(kernel, model, client, [drawing ? candidatesLimit : size], !listing);
  contributed[i] =
    (d.collaborative ? P.CONTRIB_COLLABORATIVE : 0) |
    (d.similarity ? P.CONTRIB_SIMILARITY : 0) |
    (d.locale ? P.CONTRIB_LOCALE : 0);
  if (d.failures.some((f) => f.recommender === 'similarity')) failed[i] |= P.FAIL_SIMILARITY_LR;
  const list = d.ensembles[0];
  candidateCount[i] = list.ids.length;
  if (listing) {
    const parts = [list, d.collaborative, d.similarity, d.locale];
    parts.forEach((part, k) => {
      const m = part ? Math.min(size, part.ids.length) : 0;
      for (let j = 0; j < m; j++) {
        ids[at + j] = part!.ids[j];
        weights[at + j] = part!.weights[j];
      }
      r.parts[P.LIST_ORDER.length * i + k] = m;
      at += m;
    });
  } else if (drawing) {
    for (const j of drawIndices(list.weights, size, seededRandom(t.seed[i]))) {
      ids[at] = list.ids[j];
      weights[at++] = list.weights[j];
    }
  } else {
    const m = Math.min(size, list.ids.length);
    ids.set(list.ids.subarray(0, m), at);
    weights.set(list.weights.subarray(0, m), at);
    at += m;
  }
  return at;
}

/** Batch scorers by model kind name; a new kind adds its own (its task and result shapes in protocol.ts). */
const scorers: Readonly<Record<string, (task: never) => P.BatchResult>> = {
  [TAAR]: scoreTaarBatch,
  [SAR]: scoreSarBatch,
};

export function scoreBatch(task: P.TaskBase): P.BatchResult;
export function scoreBatch(task: P.MultiTask): P.MultiResult;
export function scoreBatch(task: P.TaskBase | P.MultiTask): P.BatchResult | P.MultiResult {
  if (task.released) {
    dropSarKernels(task.released);
    for (const v of task.released) versions.delete(v);
  }
  return task.kind === P.MULTI ? scoreParts(task as P.MultiTask) : scoreOneTask(task as P.TaskBase);
}

/** Each part as its own task would be scored; a part that throws fails alone. */
function scoreParts(task: P.MultiTask): P.MultiResult {
  const t0 = performance.now();
  let referenceEnsembles = 0;
  let kernelsHeld: number | undefined;
  const parts = task.parts.map((part): P.PartResult => {
    try {
      const r = scoreOneTask(part);
      referenceEnsembles += r.referenceEnsembles;
      if (r.kernelsHeld !== undefined) kernelsHeld = r.kernelsHeld;
      return r;
    } catch (e) {
      return { error: (e as Error)?.message ?? String(e) };
    }
  });
  const t1 = performance.now();
  return {
    parts,
    workerMicros: Math.round((t1 - t0) * 1000),
    referenceEnsembles,
    startedAt: performance.timeOrigin + t0,
    endedAt: performance.timeOrigin + t1,
    ...(kernelsHeld !== undefined ? { kernelsHeld } : {}),
  };
}

function scoreOneTask(task: P.TaskBase): P.BatchResult {
  const score = Object.hasOwn(scorers, task.kind)
    ? (scorers[task.kind] as (t: P.TaskBase) => P.BatchResult)
    : undefined;
  if (!score)
    throw new RecscoreError('RECSCORE_INTERNAL', `no batch scorer for model kind ${JSON.stringify(task.kind)}`);
  return score(task);
}

export default scoreBatch;
