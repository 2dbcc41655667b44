/**
 * Loads a model version in a dedicated worker thread (load-worker.ts) and returns it as a PackedModel on
 * this thread. Errors keep their RECSCORE_… code and the file they name.
 */
import { Worker } from 'node:worker_threads';
import { ModelError, RecscoreError, type ErrorCode } from '../../errors.js';
import type { PackedMeta } from '../kinds/taar/pack.js';
import { PackedModel } from '../kinds/taar/packed-model.js';
import type { CreateSourceOptions } from '../source/index.js';
import type { SourceVersion } from '../source/source.js';
import { DEFAULT_MINIMUMS, type UsableMinimums } from '../kinds/taar/usable.js';

type Reply =
  | { ok: true; memory: WebAssembly.Memory; meta: PackedMeta; guids: string[] }
  | { ok: false; error: { code: ErrorCode; message: string; file?: string } };

export function loadModelOffThread(
  location: string | undefined,
  env: Record<string, string | undefined>,
  gcs: CreateSourceOptions['gcs'],
  version: SourceVersion,
  minimums: UsableMinimums = DEFAULT_MINIMUMS,
): Promise<PackedModel> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./load-worker.js', import.meta.url), { workerData: { location, env, gcs, version, minimums } });
    let settled = false;
    worker.once('message', (r: Reply) => {
      settled = true;
      if (r.ok) resolve(new PackedModel(r.memory, { meta: r.meta, guids: r.guids }));
      else {
        const { code, message, file } = r.error;
        // The message already names the file (ModelError's format): rebuild without prefixing it again.
        const e = file ? Object.assign(new ModelError(code, file, ''), { message }) : new RecscoreError(code, message);
        reject(e);
      }
      void worker.terminate();
    });
    worker.once('error', (e) => {
      if (!settled) reject(new RecscoreError('RECSCORE_INTERNAL', `model loader thread failed: ${e.message}`, undefined, { cause: e }));
    });
    worker.once('exit', (code) => {
      if (!settled) reject(new RecscoreError('RECSCORE_INTERNAL', `model loader thread exited with code ${code}`));
    });
  });
}
