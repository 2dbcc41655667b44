/**
 * Worker-thread entry of an off-thread model load (off-thread-load.ts): source → decode → pack in this
 * thread, by the kind named in the job, so the server's event loop keeps answering while a version is
 * parsed (JSON.parse of a large model blocks for seconds). Posts back the shared memory (a handle, not a
 * copy) and what the kind keeps beside it.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { isRecscoreError } from '../../errors.js';
import { createLogger } from '../../log.js';
import { modelKind } from '../kinds/index.js';
import { createModelSource, type CreateSourceOptions } from '../source/index.js';
import type { SourceVersion } from '../source/source.js';

export interface LoadJob {
  kind: string;
  location: string | undefined;
  env: Record<string, string | undefined>;
  gcs: CreateSourceOptions['gcs'];
  version: SourceVersion;
  limits?: Readonly<Record<string, number>>;
}

const job = workerData as LoadJob;
const logger = createLogger({ service: 'recscore', component: 'model-loader' });
const kind = modelKind(job.kind);
const source =
  kind.createSource && job.location
    ? kind.createSource(job.location, { gcs: job.gcs })
    : createModelSource(job.location, job.env, { logger, gcs: job.gcs });
try {
  const version = { ...job.version, checkedAt: new Date(job.version.checkedAt) };
  const parts = await kind.pack(source, { version, logger, limits: job.limits });
  parentPort!.postMessage({ ok: true, parts });
} catch (e) {
  const err = e as Error & { file?: string };
  parentPort!.postMessage({
    ok: false,
    error: {
      code: isRecscoreError(e) ? e.code : 'RECSCORE_INTERNAL',
      message: err?.message ?? String(e),
      file: err?.file,
    },
  });
} finally {
  await source.close();
}
