/**
 * The pool end to end: real Piscina workers on the WASM kernel over one shared memory. Concurrent
 * requests are batched, results equal TAAR's vectors, the bounded queue sheds, expired requests are
 * dropped before dispatch.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ScoringPool, type BatchTiming } from '../../src/dispatch/pool.js';
import { isRecscoreError } from '../../src/errors.js';
import { loadModel } from '../../src/kernel/taar-model.js';
import type { PackedModel } from '../../src/model/kinds/taar/packed-model.js';
import { LocalModelSource } from '../../src/model/source/local-source.js';
import type { Pick } from '../../src/recommend/contracts.js';
import { isTestClient } from '../../src/recommend/test-clients.js';
import {
  firstDifference,
  haveVectors,
  readJsonl,
  scorableVectorProfiles,
  VECTOR_MODELS,
  VECTORS,
  type VectorProfile,
} from '../helpers/vectors.js';

const TOP10: Pick = { mode: 'top', size: 10 };

interface Expected {
  ensemble_limit_10: Array<[string, number]>;
  manager_candidates: Array<[string, number]>;
  case: string;
}

describe('scoring pool', { skip: !haveVectors && 'vectors not found', timeout: 60_000 }, () => {
  let model: PackedModel;
  let pool: ScoringPool;
  const timings: BatchTiming[] = [];
  before(async () => {
    model = await loadModel(new LocalModelSource(VECTOR_MODELS));
    pool = new ScoringPool({ workers: 2, maxBatch: 16, maxQueue: 1000, onBatch: (b) => timings.push(b) });
  });
  after(() => pool.close());

  it('scores concurrent requests in batches and equals TAAR on every vector profile', async () => {
    const jobs = scorableVectorProfiles<Expected>();
    const deadline = performance.now() + 30_000;
    const all: Pick = { mode: 'top', size: model.meta.whitelist.length };
    const score = (p: VectorProfile, pick: Pick) =>
      pool.score({ clientInfo: p.profile!, extra: p.extra_data, pick }, deadline, { model });
    const [top, candidates] = await Promise.all([
      Promise.all(jobs.map(({ p }) => score(p, { mode: 'top', size: 10 }))),
      Promise.all(jobs.map(({ p }) => score(p, all))),
    ]);
    jobs.forEach(({ e }, i) => {
      assert.equal(top[i].modelVersion, model.version);
      assert.equal(firstDifference(top[i].picked, e.ensemble_limit_10), undefined, `${e.case} top`);
      assert.equal(firstDifference(candidates[i].picked, e.manager_candidates), undefined, `${e.case} candidates`);
      assert.equal(candidates[i].candidateCount, e.manager_candidates.length, `${e.case} candidate count`);
    });
    const sizes = timings.map((t) => t.size);
    assert.ok(Math.max(...sizes) > 1, `expected micro-batching, batch sizes were ${sizes.join(',')}`);
    for (const t of timings) {
      assert.ok(t.computeMs > 0 && t.computeMs < 30_000, `compute ${t.computeMs} ms`);
      // hand-off and return are differences of two threads' clocks: ≥ 0 up to rounding, and bounded
      for (const ms of [t.handoffMs, t.returnMs]) assert.ok(ms > -1 && ms < 30_000, `phase ${ms} ms`);
    }
  });

  it('draws in the worker: min(10, n) distinct candidates with their weights, reproducible from the seed', async () => {
    const profiles = readJsonl<VectorProfile>(`${VECTORS}/profiles.jsonl`);
    const expected = readJsonl<Expected>(`${VECTORS}/expected_recommendations.jsonl`);
    const jobs = profiles
      .map((p, i) => ({ p, e: expected[i] }))
      .filter(({ p }) => p.profile && !isTestClient(p.client_id))
      .slice(0, 60);
    const deadline = performance.now() + 30_000;
    const drawn = (seed: number) =>
      Promise.all(
        jobs.map(({ p }, i) =>
          pool.score(
            { clientInfo: p.profile!, extra: p.extra_data, pick: { mode: 'draw', size: 10, seed: seed + i } },
            deadline,
            { model },
          ),
        ),
      );
    const [a, b, c] = await Promise.all([drawn(1), drawn(1), drawn(1000)]);
    let differs = 0;
    jobs.forEach(({ e }, i) => {
      const weightOf = new Map(e.manager_candidates);
      assert.equal(a[i].candidateCount, e.manager_candidates.length);
      assert.equal(a[i].picked.length, Math.min(10, e.manager_candidates.length), e.case);
      assert.equal(new Set(a[i].picked.map(([g]) => g)).size, a[i].picked.length, `${e.case}: distinct`);
      for (const [g, w] of a[i].picked)
        assert.equal(weightOf.get(g), w, `${e.case}: ${g} is a candidate with its weight`);
      assert.deepEqual(a[i].picked, b[i].picked, `${e.case}: same seed, same draw`);
      if (JSON.stringify(a[i].picked) !== JSON.stringify(c[i].picked)) differs++;
    });
    assert.ok(differs > jobs.length / 2, `other seeds should give other draws (${differs}/${jobs.length} differ)`);
  });

  it('sheds at once when the queue is full', async () => {
    const small = new ScoringPool({ workers: 1, maxBatch: 1, maxQueue: 2, inflightPerWorker: 1 });
    try {
      const p = readJsonl<VectorProfile>(`${VECTORS}/profiles.jsonl`)[0];
      const deadline = performance.now() + 10_000;
      const settled = await Promise.allSettled(
        Array.from({ length: 10 }, () =>
          small.score({ clientInfo: p.profile!, extra: {}, pick: TOP10 }, deadline, { model }),
        ),
      );
      const shed = settled.filter(
        (s) => s.status === 'rejected' && isRecscoreError(s.reason) && s.reason.code === 'RECSCORE_SHED',
      );
      assert.ok(shed.length >= 7, `expected most requests shed, got ${shed.length}`);
      assert.ok(settled.some((s) => s.status === 'fulfilled'));
    } finally {
      await small.close();
    }
  });

  it('drops requests whose deadline passed before dispatch', async () => {
    const p = readJsonl<VectorProfile>(`${VECTORS}/profiles.jsonl`)[0];
    await assert.rejects(
      pool.score({ clientInfo: p.profile!, extra: {}, pick: TOP10 }, performance.now() - 1, { model }),
      (e: unknown) => isRecscoreError(e) && e.code === 'RECSCORE_DEADLINE_EXPIRED',
    );
  });
});
