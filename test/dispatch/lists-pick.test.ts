/**
 * The `lists` pick: one trip to the pool returns the ensemble and each recommender's own list (the surfaces'
 * TAAR sources share it). On every vector profile each list's first entries equal TAAR's (a top-k under a
 * total order is a prefix of the top-K TAAR computed), and the ensemble equals `ensemble_limit_10`.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ScoringPool } from '../../src/dispatch/pool.js';
import { loadModel } from '../../src/kernel/taar-model.js';
import type { PackedModel } from '../../src/model/kinds/taar/packed-model.js';
import { LocalModelSource } from '../../src/model/source/local-source.js';
import { firstDifference, haveVectors, scorableVectorProfiles, VECTOR_MODELS } from '../helpers/vectors.js';

type Part = { can_recommend: boolean; results: Array<[string, number]> } | undefined;
interface Expected {
  case: string;
  collaborative: Part;
  similarity: Part;
  locale: Part;
  ensemble_limit_10: Array<[string, number]>;
}

describe('lists pick', { skip: !haveVectors && 'vectors not found', timeout: 60_000 }, () => {
  let model: PackedModel;
  let pool: ScoringPool;
  before(async () => {
    model = await loadModel(new LocalModelSource(VECTOR_MODELS));
    pool = new ScoringPool({ workers: 1, maxBatch: 16, maxQueue: 1000 });
  });
  after(() => pool.close());

  it('returns all four lists in one answer, equal to TAAR on every vector profile', async () => {
    const jobs = scorableVectorProfiles<Expected>();
    const deadline = performance.now() + 30_000;
    const got = await Promise.all(
      jobs.map(({ p }) =>
        pool.score({ clientInfo: p.profile!, extra: p.extra_data, pick: { mode: 'lists', size: 10 } }, deadline, {
          model,
        }),
      ),
    );
    let compared = 0;
    jobs.forEach(({ e }, i) => {
      const lists = got[i].lists!;
      assert.ok(lists, e.case);
      assert.equal(firstDifference(lists.ensemble, e.ensemble_limit_10), undefined, `${e.case} ensemble`);
      assert.deepEqual(got[i].picked, lists.ensemble);
      for (const name of ['collaborative', 'similarity', 'locale'] as const) {
        const want = e[name];
        if (!want?.can_recommend || got[i].failures.length > 0) continue;
        const prefix = want.results.slice(0, 10);
        assert.equal(firstDifference(lists[name], prefix), undefined, `${e.case} ${name}`);
        compared++;
      }
    });
    assert.ok(compared > 100, `compared ${compared} recommender lists`);
  });
});
