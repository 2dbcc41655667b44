/**
 * The worker's path for a draw or a top list reads the recommenders' lists as sets (scoreClient's
 * `listsAsSets`: the kernel skips sorting them). On random models: each unordered list holds exactly the
 * reference kernel's top k (same GUIDs, bit-identical weights), and the ensemble computed from the
 * unordered lists equals, bit for bit, the ensemble computed from the ordered ones.
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
import { scoreClient, type ScoreInput } from '../../src/recommend/score-client.js';
import { hashesArb, kArb, modelSetArb, similaritySpecArb, type SimilaritySpec } from './model-arbitrary.js';

const RUNS = Number(process.env.RECSCORE_FC_RUNS ?? 100);
const SEED = process.env.RECSCORE_FC_SEED === undefined ? undefined : Number(process.env.RECSCORE_FC_SEED);
const params = { numRuns: RUNS, ...(SEED === undefined ? {} : { seed: SEED }) };

/** "id:weight bits" pairs sorted by id: a list's content without its order. */
function asSet(r: Ranked): string[] {
  const bits = new BigUint64Array(r.weights.buffer, r.weights.byteOffset, r.weights.length);
  return Array.from(r.ids, (id, i) => `${id}:${bits[i]}`).sort();
}

function ordered(r: Ranked): string[] {
  const bits = new BigUint64Array(r.weights.buffer, r.weights.byteOffset, r.weights.length);
  return Array.from(r.ids, (id, i) => `${id}:${bits[i]}`);
}

function similarityInput(model: PackedModel, spec: SimilaritySpec): { cont: number[]; cat: number[] } {
  const nCat = model.header[L.H_N_CAT];
  if (spec.kind === 'clone' && model.nDonors > 0) {
    const i = spec.donor % model.nDonors;
    const cont = Array.from(model.f64('DONOR_CONT', model.nDonors * 5).subarray(i * 5, i * 5 + 5));
    const cat = Array.from(model.i32('DONOR_CAT', model.nDonors * 3).subarray(i * 3, i * 3 + 3));
    if (spec.changeCat !== null) cat[spec.changeCat] = spec.newCat < nCat ? spec.newCat : -1;
    return { cont, cat };
  }
  if (spec.kind === 'clone') return { cont: [0, 0, 0, 0, 0], cat: [-1, -1, -1] };
  return { cont: spec.cont, cat: spec.cat.map((c) => (c < nCat ? c : -1)) };
}

const queryArb = (set: Parameters<typeof hashesArb>[0]) =>
  fc.record({
    hashes: hashesArb(set),
    k: kArb(set.itemMatrix.ids.length + 4),
    sim: similaritySpecArb,
    locale: fc.option(fc.nat(), { freq: 2 }),
  });

describe('lists read as sets', { timeout: 120_000 }, () => {
  test('unordered collaborative and similarity lists hold the reference top k', () => {
    const seen = { partial: 0, all: 0, similarity: 0 };
    fc.assert(
      fc.property(
        modelSetArb.chain((set) => fc.tuple(fc.constant(set), fc.array(queryArb(set), { minLength: 1, maxLength: 6 }))),
        ([set, queries]) => {
          const model = packModel(set, 'fc-sets');
          const wasm = new WasmKernel(model.memory);
          const ref = new ReferenceKernel(model);
          for (const q of queries) {
            const a = wasm.collaborative(q.hashes, q.k, false);
            const full = ref.collaborative(q.hashes, 1 << 30);
            assert.deepEqual(asSet(a), asSet(ref.collaborative(q.hashes, q.k)), `collaborative k ${q.k}`);
            if (a.ids.length && a.ids.length < full.ids.length) seen.partial++;
            if (a.ids.length && a.ids.length === full.ids.length) seen.all++;
            const { cont, cat } = similarityInput(model, q.sim);
            const s = wasm.similarity(cont, cat, q.k, false);
            const r = ref.similarity(cont, cat, q.k);
            if (s === LR_ZERO_DENOMINATOR || r === LR_ZERO_DENOMINATOR) assert.equal(s, r);
            else {
              assert.deepEqual(asSet(s), asSet(r), `similarity ${JSON.stringify({ cont, cat })} k ${q.k}`);
              if (s.ids.length) seen.similarity++;
            }
          }
        },
      ),
      params,
    );
    for (const [what, n] of Object.entries(seen)) assert.ok(n > 0, `no run reached: ${what}`);
  });

  test('the ensemble of a draw or a top list is the same bits either way', () => {
    const seen = { nonEmpty: 0, bothLists: 0 };
    fc.assert(
      fc.property(
        modelSetArb.chain((set) => fc.tuple(fc.constant(set), fc.array(queryArb(set), { minLength: 1, maxLength: 6 }))),
        ([set, queries]) => {
          const model = packModel(set, 'fc-sets-ensemble');
          const wasm = new WasmKernel(model.memory);
          const nLocales = model.localeOffs.length - 1;
          for (const q of queries) {
            const { cont, cat } = similarityInput(model, q.sim);
            const installedIds = new Set<number>();
            for (const h of q.hashes) {
              const row = Array.from(model.i32('ITEM_HASH', model.nItems)).indexOf(h);
              const g = row >= 0 ? model.i32('ITEM_GUID', model.nItems)[row] : -1;
              if (g >= 0) installedIds.add(g);
            }
            const client: ScoreInput = {
              installedCount: q.hashes.length,
              installedIds,
              hashes: Int32Array.from(q.hashes),
              canCollaborative: q.hashes.length > 0,
              similarity: { kind: 'ok', cont: Float64Array.from(cont), cat: Int32Array.from(cat) },
              localeList: q.locale !== null && nLocales > 0 ? q.locale % nLocales : undefined,
            };
            const a = scoreClient(wasm, model, client, [q.k], true);
            const b = scoreClient(wasm, model, client, [q.k]);
            assert.deepEqual(ordered(a.ensembles[0]), ordered(b.ensembles[0]), `limit ${q.k}`);
            if (a.ensembles[0].ids.length) seen.nonEmpty++;
            if (a.collaborative?.ids.length && a.similarity?.ids.length) seen.bothLists++;
          }
        },
      ),
      params,
    );
    for (const [what, n] of Object.entries(seen)) assert.ok(n > 0, `no run reached: ${what}`);
  });
});
