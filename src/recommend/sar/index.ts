/**
 * SAR's public surface, kept small so a generic "model kind" interface can wrap it:
 * train (events or a path) → SarModel; pack / unpack (one file, one read); score (reference or kernel).
 */
export type {
  SarModel,
  SarParams,
  SimilarityType,
  CooccurrenceUnit,
  UsageEvent,
  Csr,
  SarStats,
} from '../../model/kinds/sar/types.js';
export { SIMILARITY_TYPES, DEFAULT_PARAMS } from '../../model/kinds/sar/types.js';
export { validateParams, similarityType } from '../../model/kinds/sar/params.js';
export type { ParseReport, ParseErrorCode } from '../../model/kinds/sar/parse/codes.js';
export { train, trainFromPath } from '../../model/kinds/sar/train/train.js';
export { trainInWorker } from '../../model/kinds/sar/train/train-worker.js';
export { packModel, writeModel } from '../../model/kinds/sar/pack/pack.js';
export { unpackModel, readModelFile, modelInfo } from '../../model/kinds/sar/pack/unpack.js';
export {
  recommendForUser,
  recommendForEvents,
  predict,
  type RecOptions,
  type PostedEvent,
  type Top,
} from '../../kernel/sar/personal.js';
export { similarItems, type Seed } from '../../kernel/sar/item-based.js';
export { popularItems, popularUsers } from '../../kernel/sar/popularity.js';
export { SarKernel, memoryWithModel, MODEL_BASE } from '../../kernel/sar/wasm.js';
export { evaluate, type Evaluation } from './evaluate/evaluate.js';
