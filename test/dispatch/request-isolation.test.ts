/**
 * Issue 10 #5: a stored profile with 5,000 installed add-ons made the worker throw ("at most 4096") and
 * failed its whole batch, opening the scorer breaker for everyone. Now the request boundary rejects it
 * (that request only, as an invalid profile), and a worker that throws on one request still scores its
 * batch-mates.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { encodeBatch } from '../../src/dispatch/encode-batch.js';
import { ScoringPool } from '../../src/dispatch/pool.js';
import * as P from '../../src/dispatch/protocol.js';
import { scoreBatch } from '../../src/dispatch/worker.js';
import { isRecscoreError } from '../../src/errors.js';
import { MAX_INSTALLED } from '../../src/model/kinds/taar/layout.js';
import { loadModel } from '../../src/kernel/taar-model.js';
import type { PackedModel } from '../../src/model/kinds/taar/packed-model.js';
import { LocalModelSource } from '../../src/model/source/local-source.js';
import type { ClientInfo } from '../../src/profile/client-info.js';
import { encodeClient } from '../../src/recommend/client-features.js';
import type { Pick } from '../../src/recommend/contracts.js';
import { isTestClient } from '../../src/recommend/test-clients.js';
import { haveVectors, readJsonl, VECTOR_MODELS, VECTORS } from '../helpers/vectors.js';

const TOP10: Pick = { mode: 'top', size: 10 };
interface ProfileLine {
  client_id: string;
  profile: ClientInfo | null;
  extra_data: Record<string, string>;
}

const opts = { skip: !haveVectors && 'vectors not found', timeout: 60_000 };
describe("one request's bad data fails that request only", opts, () => {
  let model: PackedModel;
  let good: ProfileLine[];
  let huge: ClientInfo;
  before(async () => {
    model = await loadModel(new LocalModelSource(VECTOR_MODELS));
    good = readJsonl<ProfileLine>(`${VECTORS}/profiles.jsonl`)
      .filter((p) => p.profile && !isTestClient(p.client_id))
      .slice(0, 40);
    const wl = model.meta.whitelist;
    const addons = Array.from({ length: 5_000 }, (_, i) => model.guids[wl[i % wl.length]]);
    huge = { ...good[0].profile!, installed_addons: addons };
  });

  it('a profile with 5,000 installed add-ons is rejected at the request boundary as an invalid profile', () => {
    assert.throws(
      () => encodeClient(model, huge, {}),
      (e: unknown) => isRecscoreError(e) && e.code === 'RECSCORE_PROFILE_INVALID' && /5000/.test(e.message),
    );
    const atLimit = { ...huge, installed_addons: huge.installed_addons!.slice(0, MAX_INSTALLED) };
    assert.equal(encodeClient(model, atLimit, {}).installedCount, MAX_INSTALLED);
  });

  it('the worker isolates a request it cannot score: its batch-mates are scored', () => {
    const clients = good.slice(0, 3).map((p) => encodeClient(model, p.profile!, p.extra_data));
    // past the boundary check (as a future defect could be): more hashes than the kernel's scratch holds
    const bad = { ...clients[0], hashes: new Int32Array(MAX_INSTALLED + 1).fill(7), installedCount: MAX_INSTALLED + 1 };
    const batch = [clients[0], bad, clients[1], clients[2]].map((client) => ({ client, pick: TOP10 }));
    const res = scoreBatch(encodeBatch(model, batch));
    const r = P.resultViews(res);
    assert.deepEqual(
      [...r.failed].map((f) => f & P.FAIL_REQUEST),
      [0, P.FAIL_REQUEST, 0, 0],
    );
    const alone = scoreBatch(encodeBatch(model, [batch[0], batch[2], batch[3]]));
    const a = P.resultViews(alone);
    const list = (v: P.ResultViews, i: number) => [...v.ids.subarray(v.offs[i], v.offs[i + 1])];
    const mates = [list(r, 0), list(r, 2), list(r, 3)];
    assert.deepEqual(mates, [list(a, 0), list(a, 1), list(a, 2)], 'batch-mates get the lists they get alone');
    assert.equal(r.offs[2] - r.offs[1], 0, 'the failed request has an empty list');
  });

  describe('through the pool', () => {
    let pool: ScoringPool;
    before(() => {
      pool = new ScoringPool({ workers: 1, maxBatch: 32, maxQueue: 1000 });
    });
    after(() => pool.close());

    it('100 oversized profiles among good ones: every good request is scored, the pool stays healthy', async () => {
      const deadline = performance.now() + 30_000;
      const outcome = (p: Promise<unknown>) =>
        p.then(
          () => 'scored',
          (e: unknown) => (isRecscoreError(e) ? e.code : 'other'),
        );
      const jobs = Array.from({ length: 140 }, (_, i) => {
        const g = good[i % good.length];
        const input = i % 7 < 5 ? { clientInfo: huge, extra: {} } : { clientInfo: g.profile!, extra: g.extra_data };
        return outcome(pool.score({ ...input, pick: TOP10 }, deadline, { model }));
      });
      const outcomes = await Promise.all(jobs);
      const goodOutcomes = outcomes.filter((_, i) => i % 7 >= 5);
      const badOutcomes = outcomes.filter((_, i) => i % 7 < 5);
      assert.equal(badOutcomes.length, 100);
      assert.ok(
        badOutcomes.every((o) => o === 'RECSCORE_PROFILE_INVALID'),
        JSON.stringify([...new Set(badOutcomes)]),
      );
      assert.ok(
        goodOutcomes.every((o) => o === 'scored'),
        JSON.stringify(goodOutcomes),
      );
      assert.equal(pool.healthy, true);
    });
  });
});
