/**
 * Loading one registry model's artifact (model-cache.ts decides when): its source is checked here, its
 * size reserved in the cache's budget, then the SAR kind packs it into a fresh shared memory in a loader
 * thread, so the event loop never parses. And the one wording of a load's failure.
 */
import { isRecscoreError, RecscoreError } from '../errors.js';
import { sarKind } from '../model/kinds/sar/kind.js';
import type { SarPackedModel } from '../model/kinds/sar/packed-model.js';
import { loadModelOffThread } from '../model/lifecycle/off-thread-load.js';
import type { GcsSourceOptions } from '../model/source/gcs-options.js';
import { sarServing } from './kinds.js';

export interface LoadJob {
  artifact: string;
  /** Unique per load in this process: workers key their kernels by it (release.ts). */
  versionSuffix: string;
  /** Called with the artifact's size before its memory is allocated, so that LRU models make room first. */
  reserve(bytes: number): void;
}

/** Checks the artifact's source, reserves its size, then packs it in a loader thread. */
export async function loadArtifact(
  job: LoadJob,
  gcs: Omit<GcsSourceOptions, 'kinds' | 'logger'> | undefined,
): Promise<SarPackedModel> {
  const source = sarKind.createSource!(job.artifact, { gcs });
  let version;
  try {
    version = await source.check();
  } finally {
    await source.close();
  }
  job.reserve(version.objects.reduce((n, o) => n + o.size, 0));
  const pinned = { ...version, id: `${version.id}~${job.versionSuffix}` };
  const work = { location: job.artifact, env: {}, gcs, version: pinned };
  return loadModelOffThread(sarKind, work, sarServing.finish);
}

/** A load's failure as the model's error: not-found and not-completed as they are, others wrapped. */
export function describeFailure(id: string, error: unknown): RecscoreError {
  if (
    isRecscoreError(error) &&
    (error.code === 'RECSCORE_MODEL_NOT_FOUND' || error.code === 'RECSCORE_MODEL_NOT_COMPLETED')
  )
    return error;
  const code = isRecscoreError(error) ? error.code : 'RECSCORE_INTERNAL';
  const message = `model ${id} cannot be loaded: ${(error as Error)?.message ?? String(error)}`;
  return new RecscoreError(code, message, { model: id }, { cause: error });
}
