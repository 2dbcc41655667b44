/**
 * Every message between the main thread and a scoring worker. A batch travels as one ArrayBuffer of
 * flat arrays (flat-buffer.ts: one structured-clone object however many requests it holds) plus the
 * model's shared memory (cloned as a handle, never copied). Request i's variable-length data lives in
 * [offs[i], offs[i+1]) of the matching flat array. The counts in the message give both sides the shape.
 */
import { allocate, viewsOf, type Views } from './flat-buffer.js';

export const SIM_CANNOT = 0; // a feature is missing/null: can_recommend is false
export const SIM_OK = 1;
export const SIM_INVALID = 2; // the main thread already reported the failure

export const PICK_TOP = 0;
export const PICK_DRAW = 1;
/**
 * Each recommender's own list and the ensemble, up to `pickSize` each (the surfaces' TAAR sources: one
 * trip to the pool for all four); `parts` gives their lengths, in LIST_ORDER, one after the other.
 */
export const PICK_LISTS = 2;
export const LIST_ORDER = ['ensemble', 'collaborative', 'similarity', 'locale'] as const;

export const CONTRIB_COLLABORATIVE = 1;
export const CONTRIB_SIMILARITY = 2;
export const CONTRIB_LOCALE = 4;
export const FAIL_SIMILARITY_LR = 1;
/** the worker threw on this request (its batch-mates were still scored); its list is empty */
export const FAIL_REQUEST = 2;

/** n requests, nh installed-add-on hashes, ni installed GUID ids known to the model, in all. */
export const taskShape = (n: number, nh: number, ni: number) =>
  ({
    cont: ['f64', 5 * n], // the 5 continuous similarity features
    pickMode: ['i32', n], // PICK_*
    pickSize: ['i32', n], // sample size (draw) or ensemble limit (top)
    seed: ['u32', n], // PRNG seed of a drawing request
    installedCount: ['i32', n], // len(installed_addons), unknown GUIDs included (TAAR's limit uses it)
    canCollab: ['i32', n], // 0 | 1
    sim: ['i32', n], // SIM_*
    locale: ['i32', n], // locale list index, -1 = cannot recommend
    cat: ['i32', 3 * n], // categorical feature ids
    hashOffs: ['i32', n + 1],
    hashes: ['i32', nh], // positive_hash of installed add-ons
    instOffs: ['i32', n + 1],
    instIds: ['i32', ni], // GUID ids of installed add-ons known to the model
  }) as const;

/** What every kind's batch task carries; the rest (counts that shape `buffer`) is the kind's own. */
export interface TaskBase {
  /** The model kind (src/model/kind.ts) whose batch scorer runs it in the worker. */
  kind: string;
  version: string;
  memory: WebAssembly.Memory;
  n: number;
  buffer: ArrayBuffer;
  /** Versions released since (release.ts): the worker drops its kernels over them before scoring. */
  released?: readonly string[];
}

/** TAAR's batch task. Every kind answers with a BatchResult (ids are the kind's item indices). */
export interface BatchTask extends TaskBase {
  nh: number;
  ni: number;
  /** ensemble limit of a drawing request: len(whitelist), TAAR's candidates */
  candidatesLimit: number;
}

export type TaskViews = Views<ReturnType<typeof taskShape>>;

/** n requests, room for `total` picked entries in all (offs says which are used). */
export const resultShape = (n: number, total: number) =>
  ({
    weights: ['f64', total],
    offs: ['i32', n + 1], // request i's picked list is [offs[i], offs[i+1]) of ids/weights
    ids: ['i32', total], // GUID ids
    candidateCount: ['i32', n], // length of the ensemble list each pick was taken from
    contributed: ['i32', n], // CONTRIB_* bits
    failed: ['i32', n], // FAIL_* bits
    parts: ['i32', LIST_ORDER.length * n], // PICK_LISTS: each list's length (LIST_ORDER), else 0
  }) as const;

export interface BatchResult {
  version: string;
  n: number;
  total: number;
  buffer: ArrayBuffer;
  /** time the worker spent on the batch (µs), for the batch metrics */
  workerMicros: number;
  /** ensembles of this batch the kernel left to the TypeScript reference (inputs beyond its scratch) */
  referenceEnsembles: number;
  /**
   * When the worker started and finished the batch, as performance.timeOrigin + performance.now() (ms):
   * comparable across threads, so the pool can split a batch's time into hand-off, compute and return.
   */
  startedAt: number;
  endedAt: number;
  /** SAR: kernel instances (model versions) the worker holds after this batch (release.ts bounds them) */
  kernelsHeld?: number;
}

export type ResultViews = Views<ReturnType<typeof resultShape>>;

/**
 * Several batch tasks (any kinds, any versions) in one worker visit: one request's kernel-backed sources
 * (src/dispatch/trip.ts). Each part is scored as its own task would be, and fails on its own.
 */
export const MULTI = 'multi';
export interface MultiTask {
  kind: typeof MULTI;
  parts: TaskBase[];
  released?: readonly string[];
}
/** A part's answer, or why it failed (its message: errors do not cross threads with their class). */
export type PartResult = BatchResult | { error: string };
export interface MultiResult {
  parts: PartResult[];
  workerMicros: number;
  referenceEnsembles: number;
  startedAt: number;
  endedAt: number;
  kernelsHeld?: number;
}

export const newTask = (n: number, nh: number, ni: number) => allocate(taskShape(n, nh, ni));
export const taskViews = (t: BatchTask): TaskViews => viewsOf(t.buffer, taskShape(t.n, t.nh, t.ni));
export const newResult = (n: number, total: number) => allocate(resultShape(n, total));
export const resultViews = (r: BatchResult): ResultViews => viewsOf(r.buffer, resultShape(r.n, r.total));
