/**
 * The README's "Configuration" table is the one src/config renders: a variable missing from it, or one it
 * names that the code does not know, fails here. And src/config is the only reader of the environment.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { SETTINGS, TAAR_MODEL_VARIABLES } from '../../src/config/index.js';
import { configTable } from '../../src/config/doc.js';
import type { Setting } from '../../src/config/settings.js';
import { REPO_ROOT } from '../helpers/vectors.js';

const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
const section = /<!-- config-table:start -->\n([\s\S]*?)<!-- config-table:end -->/.exec(readme)?.[1] ?? '';
const settingEnvs = (Object.values(SETTINGS) as Setting<unknown>[]).flatMap((s) => (s.env ? [s.env] : []));
const known = new Set<string>([...settingEnvs, ...TAAR_MODEL_VARIABLES]);

const withoutComments = (code: string) => code.replace(/\/\/.*$|^\s*\*.*$/gm, '');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });
}

describe('README Configuration table', () => {
  it('is exactly the table rendered from src/config/settings.ts', () => {
    assert.ok(section, 'README has a config-table section');
    assert.equal(section.trim(), configTable().trim(), 'regenerate it: node dist/src/config/doc.js');
  });

  it('names every variable the code reads, and no other', () => {
    const named = new Set([...section.matchAll(/^\| `([A-Z][A-Z0-9_]+)` \|/gm)].map((m) => m[1]));
    assert.deepEqual(
      [...known].filter((v) => !named.has(v)),
      [],
      'variables missing from the README',
    );
    assert.deepEqual(
      [...named].filter((v) => !known.has(v)),
      [],
      'README names unknown variables',
    );
  });

  it("lists TAAR's model variables exactly as the GCS layout reads them", () => {
    const layout = readFileSync(join(REPO_ROOT, 'src/model/source/gcs-layout.ts'), 'utf8');
    const read = new Set([...layout.matchAll(/'(TAAR(?:LITE)?_[A-Z_]+)'/g)].map((m) => m[1]));
    assert.deepEqual([...read].sort(), [...TAAR_MODEL_VARIABLES].sort());
  });
});

describe('environment reads', () => {
  it('only src/config reads process.env', () => {
    // Two exceptions: a default parameter of createModelSource (callers pass src/config's TAAR variables),
    // and the load test's slowdown knobs (RECSCORE_TEST_*), which are not settings an operator may use.
    const allowed = new Set(['src/model/source/index.ts', 'src/test-knobs.ts']);
    const offenders = sources(join(REPO_ROOT, 'src'))
      .map((p) => relative(REPO_ROOT, p))
      .filter((p) => !p.startsWith('src/config/') && !allowed.has(p))
      .filter((p) => /process\.env\b/.test(withoutComments(readFileSync(join(REPO_ROOT, p), 'utf8'))));
    assert.deepEqual(offenders, []);
  });
});
