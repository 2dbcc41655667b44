import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { javaStringHashCode, positiveHash } from './addon-hash.js';

/** TAAR's definition, literally: iterate code points. */
function byCodePoints(s: string): number {
  let h = 0;
  for (const ch of s) h = (Math.imul(31, h) + ch.codePointAt(0)!) | 0;
  return h;
}

describe('positive_hash (SPEC §3.3)', () => {
  it('matches TAAR on a known GUID', () => {
    assert.equal(positiveHash('note-view@gmail.com'), 2259345);
  });

  it('iterates code points: astral characters, pairs and lone surrogates as TAAR does', () => {
    for (const s of [
      '😀',
      'a😀b',
      '\ud83d',
      '\ud83dx',
      'x\ude00',
      '\ude00\ud83d',
      '{8d6c3c0e-1b5a-4a9f-9b9e-0c1d2e3f4a5b}',
    ]) {
      assert.equal(javaStringHashCode(s), byCodePoints(s), JSON.stringify(s));
    }
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }), (s) => javaStringHashCode(s) === byCodePoints(s)),
      { numRuns: 2000 },
    );
  });
});
