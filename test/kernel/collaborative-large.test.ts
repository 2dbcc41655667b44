/**
 * Collaborative on item matrices of hundreds to thousands of rows (the random models of
 * differential.test.ts have a few): the WASM kernel equals the reference for every k, ordered (same
 * entries, same order, same bits) and as a set — bins crowded and sparse, k of nearly every row, and a
 * client reaching no row (all scores 0: ties everywhere).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { synthModelSet, synthProfiles } from '../../bench/synthetic-set.js';
import type { Ranked } from '../../src/kernel/kernel.js';
import { ReferenceKernel } from '../../src/kernel/reference.js';
import { packModel } from '../../src/kernel/taar-model.js';
import { WasmKernel } from '../../src/kernel/wasm-kernel.js';
import { encodeClient } from '../../src/recommend/client-features.js';

const pairs = (r: Ranked) => {
  const bits = new BigUint64Array(r.weights.buffer, r.weights.byteOffset, r.weights.length);
  return Array.from(r.ids, (id, i) => `${id}:${bits[i]}`);
};

describe('collaborative on large item matrices', { timeout: 120_000 }, () => {
  for (const items of [600, 3000]) {
    test(`${items} items: WASM = reference, ordered and as a set`, () => {
      const synth = synthModelSet({ items, factors: 20, donors: 50, extraGuids: 40, liteKeys: 5, seed: items });
      const model = packModel(synth.set, `large-${items}`);
      const wasm = new WasmKernel(model.memory);
      const ref = new ReferenceKernel(model);
      const clients = synthProfiles(synth, 40, items + 1).map((p) => encodeClient(model, p.clientInfo, p.extra));
      clients.push(encodeClient(model, { ...synthProfiles(synth, 1, 7)[0].clientInfo, installed_addons: [] }, {}));
      let reached = 0;
      for (const c of clients) {
        const all = ref.collaborative(c.hashes, 1 << 30);
        if (all.weights.some((w) => w !== 0)) reached++;
        for (const k of [1, 10, 200 + c.installedCount, Math.floor(items / 5), items - 50, items + 10]) {
          const want = ref.collaborative(c.hashes, k);
          assert.deepEqual(pairs(wasm.collaborative(c.hashes, k)), pairs(want), `ordered, k ${k}`);
          assert.deepEqual(pairs(wasm.collaborative(c.hashes, k, false)).sort(), pairs(want).sort(), `set, k ${k}`);
        }
      }
      assert.ok(reached > 10, `only ${reached} clients reached the matrix`);
    });
  }
});
