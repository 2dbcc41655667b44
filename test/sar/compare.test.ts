/** The §8 comparator accepts what SPEC §8 accepts and rejects the mutations it lists. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sparseDifference, topDifference, type Top } from './compare.js';
import { readVectorJsonl } from './vectors.js';

test('every record passes against itself; an alt swap in the last group passes', () => {
  const recs = readVectorJsonl<{ top: Top; alt?: string[] }>('recs/jacc_d1_t3.jsonl');
  for (const r of recs) assert.equal(topDifference(r.top, r.top, r.alt), undefined);
  const withAlt = readVectorJsonl<{ top: Top; alt?: string[] }>('popularity.jsonl').find((r) => r.alt?.length)!;
  const swapped = withAlt.top.map((p) => [...p]) as Top;
  swapped[swapped.length - 1][0] = withAlt.alt![0];
  assert.equal(topDifference(swapped, withAlt.top, withAlt.alt), undefined);
});

test('a 1e-7 relative score change, a swap across scores, a short list, a foreign item all fail', () => {
  const r = readVectorJsonl<{ top: Top; alt?: string[] }>('recs/jacc_d1_t1.jsonl')[0];
  const copy = () => r.top.map((p) => [...p]) as Top;
  const bumped = copy();
  bumped[3][1] *= 1 + 1e-7;
  assert.match(topDifference(bumped, r.top, r.alt)!, /position 3/);
  const swapped = copy();
  [swapped[0][0], swapped[1][0]] = [swapped[1][0], swapped[0][0]];
  assert.ok(topDifference(swapped, r.top, r.alt));
  assert.match(topDifference(copy().slice(0, 9), r.top, r.alt)!, /length/);
  const foreign = copy();
  foreign[9][0] = 'not-an-item';
  assert.ok(topDifference(foreign, r.top, r.alt));
});

test('sparse rows: missing keys are 0; a 1e-6 change fails', () => {
  assert.equal(
    sparseDifference(
      new Map([['a', 1]]),
      new Map([
        ['a', 1],
        ['b', 0],
      ]),
    ),
    undefined,
  );
  assert.ok(sparseDifference(new Map([['a', 1 + 1e-6]]), new Map([['a', 1]])));
  assert.ok(
    sparseDifference(
      new Map([
        ['a', 1],
        ['c', 0.5],
      ]),
      new Map([['a', 1]]),
    ),
  );
});
