/**
 * No line over 120 characters in the code folders. Biome's formatter wraps code but leaves long strings,
 * comments and template literals alone, and it does not cover assembly/; this test covers all of them.
 */
import assert from 'node:assert/strict';
import { type Dirent, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const MAX = 120;
const ROOT = resolve(fileURLToPath(new URL('../../..', import.meta.url)));
const FOLDERS = ['src', 'test', 'loadtest', 'bench', 'scripts', 'assembly'];
const CODE = /\.(ts|mts|cts|js|mjs|cjs)$/;

/** `file:line (length)` of every code line longer than MAX under the folders of root. */
function longLines(root: string, folders: string[]): string[] {
  const found: string[] = [];
  const walk = (dir: string): void => {
    let entries: Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return; // a folder this checkout does not have
    }
    for (const e of entries) {
      const p = join(dir, e.name);
      if (e.isDirectory()) {
        if (e.name !== 'node_modules') walk(p);
      } else if (CODE.test(e.name)) {
        readFileSync(p, 'utf8')
          .split(/\r?\n/)
          .forEach((line, i) => {
            // Characters as an editor counts them (code points), not UTF-16 units.
            const length = [...line].length;
            if (length > MAX) found.push(`${relative(root, p)}:${i + 1} (${length})`);
          });
      }
    }
  };
  for (const f of folders) walk(join(root, f));
  return found.sort();
}

describe('line length', () => {
  it(`no line over ${MAX} characters in ${FOLDERS.join(', ')}`, () => {
    const found = longLines(ROOT, FOLDERS);
    assert.deepEqual(found, [], `lines over ${MAX} characters (rewrap them):\n${found.join('\n')}`);
  });

  it('names the file and line of a long line, and counts characters rather than UTF-16 units', () => {
    const dir = mkdtempSync(join(tmpdir(), 'recscore-line-length-'));
    try {
      mkdirSync(join(dir, 'src', 'deep'), { recursive: true });
      writeFileSync(join(dir, 'src', 'deep', 'a.ts'), `const ok = 1;\n// ${'x'.repeat(MAX - 3)}\n`);
      writeFileSync(join(dir, 'src', 'b.mjs'), `${'y'.repeat(MAX + 1)}\n`);
      writeFileSync(join(dir, 'src', 'c.ts'), `${'é'.repeat(MAX)}\n${'🙂'.repeat(MAX)}\n`);
      writeFileSync(join(dir, 'src', 'notes.md'), `${'z'.repeat(MAX * 2)}\n`);
      assert.deepEqual(longLines(dir, ['src', 'absent']), ['src/b.mjs:1 (121)']);
      writeFileSync(join(dir, 'src', 'deep', 'a.ts'), `const ok = 1;\n// ${'x'.repeat(MAX - 2)}\n`);
      assert.deepEqual(longLines(dir, ['src']), ['src/b.mjs:1 (121)', 'src/deep/a.ts:2 (121)']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
