/**
 * Training rules the vectors do not exercise: the timestamp ("basket") co-occurrence unit, a configured
 * reference time (newer events clamp to weight 1), and rejected parameters.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isRecscoreError } from '../../src/errors.js';
import { train } from '../../src/model/kinds/sar/train/train.js';
import type { SarModel } from '../../src/model/kinds/sar/types.js';

const DAY = 86400;
function sim(m: SarModel, a: string, b: string): number {
  const i = m.items.indexOf(a);
  const j = m.items.indexOf(b);
  for (let k = m.sim.rowPtr[i]; k < m.sim.rowPtr[i + 1]; k++) if (m.sim.cols[k] === j) return m.sim.vals[k];
  return 0;
}
function aff(m: SarModel, u: string, it: string): number | undefined {
  const r = m.users.indexOf(u);
  const j = m.items.indexOf(it);
  for (let k = m.aff.rowPtr[r]; k < m.aff.rowPtr[r + 1]; k++) if (m.aff.cols[k] === j) return m.aff.vals[k];
  return undefined;
}

const log = [
  { user: 'a', item: 'x', rating: 1, timestamp: 100 },
  { user: 'a', item: 'y', rating: 1, timestamp: 100 },
  { user: 'a', item: 'z', rating: 1, timestamp: 200 },
  { user: 'b', item: 'x', rating: 1, timestamp: 300 },
  { user: 'b', item: 'z', rating: 1, timestamp: 300 },
  { user: 'b', item: 'x', rating: 1, timestamp: 400 },
];

test('unit "timestamp": items co-occur only within one (user, timestamp) basket', () => {
  const byUser = train(log, { similarity: 'cooccurrence' });
  assert.equal(sim(byUser, 'x', 'z'), 2);
  assert.equal(sim(byUser, 'x', 'y'), 1);
  assert.equal(sim(byUser, 'x', 'x'), 2);
  const byBasket = train(log, { similarity: 'cooccurrence', unit: 'timestamp' });
  assert.equal(sim(byBasket, 'x', 'y'), 1, 'a@100 holds x and y');
  assert.equal(sim(byBasket, 'x', 'z'), 1, 'only b@300 holds x and z');
  assert.equal(sim(byBasket, 'y', 'z'), 0);
  assert.deepEqual([...byBasket.itemFreq], [3, 1, 2], 'x is in three baskets');
  assert.equal(byBasket.stats.units, 4);
  assert.equal(aff(byBasket, 'b', 'x'), 2, 'affinity is still per user');
});

test('decay: t0 = newest event by default; a configured t0 clamps newer events to weight 1', () => {
  const events = [
    { user: 'a', item: 'x', rating: 4, timestamp: 1000 * DAY },
    { user: 'a', item: 'x', rating: 2, timestamp: 970 * DAY },
    { user: 'a', item: 'y', rating: 2, timestamp: 940 * DAY },
  ];
  const m = train(events, { decayHalfLifeDays: 30 });
  assert.equal(m.stats.referenceTime, 1000 * DAY);
  assert.ok(Math.abs(aff(m, 'a', 'x')! - 5) < 1e-15, '4·1 + 2·0.5');
  assert.equal(aff(m, 'a', 'y'), 2 * 0.5 ** 2);
  const ref = train(events, { decayHalfLifeDays: 30, referenceTime: 970 * DAY });
  assert.equal(aff(ref, 'a', 'x'), 4 + 2, 'the event after t0 weighs 1, not 2');
  assert.equal(aff(ref, 'a', 'y'), 2 * 0.5);
  assert.equal(ref.stats.ratingMin, 1);
  assert.equal(ref.stats.ratingMax, 6);
});

test('invalid parameters and ratings are RECSCORE errors', () => {
  const bad = (params: object, re: RegExp) =>
    assert.throws(
      () => train(log, params),
      (e) => isRecscoreError(e) && re.test(e.message),
    );
  bad({ similarity: 'pearson' }, /unknown similarity/);
  bad({ threshold: 0 }, /threshold/);
  bad({ threshold: 1.5 }, /threshold/);
  bad({ decayHalfLifeDays: -1 }, /half-life/);
  bad({ referenceTime: Number.NaN }, /reference time/);
  assert.throws(() => train([{ user: 'a', item: 'x', rating: Number.NaN, timestamp: 1 }]), /not a finite number/);
  assert.throws(() => train([]), /no events/);
  assert.equal(train(log, { similarity: 'inclusion index' as never }).params.similarity, 'inclusion-index');
});

test('ids that pack into numbers and ids that do not are interned consistently', async () => {
  const { Interner } = await import('../../src/model/kinds/sar/train/interner.js');
  const it = new Interner();
  const ids = [
    'u1',
    'u01',
    'u1 ',
    'abcdefghij',
    'abcdefghijk',
    'é',
    'e',
    '',
    'u1',
    'abcdefghijk',
    'ABC',
    'abc',
    '\u0000',
  ];
  const got = ids.map((s) => it.id(s));
  assert.deepEqual(got, [0, 1, 2, 3, 4, 5, 6, 7, 0, 4, 8, 9, 10]);
  got.forEach((g, k) => assert.equal(it.names[g], ids[k]));
});
