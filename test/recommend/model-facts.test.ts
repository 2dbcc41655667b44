/**
 * ModelFacts' locale lists: cached per locale the model has, never per string a client sends
 * (issue 10 #4: a different `?locale=` on each request grew the cache without bound).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { packModel } from '../../src/kernel/taar-model.js';
import { createModelFacts, localeTopLookup } from '../../src/recommend/model-facts.js';
import { itemRows, tinySet } from '../kernel/tiny-model.js';

const model = packModel(
  tinySet({
    ...itemRows([
      { guid: 'a', features: [1] },
      { guid: 'b', features: [2] },
    ]),
    locale: new Map([
      [
        'en-US',
        [
          ['a', 3],
          ['b', 1],
        ],
      ],
      ['de', [['b', 5]]],
    ]),
  }),
  'locales',
);

describe('locale lists', () => {
  it("unknown locales from requests are not cached: the cache holds at most the model's locales", () => {
    const lookup = localeTopLookup(model);
    for (let i = 0; i < 10_000; i++) assert.equal(lookup.get(`xx-${i}`), undefined);
    assert.equal(lookup.size, 0);
    assert.deepEqual(lookup.get('en-US'), [
      ['a', 3],
      ['b', 1],
    ]);
    assert.deepEqual(lookup.get('de'), [['b', 5]]);
    assert.equal(lookup.get('de'), lookup.get('de'), 'a known locale is built once');
    for (let i = 0; i < 1_000; i++) lookup.get(`yy-${i}`);
    assert.equal(lookup.size, 2);
  });

  it('ModelFacts.localeTop answers known locales and undefined for others', () => {
    const facts = createModelFacts(model);
    assert.deepEqual(facts.localeTop('en-US'), [
      ['a', 3],
      ['b', 1],
    ]);
    assert.equal(facts.localeTop('fr'), undefined);
  });
});
