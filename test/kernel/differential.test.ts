/**
 * The WASM kernel against the TypeScript reference kernel (the oracle) on random small models: identical
 * GUID ids and bit-identical weights for collaborative, similarity and TAAR-lite, plus the same failure
 * (zero LR denominator). Each property also counts the situations it reached and fails if the generator
 * stopped producing one (a property that never meets a tie proves nothing about ties).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { LR_ZERO_DENOMINATOR, type Ranked } from '../../src/kernel/kernel.js';
import { ReferenceKernel } from '../../src/kernel/reference.js';
import { WasmKernel } from '../../src/kernel/wasm-kernel.js';
import * as L from '../../src/model/kinds/taar/layout.js';
import { packModel } from '../../src/kernel/taar-model.js';
import type { PackedModel } from '../../src/model/kinds/taar/packed-model.js';
import type { TaarModelSet } from '../../src/model/kinds/taar/types.js';
import {
  hashesArb,
  kArb,
  liteSpecArb,
  modelSetArb,
  similaritySpecArb,
  type LiteSpec,
  type SimilaritySpec,
} from './model-arbitrary.js';

const RUNS = Number(process.env.RECSCORE_FC_RUNS ?? 100);
const SEED = process.env.RECSCORE_FC_SEED === undefined ? undefined : Number(process.env.RECSCORE_FC_SEED);
const params = { numRuns: RUNS, ...(SEED === undefined ? {} : { seed: SEED }) };

function bits(w: Float64Array): bigint[] {
  return Array.from(new BigUint64Array(w.buffer, w.byteOffset, w.length));
}

function assertSameRanked(
  wasm: Ranked | typeof LR_ZERO_DENOMINATOR,
  ref: Ranked | typeof LR_ZERO_DENOMINATOR,
  what: string,
): void {
  if (wasm === LR_ZERO_DENOMINATOR || ref === LR_ZERO_DENOMINATOR) {
    assert.equal(wasm, ref, `${what}: only one kernel reported a zero LR denominator`);
    return;
  }
  assert.deepEqual(Array.from(wasm.ids), Array.from(ref.ids), `${what}: ids`);
  assert.deepEqual(
    bits(wasm.weights),
    bits(ref.weights),
    `${what}: weight bits (wasm ${Array.from(wasm.weights)}, ref ${Array.from(ref.weights)})`,
  );
}

function hasTie(r: Ranked | typeof LR_ZERO_DENOMINATOR): boolean {
  return r !== LR_ZERO_DENOMINATOR && r.weights.some((w, i) => i > 0 && w === r.weights[i - 1]);
}

function withKernels<T>(set: TaarModelSet, fn: (wasm: WasmKernel, ref: ReferenceKernel, model: PackedModel) => T): T {
  const model = packModel(set, 'fc');
  return fn(new WasmKernel(model.memory), new ReferenceKernel(model), model);
}

function resolveSimilarity(model: PackedModel, spec: SimilaritySpec): { cont: number[]; cat: number[] } {
  const nCat = model.header[L.H_N_CAT];
  const catId = (c: number) => (c < nCat ? c : -1);
  if (spec.kind !== 'clone' || model.nDonors === 0) {
    const cont = spec.kind === 'clone' ? [0, 0, 0, 0, 0] : spec.cont;
    const cat = spec.kind === 'clone' ? [-1, -1, -1] : spec.cat.map(catId);
    return { cont, cat };
  }
  const i = spec.donor % model.nDonors;
  const cont = Array.from(model.f64('DONOR_CONT', model.nDonors * 5).subarray(i * 5, i * 5 + 5));
  const cat = Array.from(model.i32('DONOR_CAT', model.nDonors * 3).subarray(i * 3, i * 3 + 3));
  if (spec.changeCat !== null) cat[spec.changeCat] = catId(spec.newCat);
  return { cont, cat };
}

function resolveLiteKey(model: PackedModel, set: TaarModelSet, spec: LiteSpec): number {
  const keys = [...set.coinstall.keys()];
  if (spec.keyPick === 'key' && keys.length) return model.guidIds.get(keys[spec.i % keys.length])!;
  return spec.i % model.nGuids;
}

describe('WASM kernel = reference kernel on random models', { timeout: 120_000 }, () => {
  test('collaborative: random installed sets (unknown hashes, duplicates), random k', () => {
    const seen = { nonEmpty: 0, ties: 0, matched: 0, kBeyond: 0 };
    fc.assert(
      fc.property(
        modelSetArb.chain((set) =>
          fc.tuple(
            fc.constant(set),
            fc.array(fc.tuple(hashesArb(set), kArb(set.itemMatrix.ids.length)), { minLength: 1, maxLength: 6 }),
          ),
        ),
        ([set, queries]) =>
          withKernels(set, (wasm, ref, model) => {
            const known = new Set(set.itemMatrix.ids);
            for (const [hashes, k] of queries) {
              const a = wasm.collaborative(hashes, k);
              assertSameRanked(
                a,
                ref.collaborative(hashes, k),
                `collaborative(${JSON.stringify(hashes)}, ${k}) on ${model.nItems} items`,
              );
              if (a.ids.length) seen.nonEmpty++;
              if (hasTie(a)) seen.ties++;
              if (hashes.some((h) => known.has(h))) seen.matched++;
              if (k > a.ids.length && a.ids.length) seen.kBeyond++;
            }
          }),
      ),
      params,
    );
    for (const [what, n] of Object.entries(seen)) assert.ok(n > 0, `no run reached: ${what}`);
  });

  test('similarity: donor clones, random and far-away clients, random k', () => {
    const seen = { nonEmpty: 0, ties: 0, zeroDenominator: 0, sortedLr: 0, unsortedLr: 0, clone: 0 };
    fc.assert(
      fc.property(
        modelSetArb.chain((set) =>
          fc.tuple(fc.constant(set), fc.array(fc.tuple(similaritySpecArb, kArb(40)), { minLength: 1, maxLength: 6 })),
        ),
        ([set, queries]) =>
          withKernels(set, (wasm, ref, model) => {
            if (model.header[L.H_LR_SORTED] && model.nLr > 1) seen.sortedLr++;
            if (!model.header[L.H_LR_SORTED]) seen.unsortedLr++;
            for (const [spec, k] of queries) {
              const { cont, cat } = resolveSimilarity(model, spec);
              const a = wasm.similarity(cont, cat, k);
              assertSameRanked(
                a,
                ref.similarity(cont, cat, k),
                `similarity(${JSON.stringify({ spec, cont, cat })}, ${k})`,
              );
              if (a === LR_ZERO_DENOMINATOR) seen.zeroDenominator++;
              else if (a.ids.length) seen.nonEmpty++;
              if (hasTie(a)) seen.ties++;
              if (spec.kind === 'clone' && model.nDonors) seen.clone++;
            }
          }),
      ),
      params,
    );
    for (const [what, n] of Object.entries(seen)) assert.ok(n > 0, `no run reached: ${what}`);
  });

  test('TAAR-lite: every mode, keys and non-keys, random keep', () => {
    const nonEmptyByMode = [0, 0, 0, 0, 0];
    let ties = 0;
    fc.assert(
      fc.property(
        modelSetArb.chain((set) => fc.tuple(fc.constant(set), fc.array(liteSpecArb, { minLength: 1, maxLength: 10 }))),
        ([set, queries]) =>
          withKernels(set, (wasm, ref, model) => {
            for (const spec of queries) {
              const key = resolveLiteKey(model, set, spec);
              const a = wasm.lite(key, spec.mode, spec.keep);
              assertSameRanked(
                a,
                ref.lite(key, spec.mode, spec.keep),
                `lite(${model.guids[key]}, mode ${spec.mode}, keep ${spec.keep})`,
              );
              if (a.ids.length) nonEmptyByMode[spec.mode]++;
              if (hasTie(a)) ties++;
            }
          }),
      ),
      params,
    );
    nonEmptyByMode.forEach((n, mode) => assert.ok(n > 0, `mode ${mode} never gave a non-empty answer`));
    assert.ok(ties > 0, 'no TAAR-lite answer had a tie');
  });
});
