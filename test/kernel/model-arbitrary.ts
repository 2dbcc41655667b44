/**
 * fast-check arbitraries for small TaarModelSet values and for queries against them, shaped to reach the
 * corners the two kernels could disagree on: ties everywhere (repeated factor rows, shared categorical
 * values, repeated LR values, equal co-install counts), unmapped and non-webextension rows, NaN donor
 * values, sorted (binary search) and unsorted (linear scan) LR tables, zero LR denominators, rows longer
 * than TAAR-lite's truncation, and GUIDs whose code-point and UTF-16 orders differ.
 */
import fc from 'fast-check';
import { positiveHash } from '../../src/model/kinds/taar/addon-hash.js';
import { itemMatrixFromRows } from '../../src/model/kinds/taar/item-matrix.js';
import type { AddonMappingEntry, Donor, ItemRow, TaarModelSet } from '../../src/model/kinds/taar/types.js';

const guidArb = fc.oneof(
  fc.uuid().map((u) => `{${u}}`),
  fc
    .tuple(
      fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 6 }),
      fc.constantFrom('@example.net', '@jetpack', ''),
    )
    .map(([a, b]) => a + b),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 3 }),
  fc.constantFrom('\uffff-bmp', '\u{1f600}-astral', 'a', 'A', 'z@x'),
);

const featureArb = fc.oneof(
  fc.constantFrom(0, 1, -1, 0.5, -0.25, 2),
  fc.double({ min: -4, max: 4, noNaN: true, noDefaultInfinity: true }),
);

const donorValueArb = fc.oneof(
  { weight: 1, arbitrary: fc.constant(NaN) },
  { weight: 4, arbitrary: fc.constantFrom(0, 1, 2, 5, 10, 100) },
  { weight: 4, arbitrary: fc.double({ min: 0, max: 1e5, noNaN: true, noDefaultInfinity: true }) },
  { weight: 1, arbitrary: fc.double({ min: -100, max: 100, noNaN: true, noDefaultInfinity: true }) },
);
export const CATEGORICAL_PALETTE = ['a', 'b', 'Berlin', 5, '5', null, true, ''] as const;
const categoricalArb = fc.constantFrom(...CATEGORICAL_PALETTE);

const xArb = fc.oneof(
  fc.constantFrom(0, 0.001, 0.002, 1 / 3, 1, 2),
  fc.double({ min: 0, max: 6, noNaN: true, noDefaultInfinity: true }),
);
/** Strictly increasing x: random points, or a grid whose midpoints are common distances (ties). */
const sortedXArb = fc.oneof(
  fc
    .uniqueArray(fc.double({ min: 0, max: 6, noNaN: true, noDefaultInfinity: true }), { minLength: 1, maxLength: 12 })
    .map((xs) => [...new Set(xs.map((x) => x + 0))].sort((a, b) => a - b)),
  fc
    .tuple(fc.constantFrom(0.002, 0.001, 0.5, 1 / 3, 2 / 3), fc.integer({ min: 1, max: 12 }))
    .map(([step, n]) => Array.from({ length: n }, (_, j) => j * step)),
);
const unsortedXArb = fc.array(xArb, { minLength: 1, maxLength: 12 });
const numeratorArb = fc.oneof(
  fc.constantFrom(0, 0.5, 1, 2, 3, 10),
  fc.double({ min: 0, max: 20, noNaN: true, noDefaultInfinity: true }),
);
const denominatorArb = fc.oneof(
  { weight: 12, arbitrary: fc.constantFrom(0.5, 1, 2, 4) },
  { weight: 6, arbitrary: fc.double({ min: 0.01, max: 5, noNaN: true, noDefaultInfinity: true }) },
  { weight: 1, arbitrary: fc.constant(0) },
);

const countArb = fc.oneof(fc.constantFrom(1, 2, 3, 5, 10), fc.integer({ min: 1, max: 1000 }));
const installsArb = fc.oneof(fc.constantFrom(0, 1, 2, 10, 100), fc.integer({ min: 0, max: 5000 }));
const MAPPING_KINDS = ['web', 'web', 'web', 'web', 'not-web', 'no-flag', 'unmapped', 'zero-flag', 'null-flag'] as const;

