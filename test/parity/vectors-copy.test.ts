/**
 * The committed copy of TAAR's vectors (test/fixtures/taar): every test reads it on a clone without
 * ../shared, so it must be whole (TAAR's MANIFEST: sizes and SHA-256 of the plain files, after Brotli where
 * stored as .br) and must not drift from ../shared/taar/vectors, CI's copy, whenever that folder exists.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, test } from 'node:test';
import {
  COMPRESSED,
  FIXTURE_VECTORS,
  haveVectors,
  readVectorBytes,
  REPO_ROOT,
  SHARED_VECTORS,
  VECTORS,
} from '../helpers/vectors.js';

interface Manifest {
  files: Record<string, { bytes: number; sha256: string }>;
}

const REFRESH = 'refresh it with `node scripts/copy-vectors.mjs`';
const NOT_DATA = new Set(['README.md']);

function filesUnder(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const p = join(dir, name);
      return statSync(p).isDirectory() ? filesUnder(p) : [p];
    });
}

/** The copy's data files by their plain name (`x.jsonl.br` → `x.jsonl`). */
function copyNames(): string[] {
  return filesUnder(FIXTURE_VECTORS)
    .map((p) => relative(FIXTURE_VECTORS, p))
    .filter((rel) => !NOT_DATA.has(rel))
    .map((rel) => (rel.endsWith(COMPRESSED) ? rel.slice(0, -COMPRESSED.length) : rel))
    .sort();
}

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('the committed TAAR vectors (test/fixtures/taar)', () => {
  test('tests find the vectors without ../shared: the committed copy unless RECSCORE_VECTORS names another', () => {
    if (process.env.RECSCORE_VECTORS === undefined || process.env.RECSCORE_VECTORS === '') {
      assert.equal(VECTORS, FIXTURE_VECTORS);
    }
    assert.ok(haveVectors, `no MANIFEST.json in ${VECTORS}`);
  });

  test('every file is whole: the sizes and SHA-256 of its MANIFEST, and no file it does not list', () => {
    const manifest = JSON.parse(readFileSync(join(FIXTURE_VECTORS, 'MANIFEST.json'), 'utf8')) as Manifest;
    const listed = Object.keys(manifest.files).sort();
    assert.ok(listed.includes('expected_recommendations.jsonl') && listed.includes('expected_taarlite.jsonl'));
    assert.deepEqual(copyNames(), [...listed, 'MANIFEST.json'].sort(), REFRESH);
    for (const name of listed) {
      const bytes = readVectorBytes(join(FIXTURE_VECTORS, name));
      assert.equal(bytes.length, manifest.files[name].bytes, `${name}: size; ${REFRESH}`);
      assert.equal(sha256(bytes), manifest.files[name].sha256, `${name}: SHA-256; ${REFRESH}`);
    }
  });

  const noShared = existsSync(join(SHARED_VECTORS, 'MANIFEST.json'))
    ? false
    : `no vectors at ${SHARED_VECTORS} (a clone without ../shared): the copy is checked against its MANIFEST only`;
  test('equals ../shared/taar/vectors file for file, byte for byte', { skip: noShared }, () => {
    const shared = filesUnder(SHARED_VECTORS)
      .map((p) => relative(SHARED_VECTORS, p))
      .sort();
    assert.deepEqual(copyNames(), shared, `the copy lists other files than ${SHARED_VECTORS}; ${REFRESH}`);
    for (const name of shared) {
      const same = readVectorBytes(join(FIXTURE_VECTORS, name)).equals(readFileSync(join(SHARED_VECTORS, name)));
      assert.ok(same, `${name} differs from ${SHARED_VECTORS}/${name}; ${REFRESH}`);
    }
  });

  test('no source reads ../shared directly (a clone without it would fail): only the vectors helper knows it', () => {
    const allowed = new Set([
      'test/helpers/vectors.ts',
      'test/parity/vectors-copy.test.ts',
      'scripts/copy-vectors.mjs',
    ]);
    const quotedShared = /['"`][^'"`\n]*shared\/taar/;
    const offenders = ['src', 'test', 'loadtest', 'bench', 'scripts']
      .flatMap((dir) => filesUnder(join(REPO_ROOT, dir)))
      .map((p) => relative(REPO_ROOT, p))
      .filter((rel) => /\.(ts|mts|js|mjs)$/.test(rel) && !allowed.has(rel))
      .filter((rel) => quotedShared.test(readFileSync(join(REPO_ROOT, rel), 'utf8')));
    assert.deepEqual(offenders, [], 'read the vectors through test/helpers/vectors.ts (VECTORS, VECTOR_MODELS)');
  });
});
