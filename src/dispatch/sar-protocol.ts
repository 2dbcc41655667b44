/**
 * SAR's batch message (protocol.ts says how a batch travels: one ArrayBuffer of flat arrays plus the
 * model's shared memory). Ids were resolved on the main thread, so the worker sees only indices: a
 * stored user's row, or an affinity row (posted events, or item-based seeds) in [inOffs[i], inOffs[i+1]).
 * The answer is protocol.ts's BatchResult: ids = item indices, weights = scores.
 */
import { allocate, viewsOf, type Views } from './flat-buffer.js';
import type { TaskBase } from './protocol.js';

/** Score the model's stored affinity row of user `user`. */
export const SAR_USER = 0;
/** Score the row in IN_* (posted events' affinity, or item-based seed weights). */
export const SAR_ROW = 1;

/** n requests, nIn affinity-row entries in all. */
export const sarTaskShape = (n: number, nIn: number) =>
  ({
    inVals: ['f64', nIn], // affinity (or seed weight) per entry
    inUnit: ['f64', nIn], // the same with every rating 1 (normalize)
    mode: ['i32', n], // SAR_*
    user: ['i32', n], // user index (SAR_USER)
    k: ['i32', n],
    flags: ['i32', n], // FLAG_* of src/kernel/sar/wasm.ts
    inOffs: ['i32', n + 1],
    inCols: ['i32', nIn], // item indices, ascending per request
  }) as const;

export interface SarBatchTask extends TaskBase {
  nIn: number;
}

export type SarTaskViews = Views<ReturnType<typeof sarTaskShape>>;
export const newSarTask = (n: number, nIn: number) => allocate(sarTaskShape(n, nIn));
export const sarTaskViews = (t: SarBatchTask): SarTaskViews => viewsOf(t.buffer, sarTaskShape(t.n, t.nIn));
