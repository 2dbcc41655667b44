/**
 * The one place SAR tests find their parity vectors: RECSCORE_SAR_VECTORS, else the full set in
 * ../shared/sar/vectors where it exists (CI), else test/fixtures/sar (a committed subset that keeps every
 * configuration, so a clean clone runs them). Files may be stored gzipped
 * (`x.jsonl.gz`); readers accept either name.
 */
import { existsSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(fileURLToPath(new URL('../../..', import.meta.url)));
const CANDIDATES = [
  process.env.RECSCORE_SAR_VECTORS,
  resolve(REPO_ROOT, '../shared/sar/vectors'),
  join(REPO_ROOT, 'test/fixtures/sar'),
].filter((p): p is string => !!p);

export const SAR_VECTORS =
  CANDIDATES.find((p) => existsSync(join(p, 'MANIFEST.json'))) ?? CANDIDATES[CANDIDATES.length - 1];

/** The vector file's path, whichever of `name` and `name.gz` exists. */
export function vectorPath(name: string): string {
  const plain = join(SAR_VECTORS, name);
  if (existsSync(plain)) return plain;
  if (existsSync(`${plain}.gz`)) return `${plain}.gz`;
  if (name.endsWith('.gz') && existsSync(plain.slice(0, -3))) return plain.slice(0, -3);
  throw new Error(`SAR vector file ${name} not found under ${SAR_VECTORS}`);
}

export function readVectorText(name: string): string {
  const p = vectorPath(name);
  const buf = readFileSync(p);
  return (p.endsWith('.gz') ? gunzipSync(buf) : buf).toString('utf8');
}

export function readVectorJsonl<T = Record<string, unknown>>(name: string): T[] {
  return readVectorText(name)
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as T);
}

export interface Manifest {
  sar_settings: { similarity_types: string[]; slugs: string[]; thresholds: number[] };
  files: Record<string, { bytes: number; records: number }>;
  [k: string]: unknown;
}
export function readManifest(): Manifest {
  return JSON.parse(readFileSync(join(SAR_VECTORS, 'MANIFEST.json'), 'utf8')) as Manifest;
}

export const SLUG_TO_TYPE: Record<string, string> = {
  cooc: 'cooccurrence',
  jacc: 'jaccard',
  lift: 'lift',
  cos: 'cosine',
  incl: 'inclusion-index',
  mi: 'mutual-information',
  lmi: 'lexicographers-mutual-information',
};
