/**
 * Piscina worker: scores a batch of encoded requests on the WASM kernel over the model's shared memory.
 * One kernel instance per model version (created on the first batch of that version, never copied).
 * Only the version of the latest batch is kept, so a swapped-out memory can be freed as soon as the
 * main thread lets go of it too; a late batch of an old version re-instantiates it (rare, ~ms).
 */
import { performance } from 'node:perf_hooks';
import type { Kernel } from '../kernel/kernel.js';
import { WasmKernel } from '../kernel/wasm-kernel.js';
import { PackedModel } from '../model/packed-model.js';
import type { SimilarityInput } from '../recommend/client-features.js';
import { scoreClient, type ScoreInput } from '../recommend/score-client.js';
import * as P from './protocol.js';

const versions = new Map<string, { kernel: Kernel; model: PackedModel }>();

function forVersion(version: string, memory: WebAssembly.Memory) {
  let v = versions.get(version);
  if (!v) {
    v = { kernel: new WasmKernel(memory), model: new PackedModel(memory) };
    versions.set(version, v);
    for (const old of [...versions.keys()]) if (old !== version) versions.delete(old);
  }
  return v;
}

export function scoreBatch(task: P.BatchTask): P.BatchResult {
  const t0 = performance.now();
  const { kernel, model } = forVersion(task.version, task.memory);
  // Each list holds at most min(limit, nGuids) entries: the output arrays are sized once per batch.
  const perRequest = Math.min(task.limits[0], model.nGuids) + Math.min(task.limits[1], model.nGuids);
  const ids = new Int32Array(task.n * Math.max(0, perRequest));
  const weights = new Float64Array(ids.length);
  let at = 0;
  const offs = new Int32Array(2 * task.n + 1);
  const contributed = new Uint8Array(task.n);
  const failed = new Uint8Array(task.n);
  const cannot: SimilarityInput = { kind: 'cannot' };
  for (let i = 0; i < task.n; i++) {
    const similarity: SimilarityInput =
      task.sim[i] === P.SIM_OK ? { kind: 'ok', cont: task.cont.subarray(5 * i, 5 * i + 5), cat: task.cat.subarray(3 * i, 3 * i + 3) } : cannot;
    const client: ScoreInput = {
      installedCount: task.installedCount[i],
      installedIds: task.instIds.subarray(task.instOffs[i], task.instOffs[i + 1]),
      hashes: task.hashes.subarray(task.hashOffs[i], task.hashOffs[i + 1]),
      canCollaborative: task.canCollab[i] === 1,
      similarity,
      localeList: task.locale[i] >= 0 ? task.locale[i] : undefined,
    };
    const d = scoreClient(kernel, model, client, task.limits);
    contributed[i] =
      (d.collaborative ? P.CONTRIB_COLLABORATIVE : 0) | (d.similarity ? P.CONTRIB_SIMILARITY : 0) | (d.locale ? P.CONTRIB_LOCALE : 0);
    if (d.failures.some((f) => f.recommender === 'similarity')) failed[i] |= P.FAIL_SIMILARITY_LR;
    for (let l = 0; l < 2; l++) {
      const list = d.ensembles[l];
      ids.set(list.ids, at);
      weights.set(list.weights, at);
      at += list.ids.length;
      offs[2 * i + l + 1] = at;
    }
  }
  return {
    version: task.version, offs, ids: ids.slice(0, at), weights: weights.slice(0, at), contributed, failed,
    workerMicros: Math.round((performance.now() - t0) * 1000),
  };
}

export default scoreBatch;
