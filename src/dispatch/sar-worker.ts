/**
 * SAR's batch scorer in a pool worker (worker.ts picks it by the task's kind): SarKernel (build/sar.wasm)
 * over the version's shared memory, read in place. One kernel instance per SAR version, kept apart from
 * TAAR's, so a pool serving both kinds does not re-instantiate on every alternation (each instance claims
 * scratch with memory.grow, which a thrashing cache would keep growing). Several SAR versions are served at
 * once (the registry's models, src/dispatch/model-cache.ts): kernels are kept per version, dropped when a
 * task lists that version as released (release.ts), and at most MAX_KERNELS of them, least recently used
 * first, in case a worker missed a release or a late batch of a released version re-created one.
 */
import { performance } from 'node:perf_hooks';
import { SarKernel } from '../kernel/sar/wasm.js';
import { SarPackedModel } from '../model/kinds/sar/packed-model.js';
import * as P from './protocol.js';
import * as S from './sar-protocol.js';

/** More than the registry serves at once in practice; each holds its memory alive until dropped. */
const MAX_KERNELS = 16;
/** Insertion order = recency: a hit is moved to the end. */
const kernels = new Map<string, SarKernel>();

/** Drops the kernels of released versions (worker.ts calls it with every task's list). */
export function dropSarKernels(released: readonly string[]): void {
  for (const v of released) kernels.delete(v);
}

function kernelFor(task: S.SarBatchTask): SarKernel {
  let kernel = kernels.get(task.version);
  if (kernel) {
    kernels.delete(task.version);
  } else {
    // The main thread checked this image in full before serving it; here only the header and bounds.
    const packed = new SarPackedModel(task.memory, { trusted: true });
    kernel = new SarKernel(task.memory, packed.model);
    while (kernels.size >= MAX_KERNELS) kernels.delete(kernels.keys().next().value!);
  }
  kernels.set(task.version, kernel);
  return kernel;
}

export function scoreSarBatch(task: S.SarBatchTask): P.BatchResult {
  const t0 = performance.now();
  const kernel = kernelFor(task);
  const t = S.sarTaskViews(task);
  const n = task.n;
  const m = kernel.model.itemFreq.length;
  let capacity = 0;
  for (let i = 0; i < n; i++) capacity += Math.max(0, Math.min(t.k[i], m));
  const { buffer, views: r } = P.newResult(n, capacity);
  let at = 0;
  for (let i = 0; i < n; i++) {
    // One request's data never fails its batch-mates.
    try {
      const a = t.inOffs[i];
      const b = t.inOffs[i + 1];
      const got =
        t.mode[i] === S.SAR_USER
          ? kernel.scoreUser(t.user[i], t.k[i], t.flags[i])
          : kernel.scoreRow(
              t.inCols.subarray(a, b),
              t.inVals.subarray(a, b),
              t.inUnit.subarray(a, b),
              t.k[i],
              t.flags[i],
            );
      const c = Math.min(got, t.k[i], m);
      r.ids.set(kernel.outIdx.subarray(0, c), at);
      r.weights.set(kernel.outVal.subarray(0, c), at);
      r.candidateCount[i] = c;
      at += c;
    } catch {
      r.failed[i] |= P.FAIL_REQUEST;
    }
    r.offs[i + 1] = at;
  }
  const t1 = performance.now();
  return {
    version: task.version,
    n,
    total: capacity,
    buffer,
    workerMicros: Math.round((t1 - t0) * 1000),
    referenceEnsembles: 0,
    startedAt: performance.timeOrigin + t0,
    endedAt: performance.timeOrigin + t1,
    kernelsHeld: kernels.size,
  };
}
