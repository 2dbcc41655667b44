/**
 * assembly/layout.ts mirrors src/model/kinds/taar/layout.ts by hand (AssemblyScript cannot import the TypeScript
 * module). A constant that drifts makes the kernel read the wrong section or scratch slot, so every
 * mirrored constant is compared with its twin here, from the assembly source text.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { LITE_MODES } from '../../src/kernel/kernel.js';
import { kernelModule } from '../../src/kernel/wasm-kernel.js';
import * as L from '../../src/model/kinds/taar/layout.js';
import { REPO_ROOT } from '../helpers/vectors.js';

/** `export const NAME: type = value;` → { NAME: value } (decimal or hex integer literals only). */
function exportedConstants(file: string): Map<string, number> {
  const text = readFileSync(join(REPO_ROOT, 'assembly', file), 'utf8');
  const out = new Map<string, number>();
  for (const m of text.matchAll(/^export const (\w+)\s*:\s*\w+\s*=\s*(-?(?:0x[0-9a-fA-F]+|\d+))\s*;/gm)) {
    out.set(m[1], Number(m[2]));
  }
  return out;
}

const TS = L as unknown as Record<string, unknown>;

describe('assembly/layout.ts mirrors src/model/kinds/taar/layout.ts', () => {
  const asm = exportedConstants('layout.ts');

  test('the parser found the constants', () => {
    assert.ok(asm.size >= 40, `only ${asm.size} constants parsed`);
    for (const name of ['MODEL_BASE', 'HEADER_INFO_SLOTS', 'H_N_ITEMS', 'S_ITEM_FEAT', 'X_U', 'IN_HASHES', 'OUT_W'])
      assert.ok(asm.has(name), name);
  });

  test('every H_*, X_*, IN_*, OUT_* constant, MODEL_BASE and HEADER_INFO_SLOTS equal their TypeScript twins', () => {
    const mirrored = [...asm.keys()].filter(
      (n) => /^(H_|X_|IN_|OUT_)/.test(n) || n === 'MODEL_BASE' || n === 'HEADER_INFO_SLOTS',
    );
    assert.ok(mirrored.length > 0);
    for (const name of mirrored) {
      assert.equal(
        typeof TS[name],
        'number',
        `${name} is exported by assembly/layout.ts but not by src/model/kinds/taar/layout.ts`,
      );
      assert.equal(asm.get(name), TS[name], name);
    }
  });

  test('every S_<NAME> equals SECTION_INDEX[NAME]', () => {
    const sections = [...asm.keys()].filter((n) => n.startsWith('S_'));
    assert.ok(sections.length > 0);
    for (const name of sections) {
      const section = name.slice(2) as L.SectionName;
      assert.ok(section in L.SECTION_INDEX, `${name}: no section ${section} in SECTIONS`);
      assert.equal(asm.get(name), L.SECTION_INDEX[section], name);
    }
  });

  test('no other constant is exported (each one must be checked above)', () => {
    const unchecked = [...asm.keys()].filter(
      (n) => !/^(H_|X_|IN_|OUT_|S_)/.test(n) && n !== 'MODEL_BASE' && n !== 'HEADER_INFO_SLOTS',
    );
    assert.deepEqual(unchecked, []);
  });

  test('every scratch slot the TypeScript side plans is mirrored', () => {
    for (const name of Object.keys(TS).filter((n) => /^(X_|IN_|OUT_)/.test(n)))
      assert.ok(asm.has(name), `${name} is missing from assembly/layout.ts`);
  });

  test('TAAR-lite mode numbers agree (assembly/lite.ts vs LITE_MODES)', () => {
    const lite = exportedConstants('lite.ts');
    const byName: Record<string, number> = {
      MODE_NONE: LITE_MODES.none,
      MODE_ROW_COUNT: LITE_MODES.row_count,
      MODE_ROW_SUM: LITE_MODES.row_sum,
      MODE_ROWNORM_SUM: LITE_MODES.rownorm_sum,
      MODE_GUIDCEPTION: LITE_MODES.guidception,
    };
    assert.deepEqual(Object.fromEntries(lite), byName);
  });

  test('the kernel’s static data ends below MODEL_BASE', () => {
    const memory = new WebAssembly.Memory({ initial: 2, maximum: L.MAX_PAGES, shared: true });
    const instance = new WebAssembly.Instance(kernelModule(), {
      env: {
        memory,
        abort: () => {
          throw new Error('abort');
        },
      },
    });
    const heapBase = (instance.exports as { heapBase(): number }).heapBase();
    assert.ok(heapBase > 0 && heapBase < L.MODEL_BASE, `heapBase ${heapBase}, MODEL_BASE ${L.MODEL_BASE}`);
  });
});
