/**
 * Worker-thread entry of an off-thread model load (off-thread-load.ts): source → decode → pack in this
 * thread, so the server's event loop keeps answering while a version is parsed (JSON.parse of a large
 * model blocks for seconds). Posts back the shared memory (a handle, not a copy) and the metadata.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { isRecscoreError } from '../../errors.js';
import { createLogger } from '../../log.js';
import { loadModelSet, packModel } from '../kinds/taar/load.js';
import { createModelSource, type CreateSourceOptions } from '../source/index.js';
import type { SourceVersion } from '../source/source.js';
import type { UsableMinimums } from '../kinds/taar/usable.js';

interface LoadJob {
  location: string | undefined;
  env: Record<string, string | undefined>;
  gcs: CreateSourceOptions['gcs'];
  version: SourceVersion;
  minimums: UsableMinimums;
}

const job = workerData as LoadJob;
const logger = createLogger({ service: 'recscore', component: 'model-loader' });
const source = createModelSource(job.location, job.env, { logger, gcs: job.gcs });
try {
  const version = { ...job.version, checkedAt: new Date(job.version.checkedAt) };
  const { set } = await loadModelSet(source, { version, logger, minimums: job.minimums });
  const model = packModel(set, version.id);
  parentPort!.postMessage({ ok: true, memory: model.memory, meta: model.meta, guids: model.guids });
} catch (e) {
  const err = e as Error & { file?: string };
  parentPort!.postMessage({
    ok: false,
    error: { code: isRecscoreError(e) ? e.code : 'RECSCORE_INTERNAL', message: err?.message ?? String(e), file: err?.file },
  });
} finally {
  await source.close();
}
