/** The worker runs a batch with the scorer of the task's model kind, and refuses a kind it has none for. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encodeBatch } from '../../src/dispatch/encode-batch.js';
import { scoreBatch } from '../../src/dispatch/worker.js';
import { isRecscoreError } from '../../src/errors.js';
import { packModel } from '../../src/kernel/taar-model.js';
import { encodeClient } from '../../src/recommend/client-features.js';
import { tinySet } from '../kernel/tiny-model.js';
import { encodeSarBatch } from '../../src/dispatch/sar-encode.js';
import { SAR_ROW, SAR_USER } from '../../src/dispatch/sar-protocol.js';
import * as P from '../../src/dispatch/protocol.js';
import { recommendForUser } from '../../src/kernel/sar/personal.js';
import { FLAG_REMOVE_SEEN } from '../../src/kernel/sar/wasm.js';
import { packModel as packSar } from '../../src/model/kinds/sar/pack/pack.js';
import { SarPackedModel, sarMemory } from '../../src/model/kinds/sar/packed-model.js';
import { train } from '../../src/model/kinds/sar/train/train.js';

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

describe('worker: SAR batches', () => {
  const events = ['a:x', 'a:y', 'b:x', 'b:z', 'c:y', 'c:z', 'c:w'].map((p, i) => {
    const [user, item] = p.split(':');
    return { user, item, rating: 1 + (i % 3), timestamp: 1000 + i };
  });
  const trained = train(events);
  const image = packSar(trained);
  const version = new SarPackedModel(sarMemory(image.length, 'tiny-sar', (m) => m.set(image)));

  it("a SAR task is scored by SAR's scorer; a request it cannot score fails alone", () => {
    const task = encodeSarBatch(version, [
      { mode: SAR_USER, user: 1, k: 3, flags: FLAG_REMOVE_SEEN },
      { mode: SAR_USER, user: 99, k: 3, flags: 0 }, // no such user index: this request only fails
      { mode: SAR_ROW, user: -1, k: 2, flags: 0, cols: Int32Array.of(0), vals: Float64Array.of(2) },
    ]);
    assert.equal(task.kind, 'sar');
    const res = scoreBatch(task);
    const r = P.resultViews(res);
    const top = (i: number) =>
      Array.from(r.ids.subarray(r.offs[i], r.offs[i + 1]), (id, j) => [
        version.model.items[id],
        r.weights[r.offs[i] + j],
      ]);
    const want = recommendForUser(trained, trained.users[1], { k: 3, removeSeen: true });
    assert.ok(want.known);
    assert.deepEqual(top(0), want.top);
    assert.equal(r.failed[0], 0);
    assert.equal(r.failed[1] & P.FAIL_REQUEST, P.FAIL_REQUEST);
    assert.equal(top(1).length, 0);
    assert.equal(r.failed[2], 0);
    assert.equal(top(2).length, 2);
  });
});
