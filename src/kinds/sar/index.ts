/**
 * SAR's public surface, kept small so a generic "model kind" interface can wrap it:
 * train (events or a path) → SarModel; pack / unpack (one file, one read); score (reference or kernel).
 */
export type { SarModel, SarParams, SimilarityType, CooccurrenceUnit, UsageEvent, Csr, SarStats } from './types.js';
export { SIMILARITY_TYPES, DEFAULT_PARAMS } from './types.js';
export { validateParams, similarityType } from './params.js';
export type { ParseReport, ParseErrorCode } from './parse/codes.js';
export { train, trainFromPath } from './train/train.js';
export { trainInWorker } from './train/train-worker.js';
export { packModel, writeModel } from './pack/pack.js';
export { unpackModel, readModelFile, modelInfo } from './pack/unpack.js';
export {
  recommendForUser,
  recommendForEvents,
  predict,
  type RecOptions,
  type PostedEvent,
  type Top,
} from './score/personal.js';
export { similarItems, type Seed } from './score/item-based.js';
export { popularItems, popularUsers } from './score/popularity.js';
export { SarKernel, memoryWithModel, MODEL_BASE } from './score/wasm.js';
export { evaluate, type Evaluation } from './evaluate/evaluate.js';
