/**
 * Where a model's usage log may come from: a path under RECSCORE_DATA_DIR (relative to it, or absolute
 * inside it; symbolic links are followed before the check, so a link cannot lead outside), a `gs://`
 * URL, or an event-log range `events:FROM..TO` (passed to the SAR usage reader, which decides).
 */
import { existsSync, realpathSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { RecscoreError } from '../errors.js';

const GS = /^gs:\/\/[a-z0-9][a-z0-9._-]{1,220}[a-z0-9](\/[^\x00-\x1f]*)?$/;

function bad(field: string, message: string): RecscoreError {
  return new RecscoreError('RECSCORE_BAD_USAGE_PATH', `${field}: ${message}`, { field });
}

/** Checks a usage location as the API receives it; throws RECSCORE_BAD_USAGE_PATH naming the field. */
export function checkUsage(field: string, usage: string, dataDir: string): void {
  if (usage.startsWith('gs://')) {
    if (!GS.test(usage)) throw bad(field, `not a valid gs://bucket/path URL`);
    return;
  }
  if (usage.startsWith('events:')) return;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(usage))
    throw bad(field, 'only paths under the data folder and gs:// URLs are accepted');
  const root = realOrSelf(resolve(dataDir));
  const path = resolve(root, usage);
  if (!inside(root, path)) throw bad(field, 'the path is outside the data folder (RECSCORE_DATA_DIR)');
  if (!existsSync(path)) throw bad(field, `no file or folder ${JSON.stringify(usage)} in the data folder`);
  if (!inside(root, realOrSelf(path))) throw bad(field, 'the path leads outside the data folder (RECSCORE_DATA_DIR)');
}

/** The location the reader opens (a data-folder path made absolute). */
export function resolveUsage(usage: string, dataDir: string): string {
  if (usage.startsWith('gs://') || usage.startsWith('events:')) return usage;
  return resolve(dataDir, usage);
}

function inside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
}

function realOrSelf(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}
