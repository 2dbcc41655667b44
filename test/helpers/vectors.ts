/**
 * Locates TAAR's vectors and reads them; compares recscore's lists with TAAR's under SPEC §12.4's rule: same
 * GUIDs in the same order, weights within 1e-12 · max(1, |w|). The vectors are RECSCORE_VECTORS when set, else
 * the copy committed under test/fixtures/taar (so a clone without ../shared still runs every test);
 * test/parity/vectors-copy.test.ts keeps that copy equal to ../shared/taar/vectors.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join, resolve } from 'node:path';
import { brotliDecompressSync } from 'node:zlib';
import type { ClientInfo } from '../../src/profile/client-info.js';
import { isTestClient } from '../../src/recommend/test-clients.js';

// From dist/test/helpers/ three levels up is the repository.
export const REPO_ROOT = resolve(fileURLToPath(new URL('../../..', import.meta.url)));
export const FIXTURE_VECTORS = join(REPO_ROOT, 'test/fixtures/taar');
/** Where CI keeps the vectors (beside the repository): the source of the committed copy. */
export const SHARED_VECTORS = resolve(REPO_ROOT, '../shared/taar/vectors');
export const VECTORS = process.env.RECSCORE_VECTORS ? resolve(process.env.RECSCORE_VECTORS) : FIXTURE_VECTORS;
export const VECTOR_MODELS = join(VECTORS, 'models');
export const haveVectors = existsSync(join(VECTORS, 'MANIFEST.json'));

/** Suffix of a vectors file stored Brotli-compressed (large ones, in the committed copy). */
export const COMPRESSED = '.br';

/** The bytes of a vectors file: `file` itself, or `file.br` decompressed when only that exists. */
export function readVectorBytes(file: string): Buffer {
  if (!existsSync(file) && existsSync(file + COMPRESSED)) return brotliDecompressSync(readFileSync(file + COMPRESSED));
  return readFileSync(file);
}

export function readVectorText(file: string): string {
  return readVectorBytes(file).toString('utf8');
}

/** One JSON value per non-empty line of a vectors file (plain or `.br`, as readVectorBytes). */
export function readJsonl<T = Record<string, unknown>>(file: string): T[] {
  return readVectorText(file)
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as T);
}

export type Pairs = Array<[string, number]>;

/** Returns a description of the first difference, or undefined when the lists agree. */
export function firstDifference(
  actual: Pairs | null | undefined,
  expected: Pairs | null | undefined,
  tol = 1e-12,
): string | undefined {
  if (expected === null || expected === undefined) {
    return actual === null || actual === undefined ? undefined : `expected null, got a list of ${actual.length}`;
  }
  if (!actual) return `expected a list of ${expected.length}, got ${actual}`;
  const n = Math.min(actual.length, expected.length);
  for (let i = 0; i < n; i++) {
    const [ga, wa] = actual[i];
    const [ge, we] = expected[i];
    if (ga !== ge) return `position ${i}: GUID ${ga} (w=${wa}), expected ${ge} (w=${we})`;
    if (!(Math.abs(wa - we) <= tol * Math.max(1, Math.abs(we)))) {
      return `position ${i} (${ge}): weight ${wa}, expected ${we} (diff ${wa - we})`;
    }
  }
  if (actual.length !== expected.length) return `length ${actual.length}, expected ${expected.length}`;
  return undefined;
}

/** Exact equality (bit-for-bit weights) — reported as a figure, not required. */
export function bitExact(actual: Pairs | null | undefined, expected: Pairs | null | undefined): boolean {
  if (!actual || !expected) return actual === expected || (!actual && !expected);
  if (actual.length !== expected.length) return false;
  return actual.every(([g, w], i) => g === expected[i][0] && Object.is(w, expected[i][1]));
}

/** `recscore serve`'s arguments for the vectors' model and profiles on a free port with one worker. */
export function vectorServeArgs(cacheDir: string): string[] {
  return [
    '--models',
    VECTOR_MODELS,
    '--profiles',
    join(VECTORS, 'profiles.jsonl'),
    '--port',
    '0',
    '--workers',
    '1',
    '--cache-dir',
    cacheDir,
  ];
}

/** One line of the vectors' profiles.jsonl. */
export interface VectorProfile {
  client_id: string;
  profile: ClientInfo | null;
  extra_data: Record<string, string>;
}

/**
 * The profiles a kernel scores (a profile, and not one of TAAR's test clients), each with its line of
 * expected_recommendations.jsonl (`E`: the fields a test reads).
 */
export function scorableVectorProfiles<E>(): Array<{ p: VectorProfile; e: E }> {
  const profiles = readJsonl<VectorProfile>(`${VECTORS}/profiles.jsonl`);
  const expected = readJsonl<E>(`${VECTORS}/expected_recommendations.jsonl`);
  return profiles.map((p, i) => ({ p, e: expected[i] })).filter(({ p }) => p.profile && !isTestClient(p.client_id));
}
