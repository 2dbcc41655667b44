/**
 * tupleKey's fast paths (no combination, one dimension) write exactly the JSON of the general case: the
 * stats parse these keys, and snapshots written before the fast paths hold keys of the general form.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { tupleKey } from '../../src/events/dimensions.js';
import type { PostedEvent } from '../../src/events/event.js';

const values = ['', 'de', 'a"b', 'back\\slash', 'ünïcödé', 'line\nbreak', '\u2028', 'x'.repeat(200)];

describe('tupleKey', () => {
  it('equals JSON.stringify of the values for 0, 1 and 2 dimensions', () => {
    for (const v of values) {
      const e: PostedEvent = { type: 'click', client_id: 'c', ts: 0, item: v, context: { locale: v, os: 'Linux' } };
      for (const combo of [[], ['locale'], ['item'], ['variant'], ['locale', 'os'], ['item', 'locale']]) {
        const expected = JSON.stringify(combo.map((d) => (d === 'item' ? e.item : e.context?.[d]) ?? ''));
        assert.equal(tupleKey(e, combo), expected, `${JSON.stringify(combo)} ${JSON.stringify(v)}`);
        assert.deepEqual(JSON.parse(tupleKey(e, combo)), JSON.parse(expected));
      }
    }
  });
});