export const modelSetArb: fc.Arbitrary<TaarModelSet> = fc
  .tuple(fc.uniqueArray(guidArb, { minLength: 3, maxLength: 60, size: 'medium' }), fc.integer({ min: 1, max: 6 }))
  .chain(([pool, F]) => {
    const idx = fc.nat(pool.length - 1);
    return fc
      .record({
        items: fc.uniqueArray(
          fc.record({
            g: idx,
            mapping: fc.constantFrom(...MAPPING_KINDS),
            features: fc.array(featureArb, { minLength: F, maxLength: F }),
            copyPrevious: fc.boolean(),
          }),
          { selector: (it) => it.g, maxLength: 40, size: 'medium' },
        ),
        donors: fc.array(
          fc.record({
            addons: fc.array(idx, { maxLength: 6 }),
            cont: fc.tuple(donorValueArb, donorValueArb, donorValueArb, donorValueArb, donorValueArb),
            cat: fc.tuple(categoricalArb, categoricalArb, categoricalArb),
          }),
          { maxLength: 40, size: 'medium' },
        ),
        lrX: fc.oneof(sortedXArb, unsortedXArb),
        lrRatios: fc.array(fc.tuple(numeratorArb, denominatorArb), { minLength: 12, maxLength: 12 }),
        whitelist: fc.uniqueArray(idx, { maxLength: 10 }),
        locale: fc.array(
          fc.tuple(
            fc.constantFrom('en-US', 'de', 'fr', 'ca', 'fa'),
            fc.array(fc.tuple(idx, fc.double({ min: 0, max: 1, noNaN: true })), { maxLength: 5 }),
          ),
          { maxLength: 4 },
        ),
        weights: fc.tuple(
          fc.double({ min: 0, max: 10, noNaN: true }),
          fc.double({ min: 0, max: 10, noNaN: true }),
          fc.double({ min: 0, max: 10, noNaN: true }),
        ),
        coinstall: fc.uniqueArray(
          fc.tuple(
            idx,
            fc.uniqueArray(fc.tuple(idx, countArb), { selector: (t) => t[0], maxLength: 30, size: 'medium' }),
          ),
          { selector: (t) => t[0], maxLength: 10 },
        ),
        ranking: fc.uniqueArray(fc.tuple(idx, installsArb), { selector: (t) => t[0], maxLength: 40 }),
      })
      .map((r): TaarModelSet => {
        const itemMatrix: ItemRow[] = [];
        const addonMapping = new Map<string, AddonMappingEntry>();
        const ids = new Set<number>();
        for (const it of r.items) {
          const id = positiveHash(pool[it.g]);
          if (ids.has(id)) continue; // ALS ids are unique; two pool GUIDs may collide
          ids.add(id);
          const prev = itemMatrix[itemMatrix.length - 1];
          itemMatrix.push({ id, features: it.copyPrevious && prev ? [...prev.features] : it.features });
          const guid = pool[it.g];
          if (it.mapping === 'web') addonMapping.set(String(id), { id: guid, isWebextension: true });
          else if (it.mapping === 'not-web') addonMapping.set(String(id), { id: guid, isWebextension: false });
          else if (it.mapping === 'no-flag') addonMapping.set(String(id), { id: guid });
          else if (it.mapping === 'zero-flag')
            addonMapping.set(String(id), { id: guid, isWebextension: 0 as unknown as boolean });
          else if (it.mapping === 'null-flag')
            addonMapping.set(String(id), { id: guid, isWebextension: null as unknown as boolean });
        }
        const donors = r.donors.map(
          (d): Donor => ({ activeAddons: d.addons.map((i) => pool[i]), continuous: d.cont, categorical: d.cat }),
        );
        return {
          itemMatrix: itemMatrixFromRows(itemMatrix),
          addonMapping,
          whitelist: r.whitelist.map((i) => pool[i]),
          donors,
          lrCurves: r.lrX.map((x, j) => [x, r.lrRatios[j % 12][0], r.lrRatios[j % 12][1]]),
          locale: new Map(r.locale.map(([k, list]) => [k, list.map(([i, w]): [string, number] => [pool[i], w])])),
          ensembleWeights: { collaborative: r.weights[0], similarity: r.weights[1], locale: r.weights[2] },
          coinstall: new Map(
            r.coinstall.map(([k, row]) => [pool[k], row.map(([i, n]): [string, number] => [pool[i], n])]),
          ),
          ranking: new Map(r.ranking.map(([i, n]) => [pool[i], n])),
        };
      });
  });

/** Installed add-on hashes: matrix ids, unknown hashes, and duplicates of both. */
export function hashesArb(set: TaarModelSet): fc.Arbitrary<number[]> {
  const ids = [...set.itemMatrix.ids];
  const one = ids.length
    ? fc.oneof(fc.constantFrom(...ids), fc.integer({ min: 0, max: 0x7fffff }))
    : fc.integer({ min: 0, max: 0x7fffff });
  return fc.tuple(fc.array(one, { maxLength: 10 }), fc.nat(4)).map(([hs, dup]) => [...hs, ...hs.slice(0, dup)]);
}

/** k / keep values: 0, negative, small, around the candidate count, and far beyond it. */
export function kArb(n: number): fc.Arbitrary<number> {
  return fc.oneof(fc.constantFrom(0, 1, -1, 1_000_000), fc.integer({ min: 0, max: n + 5 }));
}

/** A similarity client, resolved against the packed model (donor clones need its dictionary ids). */
export type SimilaritySpec =
  | { kind: 'clone'; donor: number; changeCat: number | null; newCat: number }
  | { kind: 'random'; cont: number[]; cat: number[] }
  | { kind: 'far'; cont: number[]; cat: number[] };

export const similaritySpecArb: fc.Arbitrary<SimilaritySpec> = fc.oneof(
  fc.record({
    kind: fc.constant('clone' as const),
    donor: fc.nat(),
    changeCat: fc.option(fc.nat(2)),
    newCat: fc.integer({ min: -1, max: 8 }),
  }),
  fc.record({
    kind: fc.constant('random' as const),
    cont: fc.array(
      fc.oneof(fc.constantFrom(0, 1, 5, 100), fc.double({ min: 0, max: 1e5, noNaN: true, noDefaultInfinity: true })),
      { minLength: 5, maxLength: 5 },
    ),
    cat: fc.array(fc.integer({ min: -1, max: 8 }), { minLength: 3, maxLength: 3 }),
  }),
  fc.record({
    kind: fc.constant('far' as const),
    cont: fc.array(fc.constantFrom(1e12, -1e9, 1e15, 3e8, -7e300, 1e300), { minLength: 5, maxLength: 5 }),
    cat: fc.array(fc.integer({ min: -1, max: 8 }), { minLength: 3, maxLength: 3 }),
  }),
);

export interface LiteSpec {
  keyPick: 'key' | 'any';
  i: number;
  mode: number;
  keep: number;
}
export const liteSpecArb: fc.Arbitrary<LiteSpec> = fc.record({
  keyPick: fc.constantFrom('key' as const, 'key' as const, 'any' as const),
  i: fc.nat(),
  mode: fc.integer({ min: 0, max: 4 }),
  keep: kArb(25),
});
