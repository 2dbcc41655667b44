import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cleanPromoted, mergePromoted } from './promoted.js';

describe('cleanPromoted (TAAR clean_promoted_guids)', () => {
  it('keeps well-formed rows, booleans count as numbers', () => {
    assert.deepEqual(
      cleanPromoted([
        ['a', 1],
        ['b', 0.5],
        ['c', true],
        ['d', false],
      ]),
      [
        ['a', 1],
        ['b', 0.5],
        ['c', 1],
        ['d', 0],
      ],
    );
    assert.deepEqual(cleanPromoted([]), []);
  });
  it('one malformed row empties the list', () => {
    for (const bad of [['x'], ['x', 1, 2], [1, 1], ['x', '1'], ['x', null], null, 'ab', { 0: 'a', 1: 1 }, 5]) {
      assert.deepEqual(cleanPromoted([['ok', 1], bad]), [], JSON.stringify(bad));
    }
  });
});

describe('mergePromoted (TAAR merge_promoted_guids)', () => {
  it('sorts by weight desc, promoted first on ties, keeps the first occurrence, no truncation', () => {
    const sample: Array<[string, number]> = Array.from({ length: 10 }, (_, i) => [`s${i}`, 10 - i]);
    const merged = mergePromoted(
      [
        ['p', 5],
        ['s0', 1],
        ['q', 100],
      ],
      sample,
    );
    assert.deepEqual(
      merged.map(([g]) => g),
      ['q', 's0', 's1', 's2', 's3', 's4', 'p', 's5', 's6', 's7', 's8', 's9'],
    );
    assert.deepEqual(merged[1], ['s0', 10], 'duplicate keeps its highest weight');
  });
  it('is the sort of the sample when nothing is promoted', () => {
    assert.deepEqual(
      mergePromoted(
        [],
        [
          ['a', 1],
          ['b', 3],
          ['c', 2],
        ],
      ),
      [
        ['b', 3],
        ['c', 2],
        ['a', 1],
      ],
    );
  });
  it('long lists keep the first occurrence of each GUID too (the Set path)', () => {
    // 60 entries, each GUID three times with falling weights: the highest of each is kept, in weight order.
    const promoted: Array<[string, number]> = Array.from({ length: 20 }, (_, i) => [`g${i % 20}`, 100 - i]);
    const sample: Array<[string, number]> = Array.from({ length: 40 }, (_, i) => [`g${i % 20}`, 50 - i]);
    const merged = mergePromoted(promoted, sample);
    assert.deepEqual(
      merged,
      Array.from({ length: 20 }, (_, i) => [`g${i}`, 100 - i]),
    );
    assert.deepEqual(mergePromoted([], sample), sample.slice(0, 20));
  });
});
