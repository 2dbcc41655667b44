/**
 * Every message between the main thread and a scoring worker. A batch is a handful of flat typed
 * arrays (structured clone copies each array once, however many requests it holds) plus the model's
 * shared memory (cloned as a handle, never copied). Request i's variable-length data lives in
 * [offs[i], offs[i+1]) of the matching flat array.
 */
export const SIM_CANNOT = 0; // a feature is missing/null: can_recommend is false
export const SIM_OK = 1;
export const SIM_INVALID = 2; // the main thread already reported the failure

export interface BatchTask {
  version: string;
  memory: WebAssembly.Memory;
  n: number;
  /** ensemble limits computed for every request: [deterministic top (10), candidates (len(whitelist))] */
  limits: [number, number];
  hashOffs: Int32Array; // n+1
  hashes: Int32Array; // positive_hash of installed add-ons
  instOffs: Int32Array; // n+1
  instIds: Int32Array; // GUID ids of installed add-ons known to the model
  installedCount: Int32Array; // n: len(installed_addons), unknown GUIDs included (TAAR's limit uses it)
  canCollab: Uint8Array; // n
  sim: Uint8Array; // n: SIM_*
  cont: Float64Array; // 5n
  cat: Int32Array; // 3n
  locale: Int32Array; // n: locale list index, -1 = cannot recommend
}

export const CONTRIB_COLLABORATIVE = 1;
export const CONTRIB_SIMILARITY = 2;
export const CONTRIB_LOCALE = 4;
export const FAIL_SIMILARITY_LR = 1;

export interface BatchResult {
  version: string;
  /** 2n+1 offsets: list 2i is request i's top (limits[0]), list 2i+1 its candidates (limits[1]) */
  offs: Int32Array;
  ids: Int32Array;
  weights: Float64Array;
  contributed: Uint8Array; // n: CONTRIB_* bits
  failed: Uint8Array; // n: FAIL_* bits
  /** time the worker spent on the batch (µs), for the batch metrics */
  workerMicros: number;
}
