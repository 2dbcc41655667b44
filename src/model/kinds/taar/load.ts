/**
 * model source → decode → pack → shared memory: one complete, validated model version. Nothing is
 * swapped in by this module; the caller decides. `finish` is the kernel's pack-time step (a higher layer
 * passes it in: src/kernel/taar-model.ts, src/dispatch/kinds.ts).
 */
import { ModelError, RecscoreError } from '../../../errors.js';
import { log as rootLog, type Logger } from '../../../log.js';
import { decodeModelStream } from './decode.js';
import { packModelSet } from './pack.js';
import { PackedModel } from './packed-model.js';
import type { ModelSource, SourceVersion } from '../../source/source.js';
import type { TaarModelSet } from './types.js';
import { assertUsable, DEFAULT_MINIMUMS, type UsableMinimums } from './usable.js';

export interface LoadOptions {
  signal?: AbortSignal;
  logger?: Logger;
  /** A version already obtained from `source.check()` (so the caller can compare before loading). */
  version?: SourceVersion;
  /** Download progress per object (for a CLI progress bar). */
  onProgress?: (name: string, bytes: number, total: number) => void;
  /** What a version must hold to be accepted (usable.ts; default DEFAULT_MINIMUMS). */
  minimums?: UsableMinimums;
}

export async function loadModelSet(
  source: ModelSource,
  opts: LoadOptions = {},
): Promise<{ set: TaarModelSet; version: SourceVersion }> {
  const version = opts.version ?? (await source.check(opts.signal));
  const parts: Partial<TaarModelSet> = {};
  const problems: ModelError[] = [];
  // One file at a time, each streamed through decoding: peak memory is what is kept of the files so far.
  for (const obj of version.objects) {
    const readOpts = {
      signal: opts.signal,
      onProgress: opts.onProgress && ((b: number, t: number) => opts.onProgress!(obj.name, b, t)),
    };
    const bytes = source.readStream ? source.readStream(obj, readOpts) : [await source.read(obj, readOpts)];
    if (obj.kind === 'sarModel')
      throw new ModelError('RECSCORE_MODEL_SOURCE', obj.name, 'a SAR model is not a TAAR file');
    const decoded = await decodeModelStream(obj.kind, obj.name, bytes);
    Object.assign(parts, decoded.part);
    if (decoded.problem) problems.push(decoded.problem);
  }
  const missing = (
    [
      'itemMatrix',
      'addonMapping',
      'whitelist',
      'donors',
      'lrCurves',
      'locale',
      'ensembleWeights',
      'coinstall',
      'ranking',
    ] as const
  ).filter((k) => parts[k] === undefined);
  if (missing.length)
    throw new RecscoreError('RECSCORE_MODEL_MISSING', `model source ${source.location} lacks: ${missing.join(', ')}`);
  // Rows that disagree surface only now, as when packing found them: a broken file elsewhere comes first.
  if (problems.length) throw problems[0];
  // Well-formed but empty: refused here, before packing, so it never replaces a version that serves.
  assertUsable(parts as TaarModelSet, opts.minimums ?? DEFAULT_MINIMUMS);
  return { set: parts as TaarModelSet, version };
}

/** The kernel's pack-time step on a freshly packed memory (ln of the LR table, in WASM for exactness). */
export type FinishPacking = (memory: WebAssembly.Memory) => void;

export function packModel(set: TaarModelSet, versionId: string, finish: FinishPacking): PackedModel {
  const packed = packModelSet(set, versionId);
  finish(packed.memory);
  return new PackedModel(packed.memory, { meta: packed.meta, guids: packed.guids });
}

export async function loadModel(
  source: ModelSource,
  finish: FinishPacking,
  opts: LoadOptions = {},
): Promise<PackedModel> {
  const logger = opts.logger ?? rootLog;
  const t0 = performance.now();
  const { set, version } = await loadModelSet(source, opts);
  const t1 = performance.now();
  const model = packModel(set, version.id, finish);
  logger.info('model loaded', {
    source: source.location,
    version: version.id,
    items: model.nItems,
    donors: model.nDonors,
    guids: model.nGuids,
    bytes: model.modelBytes,
    decodeMs: Math.round(t1 - t0),
    packMs: Math.round(performance.now() - t1),
  });
  return model;
}
