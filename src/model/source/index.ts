/**
 * Picks the model source from configuration, as TAAR deployments expect:
 *   `gs://bucket/prefix`             → GCS, TAAR's object names under the prefix
 *   no location, TAAR_*_BUCKET set   → GCS, placed exactly by TAAR's env vars (SPEC §5)
 *   anything else (path, file: URL)  → a local folder
 *
 * @example
 *   const source = createModelSource(process.env.RECSCORE_MODELS, process.env, { gcs: { idleTimeoutMs: 20_000 } });
 *   const version = await source.check();
 *   const bytes = await source.read(version.objects[0]);
 */
import { fileURLToPath } from 'node:url';
import { RecscoreError } from '../../errors.js';
import type { Logger } from '../../log.js';
import { MODEL_FILE_KINDS, type ModelFileKind } from '../kinds/taar/files.js';
import { hasTaarEnv, layoutFromEnv, layoutFromUrl } from './gcs-layout.js';
import type { GcsSourceOptions } from './gcs-options.js';
import { GcsModelSource } from './gcs-source.js';
import { LocalModelSource } from './local-source.js';
import type { ModelSource } from './source.js';

export type { ModelObject, ModelSource, ReadOptions, SourceVersion } from './source.js';
export type { GcsSourceOptions } from './gcs-options.js';
export { GcsModelSource } from './gcs-source.js';
export { LocalModelSource } from './local-source.js';

export interface CreateSourceOptions {
  /** Which model files must be present (default: all nine; e.g. drop the lite ones when TAAR-lite is off). */
  kinds?: readonly ModelFileKind[];
  logger?: Logger;
  /** GCS client and timing settings (ignored for folders). */
  gcs?: Omit<GcsSourceOptions, 'kinds' | 'logger'>;
}

export function createModelSource(
  location: string | undefined,
  env: Record<string, string | undefined> = process.env,
  opts: CreateSourceOptions = {},
): ModelSource {
  const kinds = opts.kinds ?? MODEL_FILE_KINDS;
  const loc = location?.trim();
  if (loc?.startsWith('gs://')) {
    return new GcsModelSource(layoutFromUrl(loc, kinds), { ...opts.gcs, kinds, logger: opts.logger });
  }
  if (!loc) {
    if (hasTaarEnv(env))
      return new GcsModelSource(layoutFromEnv(env, kinds), { ...opts.gcs, kinds, logger: opts.logger });
    throw new RecscoreError(
      'RECSCORE_CONFIG',
      "no model location: give a folder or gs://bucket/prefix, or set TAAR's TAAR_*_BUCKET/_KEY variables",
    );
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(loc) && !loc.startsWith('file://')) {
    throw new RecscoreError('RECSCORE_CONFIG', `model location ${loc}: only folders, file:// and gs:// are supported`);
  }
  return new LocalModelSource(loc.startsWith('file://') ? fileURLToPath(loc) : loc, { kinds, logger: opts.logger });
}
