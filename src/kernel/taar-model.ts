/**
 * A TAAR model version ready to score, in this thread: the model layer's load/pack
 * (src/model/kinds/taar/load.ts) followed by the kernel's pack-time step (ln of the LR table). For the
 * CLI, tests and benchmarks; the server loads in a loader thread (src/model/lifecycle/off-thread-load.ts).
 */
import type { PackedModel } from '../model/kinds/taar/packed-model.js';
import * as load from '../model/kinds/taar/load.js';
import type { TaarModelSet } from '../model/kinds/taar/types.js';
import type { ModelSource } from '../model/source/source.js';
import { finishPacking } from './wasm-kernel.js';

export function packModel(set: TaarModelSet, versionId: string): PackedModel {
  return load.packModel(set, versionId, finishPacking);
}

export function loadModel(source: ModelSource, opts: load.LoadOptions = {}): Promise<PackedModel> {
  return load.loadModel(source, finishPacking, opts);
}
