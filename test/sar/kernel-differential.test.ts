/**
 * Property-based differential test: the SAR WASM kernel and the TypeScript reference give identical
 * lists (items and bit-identical scores) for random logs, parameters, users, k, flags, posted events
 * and seeds; plus the vectors' own configuration through the kernel.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { packModel } from '../../src/model/kinds/sar/pack/pack.js';
import { unpackModel } from '../../src/model/kinds/sar/pack/unpack.js';
import * as L from '../../src/model/kinds/sar/pack/layout.js';
import { similarItems } from '../../src/kernel/sar/item-based.js';
import { recommendForEvents, recommendForUser } from '../../src/kernel/sar/personal.js';
import { MODEL_BASE, SarKernel, memoryWithModel } from '../../src/kernel/sar/wasm.js';
import { train } from '../../src/model/kinds/sar/train/train.js';
import { SIMILARITY_TYPES, type SarModel, type SarParams } from '../../src/model/kinds/sar/types.js';
import { modelFor } from './model-cache.js';

function kernelFor(model: SarModel): SarKernel {
  const image = packModel(model);
  const memory = memoryWithModel(image);
  // Score from the copy in shared memory, exactly as a worker would see it.
  const shared = unpackModel(new Uint8Array(memory.buffer, MODEL_BASE, image.length));
  return new SarKernel(memory, shared, { kMax: 64, maxIn: 256 });
}

const eventArb = fc.record({
  user: fc.integer({ min: 0, max: 12 }).map((u) => `u${u}`),
  item: fc.integer({ min: 0, max: 25 }).map((i) => `i${String(i).padStart(2, '0')}`),
  rating: fc.constantFrom(1, 2, 3, 4, -1, 0.5),
  timestamp: fc.integer({ min: 1_700_000_000, max: 1_700_000_000 + 90 * 86400 }),
});
const paramsArb = fc.record({
  similarity: fc.constantFrom(...SIMILARITY_TYPES),
  threshold: fc.integer({ min: 1, max: 3 }),
  decay: fc.boolean(),
  unit: fc.constantFrom('user' as const, 'timestamp' as const),
});

test('kernel = reference on random logs (personalised, posted events, item-based)', () => {
  fc.assert(
    fc.property(
      fc.array(eventArb, { minLength: 1, maxLength: 120 }),
      paramsArb,
      fc.integer({ min: 0, max: 40 }),
      fc.boolean(),
      fc.boolean(),
      fc.array(
        fc.tuple(
          fc.integer({ min: 0, max: 30 }).map((i) => `i${String(i).padStart(2, '0')}`),
          fc.constantFrom(1, 2, -1),
        ),
        { maxLength: 4 },
      ),
      (events, p, k, removeSeen, normalize, seeds) => {
        const params: Partial<SarParams> = { similarity: p.similarity, threshold: p.threshold, unit: p.unit };
        if (p.decay) params.decayHalfLifeDays = 30;
        const model = train(events, params);
        const kernel = kernelFor(model);
        const opts = { k, removeSeen, normalize };
        for (const user of model.users) {
          const ref = recommendForUser(model, user, opts);
          assert.ok(ref.known);
          assert.deepEqual(kernel.recommendUser(user, opts), ref.top, `user ${user}`);
        }
        assert.equal(kernel.recommendUser('nobody', opts), undefined);
        const posted = events.slice(0, 7).map((e) => ({ item: e.item, rating: e.rating, timestamp: e.timestamp }));
        assert.deepEqual(kernel.recommendEvents(posted, opts), recommendForEvents(model, posted, opts));
        assert.deepEqual(kernel.similarItems(seeds, k), similarItems(model, seeds, k));
      },
    ),
    { numRuns: 150, seed: 20261204 },
  );
});

test("kernel reproduces the vectors' configuration lists (jaccard, decay, normalize)", async () => {
  const model = await modelFor('data/train.jsonl', { decayHalfLifeDays: 30 });
  const kernel = kernelFor(model);
  for (const user of model.users) {
    for (const opts of [{ removeSeen: true }, { normalize: true }]) {
      const ref = recommendForUser(model, user, opts);
      assert.ok(ref.known);
      assert.deepEqual(kernel.recommendUser(user, opts), ref.top);
    }
  }
});

test("the kernel refuses an image of another format version and accepts the packer's", () => {
  const model = train([{ user: 'a', item: 'x', rating: 1, timestamp: 1 }]);
  const image = packModel(model);
  const memory = memoryWithModel(image);
  new Uint32Array(memory.buffer, MODEL_BASE, 2)[1] = L.SAR_FORMAT_VERSION + 1;
  assert.throws(() => new SarKernel(memory, model), /does not recognise/);
  const ok = memoryWithModel(image);
  assert.deepEqual(new SarKernel(ok, model).recommendUser('a'), [['x', 1]]);
});
