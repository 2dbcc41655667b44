/**
 * encodeClient's installed add-ons: the GUID ids the model knows, each once, in first-occurrence order
 * (the kernel's input), whether the list is short (a scan) or long (a Set); the count keeps every entry.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { packModel } from '../../src/kernel/taar-model.js';
import { encodeClient } from '../../src/recommend/client-features.js';
import { itemRows, tinySet } from '../kernel/tiny-model.js';

const guids = Array.from({ length: 40 }, (_, i) => `g${i}@x`);
const model = packModel(tinySet(itemRows(guids.map((guid, i) => ({ guid, features: [i + 1] })))), 'ids');
const idOf = (g: string) => model.guidIds.get(g)!;

describe('encodeClient installed ids', () => {
  it('a short list: known ids once, first occurrence first, unknown GUIDs only counted', () => {
    const installed = ['g3@x', 'nope', 'g1@x', 'g3@x', 'g2@x', 'g1@x'];
    const c = encodeClient(model, { client_id: 'c', installed_addons: installed }, {});
    assert.deepEqual(c.installedIds, [idOf('g3@x'), idOf('g1@x'), idOf('g2@x')]);
    assert.equal(c.installedCount, 6);
    assert.equal(c.hashes.length, 6);
  });

  it('a long list gives what the same rule gives on a short one', () => {
    const installed = [...guids].reverse().concat(guids, ['nope', 'other']);
    const c = encodeClient(model, { client_id: 'c', installed_addons: installed }, {});
    assert.deepEqual(
      c.installedIds,
      [...guids].reverse().map((g) => idOf(g)),
    );
    assert.equal(c.installedCount, 82);
  });
});
