/**
 * The worker scores draw and top-list requests with one kernel call (WasmKernel.scoreSets). On random
 * models and clients, its answer equals the general path's: scoreClient with ordered lists, then TAAR's
 * seeded draw or the top of the ensemble — same entries in the same order, bit-identical weights, same
 * candidate count, contributed lists and failures.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { encodeBatch, type BatchRequest } from '../../src/dispatch/encode-batch.js';
import * as P from '../../src/dispatch/protocol.js';
import { scoreBatch } from '../../src/dispatch/worker.js';
import { packModel } from '../../src/kernel/taar-model.js';
import { WasmKernel } from '../../src/kernel/wasm-kernel.js';
import * as L from '../../src/model/kinds/taar/layout.js';
import type { EncodedClient } from '../../src/recommend/client-features.js';
import { drawIndices } from '../../src/recommend/draw.js';
import { scoreClient } from '../../src/recommend/score-client.js';
import { seededRandom } from '../../src/seeded-random.js';
import { hashesArb, modelSetArb } from '../kernel/model-arbitrary.js';

const RUNS = Number(process.env.RECSCORE_FC_RUNS ?? 100);
const SEED = process.env.RECSCORE_FC_SEED === undefined ? undefined : Number(process.env.RECSCORE_FC_SEED);
const params = { numRuns: RUNS, ...(SEED === undefined ? {} : { seed: SEED }) };

const requestArb = (set: Parameters<typeof hashesArb>[0]) =>
  fc.record({
    hashes: hashesArb(set),
    extraInstalled: fc.nat(3),
    sim: fc.option(
      fc.record({
        donor: fc.nat(),
        cont: fc.option(fc.array(fc.double({ min: 0, max: 1e4, noNaN: true }), { minLength: 5, maxLength: 5 })),
        cat: fc.array(fc.integer({ min: -1, max: 8 }), { minLength: 3, maxLength: 3 }),
      }),
      { freq: 4 },
    ),
    locale: fc.option(fc.nat(), { freq: 3 }),
    draw: fc.boolean(),
    size: fc.integer({ min: 0, max: 12 }),
    seed: fc.nat(),
  });

describe('worker: one kernel call per draw or top list', { timeout: 120_000 }, () => {
  test('equals scoreClient with ordered lists, then the draw or the top', () => {
    const seen = { drawn: 0, top: 0, similarity: 0, similarityFailed: 0, locale: 0 };
    fc.assert(
      fc.property(
        modelSetArb.chain((set) =>
          fc.tuple(fc.constant(set), fc.array(requestArb(set), { minLength: 1, maxLength: 8 })),
        ),
        ([set, specs]) => {
          const model = packModel(set, `fc-worker-${Math.random()}`);
          const oracle = new WasmKernel(model.memory);
          const itemHash = model.i32('ITEM_HASH', model.nItems);
          const itemGuid = model.i32('ITEM_GUID', model.nItems);
          const nLocales = model.localeOffs.length - 1;
          const nCat = model.header[L.H_N_CAT];
          const requests: BatchRequest[] = specs.map((s) => {
            const installedIds = new Set<number>();
            for (const h of s.hashes) {
              const row = itemHash.indexOf(h);
              if (row >= 0 && itemGuid[row] >= 0) installedIds.add(itemGuid[row]);
            }
            let similarity: EncodedClient['similarity'] = { kind: 'cannot' };
            if (s.sim && model.nDonors > 0) {
              const i = s.sim.donor % model.nDonors;
              const cont =
                s.sim.cont ?? Array.from(model.f64('DONOR_CONT', model.nDonors * 5).subarray(i * 5, i * 5 + 5));
              const cat = s.sim.cat.map((c) => (c < nCat ? c : -1));
              similarity = { kind: 'ok', cont: Float64Array.from(cont), cat: Int32Array.from(cat) };
            }
            const client: EncodedClient = {
              installedCount: s.hashes.length + s.extraInstalled,
              installedIds: [...installedIds],
              hashes: Int32Array.from(s.hashes),
              canCollaborative: s.hashes.length > 0,
              similarity,
              localeList: s.locale !== null && nLocales > 0 ? s.locale % nLocales : undefined,
            };
            return {
              client,
              pick: s.draw ? { mode: 'draw', size: s.size, seed: s.seed } : { mode: 'top', size: s.size },
            };
          });
          const task = encodeBatch(model, requests);
          const r = P.resultViews(scoreBatch(task));
          requests.forEach(({ client, pick }, i) => {
            const limit = pick.mode === 'draw' ? task.candidatesLimit : pick.size;
            const d = scoreClient(oracle, model, client, [limit]);
            const list = d.ensembles[0];
            const want =
              pick.mode === 'draw'
                ? Array.from(drawIndices(list.weights, pick.size, seededRandom(pick.seed)))
                : Array.from({ length: Math.min(pick.size, list.ids.length) }, (_, j) => j);
            const got = Array.from({ length: r.offs[i + 1] - r.offs[i] }, (_, j) => r.offs[i] + j);
            const what = `request ${i} (${pick.mode} ${pick.size})`;
            assert.deepEqual(
              got.map((at) => r.ids[at]),
              want.map((j) => list.ids[j]),
              `${what}: ids`,
            );
            assert.deepEqual(
              got.map((at) => r.weights[at]),
              want.map((j) => list.weights[j]),
              `${what}: weights`,
            );
            assert.equal(r.candidateCount[i], list.ids.length, `${what}: candidates`);
            const contributed =
              (d.collaborative ? P.CONTRIB_COLLABORATIVE : 0) |
              (d.similarity ? P.CONTRIB_SIMILARITY : 0) |
              (d.locale ? P.CONTRIB_LOCALE : 0);
            assert.equal(r.contributed[i], contributed, `${what}: contributed`);
            assert.equal(r.failed[i], d.failures.length ? P.FAIL_SIMILARITY_LR : 0, `${what}: failed`);
            if (pick.mode === 'draw' && want.length) seen.drawn++;
            if (pick.mode === 'top' && want.length) seen.top++;
            if (d.similarity?.ids.length) seen.similarity++;
            if (d.failures.length) seen.similarityFailed++;
            if (d.locale?.ids.length) seen.locale++;
          });
        },
      ),
      params,
    );
    for (const [what, n] of Object.entries(seen)) assert.ok(n > 0, `no run reached: ${what}`);
  });
});
