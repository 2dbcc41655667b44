/**
 * Loads a model version in a dedicated worker thread (load-worker.ts) and returns it opened by its kind
 * on this thread, after `finish` (the kernel's pack-time step, passed in by the caller: a higher layer).
 * Errors keep their RECSCORE_… code and the file they name.
 */
import { Worker } from 'node:worker_threads';
import { ModelError, RecscoreError, type ErrorCode } from '../../errors.js';
import type { ModelKind, PackedParts, ServableModel } from '../kind.js';
import type { LoadJob } from './load-worker.js';

type Reply =
  | { ok: true; parts: PackedParts }
  | { ok: false; error: { code: ErrorCode; message: string; file?: string } };

export function loadModelOffThread<M extends ServableModel>(
  kind: ModelKind<M>,
  job: Omit<LoadJob, 'kind'>,
  finish: (memory: WebAssembly.Memory) => void,
): Promise<M> {
  return new Promise((resolve, reject) => {
    const workerData: LoadJob = { ...job, kind: kind.name };
    const worker = new Worker(new URL('./load-worker.js', import.meta.url), { workerData });
    let settled = false;
    worker.once('message', (r: Reply) => {
      settled = true;
      if (r.ok) {
        try {
          finish(r.parts.memory);
          resolve(kind.open(r.parts));
        } catch (e) {
          reject(e);
        }
      } else {
        const { code, message, file } = r.error;
        // The message already names the file (ModelError's format): rebuild without prefixing it again.
        const e = file ? Object.assign(new ModelError(code, file, ''), { message }) : new RecscoreError(code, message);
        reject(e);
      }
      void worker.terminate();
    });
    worker.once('error', (e) => {
      if (!settled)
        reject(
          new RecscoreError('RECSCORE_INTERNAL', `model loader thread failed: ${e.message}`, undefined, { cause: e }),
        );
    });
    worker.once('exit', (code) => {
      if (!settled) reject(new RecscoreError('RECSCORE_INTERNAL', `model loader thread exited with code ${code}`));
    });
  });
}
