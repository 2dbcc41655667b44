/**
 * Scoring behaviour beyond the vectors: unknown users, posted events, pairwise predict, ties by id,
 * remove-seen with negative and zero affinities, and item-based edge cases.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { similarItems } from '../../src/kernel/sar/item-based.js';
import { predict, recommendForEvents, recommendForUser } from '../../src/kernel/sar/personal.js';
import { topK } from '../../src/kernel/sar/topk.js';
import { train } from '../../src/model/kinds/sar/train/train.js';
import { modelFor } from './model-cache.js';
import { readVectorJsonl } from './vectors.js';

interface Row {
  user: string;
  item: string;
  rating: number;
  timestamp: number;
}

test('an unknown user is reported as unknown, never scored', () => {
  const m = train([{ user: 'a', item: 'x', rating: 1, timestamp: 1 }]);
  assert.deepEqual(recommendForUser(m, 'nobody'), { user: 'nobody', known: false });
  assert.equal(predict(m, 'nobody', 'x'), undefined);
  assert.equal(predict(m, 'a', 'unknown-item'), 0);
});

test("posted events give a training user's own list (decay on, reference = the model's t0)", async () => {
  const rows = readVectorJsonl<Row>('data/train.jsonl');
  const model = await modelFor('data/train.jsonl', { decayHalfLifeDays: 30 });
  for (const user of ['u000', 'u114', 'u358']) {
    const events = rows.filter((r) => r.user === user);
    for (const opts of [{ removeSeen: true }, { removeSeen: false, normalize: true }]) {
      const posted = recommendForEvents(model, events, { ...opts, referenceTime: model.stats.referenceTime });
      const stored = recommendForUser(model, user, opts);
      assert.ok(stored.known);
      assert.deepEqual(
        posted.map((p) => p[0]),
        stored.top.map((p) => p[0]),
      );
      posted.forEach((p, i) => assert.ok(Math.abs(p[1] - stored.top[i][1]) <= 1e-12 * Math.abs(p[1])));
    }
  }
});

test('predict equals the score the top-k list shows', async () => {
  const model = await modelFor('data/train.jsonl', { similarity: 'lift' });
  const r = recommendForUser(model, 'u050', { k: 5 });
  assert.ok(r.known);
  for (const [item, score] of r.top)
    assert.ok(Math.abs(predict(model, 'u050', item)! - score) <= 1e-12 * Math.abs(score));
});

test('top-k breaks ties by index ascending and keeps zero and negative scores', () => {
  assert.deepEqual(topK(new Float64Array([0, 2, 2, -1, 2]), 2), [
    [1, 2],
    [2, 2],
  ]);
  assert.deepEqual(topK(new Float64Array([-3, 0, -1]), 5), [
    [1, 0],
    [2, -1],
    [0, -3],
  ]);
  assert.deepEqual(topK(new Float64Array([5, 4]), 2, new Uint8Array([1, 0])), [[1, 4]]);
});

test('remove-seen masks items with negative or zero affinity too (SPEC §9 Q3)', () => {
  const m = train([
    { user: 'a', item: 'x', rating: 1, timestamp: 1 },
    { user: 'a', item: 'y', rating: -1, timestamp: 1 },
    { user: 'a', item: 'z', rating: 1, timestamp: 1 },
    { user: 'a', item: 'z', rating: -1, timestamp: 2 },
    { user: 'b', item: 'x', rating: 1, timestamp: 1 },
    { user: 'b', item: 'w', rating: 1, timestamp: 1 },
  ]);
  const r = recommendForUser(m, 'a', { removeSeen: true });
  assert.ok(r.known);
  assert.deepEqual(
    r.top.map((p) => p[0]),
    ['w'],
  );
});

test('item-based: unknown seeds ignored, repeated seeds summed, seeds excluded, none known → []', async () => {
  const model = await modelFor('data/train.jsonl', {});
  assert.deepEqual(similarItems(model, [['nope', 1]]), []);
  assert.deepEqual(
    similarItems(model, [
      ['i092', 1],
      ['nope', 5],
    ]),
    similarItems(model, ['i092']),
  );
  assert.deepEqual(
    similarItems(model, [
      ['i092', 1],
      ['i092', 1],
    ]),
    similarItems(model, [['i092', 2]]),
  );
  assert.ok(!similarItems(model, ['i092', 'i164'], 50).some((p) => p[0] === 'i092' || p[0] === 'i164'));
});
