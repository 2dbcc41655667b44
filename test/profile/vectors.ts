/** Where the TAAR vectors are: `shared/` beside the repository (as in CI), or RECSCORE_VECTORS. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

// From dist/test/profile/ four levels up is the folder that holds both the repository and shared/.
export const VECTORS_DIR = process.env.RECSCORE_VECTORS ?? fileURLToPath(new URL('../../../../shared/taar/vectors/', import.meta.url));

export function readJsonl<T = Record<string, unknown>>(name: string): T[] {
  return readFileSync(join(VECTORS_DIR, name), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as T);
}
