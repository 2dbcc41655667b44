/**
 * The packed model file: a round trip scores exactly as the trained model; corruption, truncation, a
 * foreign file and a newer format version are refused with RECSCORE_BUNDLE_INVALID.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isRecscoreError } from '../../src/errors.js';
import { packModel, writeModel } from '../../src/model/kinds/sar/pack/pack.js';
import { modelInfo, readModelFile, unpackModel } from '../../src/model/kinds/sar/pack/unpack.js';
import * as L from '../../src/model/kinds/sar/pack/layout.js';
import { recommendForUser } from '../../src/kernel/sar/personal.js';
import { similarItems } from '../../src/kernel/sar/item-based.js';
import { modelFor } from './model-cache.js';

const invalid = (e: unknown) => isRecscoreError(e) && e.code === 'RECSCORE_BUNDLE_INVALID';

test('write → read (one read into shared memory) reproduces the model bit for bit', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'sar-pack-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const model = await modelFor('data/train.jsonl', { similarity: 'cosine', decayHalfLifeDays: 30, threshold: 3 });
  const file = join(dir, 'm.sarm');
  const bytes = await writeModel(file, model, { report: { files: 1 } });
  const { model: back, image } = readModelFile(file);
  assert.equal(image.length, bytes);
  assert.ok(image.buffer instanceof SharedArrayBuffer);
  assert.deepEqual(back.params, model.params);
  assert.deepEqual(back.items, model.items);
  assert.deepEqual(back.users, model.users);
  for (const k of ['rowPtr', 'cols', 'vals'] as const) {
    assert.deepEqual([...back.sim[k]], [...model.sim[k]]);
    assert.deepEqual([...back.aff[k]], [...model.aff[k]]);
  }
  assert.deepEqual([...back.affUnit], [...model.affUnit]);
  assert.deepEqual([...back.itemFreq], [...model.itemFreq]);
  assert.deepEqual(back.stats, model.stats);
  for (const u of model.users.slice(0, 50)) {
    assert.deepEqual(
      recommendForUser(back, u, { removeSeen: true, normalize: true }),
      recommendForUser(model, u, { removeSeen: true, normalize: true }),
    );
  }
  assert.deepEqual(similarItems(back, ['i092', 'i164']), similarItems(model, ['i092', 'i164']));
  assert.deepEqual((modelInfo(image) as { report: unknown }).report, { files: 1 });
});

test('a flipped byte, a truncated file, a foreign file and a newer version are refused', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'sar-pack-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const image = packModel(await modelFor('data/train.jsonl', {}));
  const flipped = image.slice();
  flipped[image.length - 100] ^= 1;
  assert.throws(
    () => unpackModel(flipped),
    (e) => invalid(e) && /checksum/.test((e as Error).message),
  );
  assert.throws(
    () => unpackModel(image.slice(0, image.length - 8)),
    (e) => invalid(e) && /truncated/.test((e as Error).message),
  );
  assert.throws(
    () => unpackModel(new Uint8Array(4096)),
    (e) => invalid(e) && /magic/.test((e as Error).message),
  );
  const newer = image.slice();
  new Uint32Array(newer.buffer)[L.H_VERSION] = L.SAR_FORMAT_VERSION + 1;
  assert.throws(
    () => unpackModel(newer),
    (e) => invalid(e) && /version/.test((e as Error).message),
  );
  // A consistent checksum over inconsistent content is still caught by the structural checks.
  const lying = image.slice();
  new Uint32Array(lying.buffer)[L.H_SIM_NNZ] += 1;
  assert.throws(() => unpackModel(lying, { verifyChecksum: false }), invalid);
  writeFileSync(join(dir, 'x.sarm'), image.subarray(0, 100));
  assert.throws(() => readModelFile(join(dir, 'x.sarm')), invalid);
  assert.throws(
    () => readModelFile(join(dir, 'absent.sarm')),
    (e) => isRecscoreError(e) && e.code === 'RECSCORE_MODEL_MISSING',
  );
});

test('training in a worker thread returns a packed image equal to training here', async () => {
  const { trainInWorker } = await import('../../src/model/kinds/sar/train/train-worker.js');
  const { vectorPath } = await import('./vectors.js');
  const { image, report } = await trainInWorker(vectorPath('data/train.jsonl'), {
    similarity: 'lift',
    decayHalfLifeDays: 30,
  });
  assert.equal(report.successfulLines, 8932);
  const back = unpackModel(image);
  const here = await modelFor('data/train.jsonl', { similarity: 'lift', decayHalfLifeDays: 30 });
  assert.deepEqual([...back.sim.vals], [...here.sim.vals]);
  assert.deepEqual(recommendForUser(back, 'u000', { k: 10 }), recommendForUser(here, 'u000', { k: 10 }));
  await assert.rejects(
    trainInWorker('/nonexistent/events', {}),
    (e) => isRecscoreError(e) && e.code === 'RECSCORE_SAR_INPUT',
  );
});
