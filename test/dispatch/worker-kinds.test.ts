/** The worker runs a batch with the scorer of the task's model kind, and refuses a kind it has none for. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encodeBatch } from '../../src/dispatch/encode-batch.js';
import { scoreBatch } from '../../src/dispatch/worker.js';
import { isRecscoreError } from '../../src/errors.js';
import { packModel } from '../../src/kernel/taar-model.js';
import { encodeClient } from '../../src/recommend/client-features.js';
import { tinySet } from '../kernel/tiny-model.js';

describe('worker: batch scorer by model kind', () => {
  const model = packModel(tinySet(), 'kinds');
  const client = encodeClient(model, { client_id: 'c', installed_addons: [] }, {});
  const task = () => encodeBatch(model, [{ client, pick: { mode: 'top', size: 3 } }]);

  it('a TAAR task names its kind and is scored', () => {
    const t = task();
    assert.equal(t.kind, 'taar');
    assert.equal(scoreBatch(t).n, 1);
  });

  it('a task of a kind without a batch scorer is refused with a typed error naming the kind', () => {
    const t = { ...task(), kind: 'no-such-kind' };
    assert.throws(
      () => scoreBatch(t),
      (e: unknown) => isRecscoreError(e) && e.code === 'RECSCORE_INTERNAL' && /no-such-kind/.test(e.message),
    );
  });
});
