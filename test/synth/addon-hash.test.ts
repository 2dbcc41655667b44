import assert from 'node:assert/strict';
import { test } from 'node:test';
import { javaStringHashCode, positiveHash } from '../../src/model/kinds/taar/addon-hash.js';

test('SPEC §3.3 collision example: both GUIDs hash to 2259345', () => {
  assert.equal(positiveHash('note-view@gmail.com'), 2259345);
  assert.equal(positiveHash('collider14386068@example.net'), 2259345);
});

test('matches the vectors: item-matrix ids and addon_mapping keys', () => {
  // (guid, key) pairs read from shared/taar/vectors/models/addon_recommender/addon_mapping.json.bz2
  const cases: Array<[string, number]> = [
    ['jid1-NZ1X26SHQWMwrF@jetpack', 6804419], // the first item-matrix row (SPEC §5.1 example id)
    ['{a1e9d498-ba99-4f28-80d0-c266b1551b9b}', 2837282], // SPEC §5.2 example entry
    ['{b43d26c4-33e9-4bff-bd51-4eac633e9f55}', 3231],
    ['jid1-o1dxZAwE9xPyzd@jetpack', 8592],
  ];
  for (const [guid, id] of cases) assert.equal(positiveHash(guid), id, guid);
});

test('javaStringHashCode is Java String.hashCode for ASCII, signed 32-bit', () => {
  assert.equal(javaStringHashCode(''), 0);
  assert.equal(javaStringHashCode('hello'), 99162322);
  assert.equal(javaStringHashCode('polygenelubricants'), -2147483648); // Integer.MIN_VALUE
  assert.equal(positiveHash('polygenelubricants'), 0);
});

test('iterates code points as TAAR (Python) does, not UTF-16 units as Java does', () => {
  assert.equal(javaStringHashCode('😀'), 0x1f600);
  assert.notEqual(javaStringHashCode('😀'), 55357 * 31 + 56832); // Java's value
  assert.equal(javaStringHashCode('é'), 0xe9);
});

test('positiveHash stays within 23 bits', () => {
  for (const s of [
    'a',
    'zzzzzzzzzzzzzzzzzzzzzzzzzz',
    '{ffffffff-ffff-4fff-bfff-ffffffffffff}',
    '\u{10ffff}'.repeat(9),
  ]) {
    const h = positiveHash(s);
    assert.ok(Number.isInteger(h) && h >= 0 && h <= 0x7fffff, s);
  }
});
