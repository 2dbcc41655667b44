/**
 * Training off the serving path: trainFromPath in a worker thread, returning the packed image (its
 * buffer transferred, not copied) and the parse report. The serving thread only waits on a message.
 * Errors come back with their RECSCORE_ code.
 */
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { RecscoreError, isRecscoreError, type ErrorCode } from '../../../../errors.js';
import { packModel } from '../pack/pack.js';
import type { ParseReport } from '../parse/codes.js';
import type { SarParams } from '../types.js';
import { trainFromPath, type FileTrainOptions } from './train.js';

interface Job {
  path: string;
  params: Partial<SarParams>;
  maxBadLines?: number;
}
type Reply =
  | { ok: true; image: Uint8Array; report: ParseReport }
  | { ok: false; code: ErrorCode; message: string; details?: Record<string, unknown> };

export function trainInWorker(
  path: string,
  params: Partial<SarParams>,
  opts: Pick<FileTrainOptions, 'maxBadLines'> = {},
): Promise<{ image: Uint8Array; report: ParseReport }> {
  return new Promise((resolve, reject) => {
    const job: Job = { path, params, maxBadLines: opts.maxBadLines };
    const worker = new Worker(new URL(import.meta.url), { workerData: { sarTrainJob: job } });
    worker.once('message', (r: Reply) => {
      if (r.ok) resolve({ image: r.image, report: r.report });
      else reject(new RecscoreError(r.code, r.message, r.details));
    });
    worker.once('error', (e) =>
      reject(new RecscoreError('RECSCORE_INTERNAL', `training worker failed: ${e.message}`, undefined, { cause: e })),
    );
    worker.once('exit', (code) => {
      if (code !== 0) reject(new RecscoreError('RECSCORE_INTERNAL', `training worker exited with ${code}`));
    });
  });
}

// Runs only in a thread started by trainInWorker (other workers importing this module carry no job).
const job = isMainThread ? undefined : (workerData as { sarTrainJob?: Job } | undefined)?.sarTrainJob;
if (job && parentPort) {
  const port = parentPort;
  trainFromPath(job.path, job.params, { maxBadLines: job.maxBadLines }).then(
    ({ model, report }) => {
      const image = packModel(model, { report });
      port.postMessage({ ok: true, image, report } satisfies Reply, [image.buffer as ArrayBuffer]);
    },
    (e: unknown) => {
      const reply: Reply = isRecscoreError(e)
        ? { ok: false, code: e.code, message: e.message, details: e.details }
        : { ok: false, code: 'RECSCORE_INTERNAL', message: (e as Error)?.message ?? String(e) };
      port.postMessage(reply);
    },
  );
}
