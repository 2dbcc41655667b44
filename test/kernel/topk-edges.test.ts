/**
 * Edge cases of the kernels' bounded top-k (assembly/topk.ts: ties by file order or GUID code-point rank,
 * k of 0, negative, or beyond the candidates) and of nearestLr (SPEC §6.2: np.argmin keeps the FIRST of
 * equally distant LR entries, including ties that only exist after float rounding), each checked on
 * both kernels against the answer written out by hand.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { LITE_MODES, LR_ZERO_DENOMINATOR, type Kernel, type Ranked } from '../../src/kernel/kernel.js';
import { ReferenceKernel } from '../../src/kernel/reference.js';
import { WasmKernel, kernelModule } from '../../src/kernel/wasm-kernel.js';
import { positiveHash } from '../../src/model/kinds/taar/addon-hash.js';
import * as L from '../../src/model/kinds/taar/layout.js';
import { packModel } from '../../src/kernel/taar-model.js';
import type { PackedModel } from '../../src/model/kinds/taar/packed-model.js';
import type { TaarModelSet } from '../../src/model/kinds/taar/types.js';
import { donor, itemRows, tinySet } from './tiny-model.js';

function kernels(set: TaarModelSet): { model: PackedModel; both: Array<[string, Kernel]> } {
  const model = packModel(set, 'edge');
  return {
    model,
    both: [
      ['wasm', new WasmKernel(model.memory)],
      ['reference', new ReferenceKernel(model)],
    ],
  };
}

const named = (model: PackedModel, r: Ranked | typeof LR_ZERO_DENOMINATOR) => {
  assert.notEqual(r, LR_ZERO_DENOMINATOR);
  const ranked = r as Ranked;
  return Array.from(ranked.ids, (id, i): [string, number] => [model.guids[id], ranked.weights[i]]);
};

describe('collaborative top-k', () => {
  // F = 1: the installed row's factor is 1, so each score is the row's own factor.
  const set = tinySet(
    itemRows([
      { guid: 'installed', features: [1] },
      { guid: 'r1', features: [1] },
      { guid: 'r2', features: [2] },
      { guid: 'legacy', features: [9], web: false },
      { guid: 'r3', features: [2] },
      { guid: 'r4', features: [2] },
      { guid: 'r5', features: [-0.5] },
    ]),
  );
  const { model, both } = kernels(set);
  const installed = [positiveHash('installed')];

  for (const [name, k] of both) {
    test(`${name}: ties keep item-matrix file order, also where k cuts a tie group`, () => {
      assert.deepEqual(named(model, k.collaborative(installed, 10)), [
        ['r2', 2],
        ['r3', 2],
        ['r4', 2],
        ['r1', 1],
        ['r5', -0.5],
      ]);
      assert.deepEqual(named(model, k.collaborative(installed, 2)), [
        ['r2', 2],
        ['r3', 2],
      ]);
      assert.deepEqual(named(model, k.collaborative(installed, 1)), [['r2', 2]]);
    });

    test(`${name}: k = 0, negative k, k = candidates and k far beyond them`, () => {
      assert.deepEqual(named(model, k.collaborative(installed, 0)), []);
      assert.deepEqual(named(model, k.collaborative(installed, -5)), []);
      assert.equal(k.collaborative(installed, 5).ids.length, 5);
      assert.equal(k.collaborative(installed, 1_000_000).ids.length, 5);
    });

    test(`${name}: no installed row in the matrix gives a zero vector: the first k rows in file order`, () => {
      assert.deepEqual(named(model, k.collaborative([positiveHash('not-in-matrix')], 3)), [
        ['installed', 0],
        ['r1', 0],
        ['r2', 0],
      ]);
      assert.deepEqual(named(model, k.collaborative([], 2)), [
        ['installed', 0],
        ['r1', 0],
      ]);
    });

    test(`${name}: an installed non-webextension row still adds to the user vector; duplicates count once`, () => {
      const h = [positiveHash('legacy'), positiveHash('legacy'), positiveHash('installed')];
      // u = 9 + 1 = 10
      assert.deepEqual(named(model, k.collaborative(h, 2)), [
        ['r2', 20],
        ['r3', 20],
      ]);
    });
  }

  test('WASM rejects more installed add-ons than its input region holds', () => {
    const wasm = both[0][1];
    assert.throws(() => wasm.collaborative(new Array(L.MAX_INSTALLED + 1).fill(1), 1), {
      code: 'RECSCORE_BAD_REQUEST',
    });
  });
});

describe('similarity top-k', () => {
  // One donor (clone of the client) with LR e: every add-on gets ln(e) = 1 per occurrence.
  const set = tinySet({
    donors: [donor(['\u{1f600}-astral', '\uffff-bmp', 'b', 'a', 'dup', 'dup'])],
    lrCurves: [
      [0, Math.E, 1],
      [5, 1, 1],
    ],
  });
  const { model, both } = kernels(set);
  const cat = Array.from(model.i32('DONOR_CAT', 3));
  const lnE = Math.log(Math.E);
  const wasmLnE = model.f64('LR_LN', 2)[0];

  for (const [name, k] of both) {
    test(`${name}: equal weights are ordered by GUID code point (not UTF-16 unit), duplicates add twice`, () => {
      const r = named(model, k.similarity([1, 1, 1, 1, 1], cat, 10));
      assert.deepEqual(
        r.map(([g]) => g),
        ['dup', 'a', 'b', '\uffff-bmp', '\u{1f600}-astral'],
      );
      assert.equal(r[0][1], wasmLnE + wasmLnE);
      assert.ok(Math.abs(wasmLnE - lnE) <= Number.EPSILON);
      assert.deepEqual(
        named(model, k.similarity([1, 1, 1, 1, 1], cat, 3)).map(([g]) => g),
        ['dup', 'a', 'b'],
      );
      assert.deepEqual(named(model, k.similarity([1, 1, 1, 1, 1], cat, 0)), []);
    });

    test(`${name}: a client far from every donor (LR ≤ 1) gets []`, () => {
      assert.deepEqual(named(model, k.similarity([1e9, 1e9, 1e9, 1e9, 1e9], [-1, -1, -1], 10)), []);
    });
  }
});

describe('TAAR-lite keep', () => {
  const set = tinySet({
    coinstall: new Map([
      [
        'key',
        [
          ['a', 5],
          ['b', 5],
          ['c', 7],
        ] as Array<[string, number]>,
      ],
    ]),
    ranking: new Map([
      ['a', 1],
      ['b', 1],
      ['c', 1],
    ]),
  });
  const { model, both } = kernels(set);
  const key = model.guidIds.get('key')!;
  for (const [name, k] of both) {
    test(`${name}: keep 0, keep within and beyond the row, a GUID that is not a key`, () => {
      assert.deepEqual(named(model, k.lite(key, LITE_MODES.none, 0)), []);
      assert.deepEqual(named(model, k.lite(key, LITE_MODES.none, 2)), [
        ['c', 7],
        ['a', 5],
      ]);
      assert.deepEqual(named(model, k.lite(key, LITE_MODES.none, 50)), [
        ['c', 7],
        ['a', 5],
        ['b', 5],
      ]);
      assert.deepEqual(named(model, k.lite(model.guidIds.get('a')!, LITE_MODES.none, 5)), []);
    });
  }
});

describe('nearestLr (np.argmin: first index on ties)', () => {
  function nearest(lrX: number[]): { sorted: boolean; at: (d: number) => number } {
    const model = packModel(tinySet({ lrCurves: lrX.map((x): [number, number, number] => [x, 1, 1]) }), 'lr');
    const instance = new WebAssembly.Instance(kernelModule(), {
      env: {
        memory: model.memory,
        abort: () => {
          throw new Error('abort');
        },
      },
    });
    const fn = (instance.exports as { nearestLr(model: number, d: number): number }).nearestLr;
    return { sorted: model.header[L.H_LR_SORTED] === 1, at: (d) => fn(L.MODEL_BASE, d) };
  }
  const firstArgmin = (xs: number[], d: number) => {
    let j = 0;
    for (let q = 1; q < xs.length; q++) if (Math.abs(d - xs[q]) < Math.abs(d - xs[j])) j = q;
    return j;
  };

  test('sorted table (binary search): exact midpoints, outside the range, NaN', () => {
    const n = nearest([0, 1, 2]);
    assert.equal(n.sorted, true);
    assert.deepEqual([0.5, 1.5, -1, 5, 1, 0.4, 0.6, NaN].map(n.at), [0, 1, 0, 2, 1, 0, 1, 0]);
  });

  test('sorted table: a tie that exists only after rounding (|0.31−0.11| = |0.51−0.31| = 0.2 in doubles)', () => {
    assert.equal(Math.abs(0.31 - 0.11), Math.abs(0.51 - 0.31));
    assert.equal(nearest([0.11, 0.51]).at(0.31), 0);
    assert.equal(nearest([0, 0.11, 0.51, 1]).at(0.31), 1);
  });

  test('sorted table: a tie on the left of the insertion point (1e16 + 1 rounds to 1e16)', () => {
    assert.equal(nearest([-2, -1, 0]).at(1e16), 1);
  });

  test('unsorted table (linear scan): duplicates and ties keep the first index', () => {
    const n = nearest([2, 0, 1, 0]);
    assert.equal(n.sorted, false);
    assert.deepEqual([0.5, 0, 1.5, 1.2, 3, NaN].map(n.at), [1, 1, 0, 2, 0, 0]); // 1.5: x=2 and x=1 tie → index 0
    assert.equal(nearest([1, 1]).sorted, false);
    assert.equal(nearest([1, 1]).at(1), 0);
  });

  test('a single-entry table always answers 0', () => {
    assert.deepEqual([-1, 0, 7, NaN].map(nearest([3]).at), [0, 0, 0, 0]);
  });

  test('property: equals the first argmin for random tables and distances', () => {
    const xArb = fc.oneof(
      fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e17, max: 1e17 }),
      fc.constantFrom(0, 0.11, 0.51, 1, 2, 1e16, -1),
    );
    fc.assert(
      fc.property(
        fc.array(xArb, { minLength: 1, maxLength: 12 }),
        fc.boolean(),
        fc.array(fc.oneof(xArb, fc.constant(0.31)), { minLength: 1, maxLength: 10 }),
        (xs, sort, ds) => {
          const table = sort ? [...new Set(xs.map((x) => x + 0))].sort((a, b) => a - b) : xs;
          const n = nearest(table);
          for (const d of ds) assert.equal(n.at(d), firstArgmin(table, d), `table ${JSON.stringify(table)}, d ${d}`);
        },
      ),
      { numRuns: 100 },
    );
  });
});
