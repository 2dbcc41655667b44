/**
 * Locates ../shared/taar/vectors (beside the repository, as in CI) and compares recscore's lists with
 * TAAR's under SPEC §12.4's rule: same GUIDs in the same order, weights within 1e-12 · max(1, |w|).
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join, resolve } from 'node:path';

export const REPO_ROOT = resolve(fileURLToPath(new URL('../../..', import.meta.url)));
export const VECTORS = process.env.RECSCORE_VECTORS ?? resolve(REPO_ROOT, '../shared/taar/vectors');
export const VECTOR_MODELS = join(VECTORS, 'models');
export const haveVectors = existsSync(join(VECTORS, 'MANIFEST.json'));

export function readJsonl<T = Record<string, unknown>>(file: string): T[] {
  return readFileSync(file, 'utf8').split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as T);
}

export type Pairs = Array<[string, number]>;

/** Returns a description of the first difference, or undefined when the lists agree. */
export function firstDifference(actual: Pairs | null | undefined, expected: Pairs | null | undefined, tol = 1e-12): string | undefined {
  if (expected === null || expected === undefined) return actual === null || actual === undefined ? undefined : `expected null, got a list of ${actual.length}`;
  if (!actual) return `expected a list of ${expected.length}, got ${actual}`;
  const n = Math.min(actual.length, expected.length);
  for (let i = 0; i < n; i++) {
    const [ga, wa] = actual[i];
    const [ge, we] = expected[i];
    if (ga !== ge) return `position ${i}: GUID ${ga} (w=${wa}), expected ${ge} (w=${we})`;
    if (!(Math.abs(wa - we) <= tol * Math.max(1, Math.abs(we)))) return `position ${i} (${ge}): weight ${wa}, expected ${we} (diff ${wa - we})`;
  }
  if (actual.length !== expected.length) return `length ${actual.length}, expected ${expected.length}`;
  return undefined;
}

/** Exact equality (bit-for-bit weights) — reported as a figure, not required. */
export function bitExact(actual: Pairs | null | undefined, expected: Pairs | null | undefined): boolean {
  if (!actual || !expected) return actual === expected || (!actual && !expected);
  return actual.length === expected.length && actual.every(([g, w], i) => g === expected[i][0] && Object.is(w, expected[i][1]));
}
