/**
 * SAR under the model-kind seam, served by the pool: a `.sarm` file loaded through the SAR kind (in
 * this thread and in the off-thread loader, and back from a bundle) and scored by real Piscina workers
 * running SarKernel over the version's shared memory answers exactly as the reference scorers
 * (src/kernel/sar/*) on the SAR fixtures; a TAAR and a SAR version are served side by side by one pool.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sarServing, servingKind } from '../../src/dispatch/kinds.js';
import { ScoringPool } from '../../src/dispatch/pool.js';
import { scoreSar, type SarAnswer } from '../../src/dispatch/sar-scorer.js';
import { isRecscoreError } from '../../src/errors.js';
import { similarItems } from '../../src/kernel/sar/item-based.js';
import { recommendForEvents, recommendForUser, type RecOptions } from '../../src/kernel/sar/personal.js';
import { popularItems } from '../../src/kernel/sar/popularity.js';
import { loadModel } from '../../src/kernel/taar-model.js';
import { modelKind } from '../../src/model/kinds/index.js';
import { sarKind } from '../../src/model/kinds/sar/kind.js';
import { writeModel } from '../../src/model/kinds/sar/pack/pack.js';
import type { SarPackedModel } from '../../src/model/kinds/sar/packed-model.js';
import { SarFileSource } from '../../src/model/kinds/sar/source.js';
import type { SarModel } from '../../src/model/kinds/sar/types.js';
import type { PackedModel } from '../../src/model/kinds/taar/packed-model.js';
import { readBundle, writeBundle } from '../../src/model/lifecycle/bundle.js';
import { loadModelOffThread } from '../../src/model/lifecycle/off-thread-load.js';
import { LocalModelSource } from '../../src/model/source/local-source.js';
import type { ClientInfo } from '../../src/profile/client-info.js';
import { isTestClient } from '../../src/recommend/test-clients.js';
import { firstDifference, haveVectors, readJsonl, VECTOR_MODELS, VECTORS } from '../helpers/vectors.js';
import { modelFor } from '../sar/model-cache.js';
import { readVectorJsonl } from '../sar/vectors.js';

interface Row {
  user: string;
  item: string;
  rating: number;
  timestamp: number;
}
interface Query {
  q: string;
  seeds: Array<[string, number]>;
}

const OPTIONS: RecOptions[] = [
  { k: 10, removeSeen: true },
  { k: 10, removeSeen: false, normalize: true },
  { k: 25, removeSeen: true, normalize: true },
];

describe('SAR in the scoring pool', { timeout: 120_000 }, () => {
  let dir: string;
  let trained: SarModel;
  let version: SarPackedModel;
  let pool: ScoringPool;
  const far = () => performance.now() + 60_000;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sar-pool-'));
    trained = await modelFor('data/train.jsonl', { decayHalfLifeDays: 30 });
    const file = join(dir, 'model.sarm');
    await writeModel(file, trained);
    const source = new SarFileSource(file);
    const parts = await sarKind.pack(source, { version: await source.check() });
    version = sarKind.open(parts);
    pool = new ScoringPool({ workers: 2, maxBatch: 16, maxQueue: 10_000 });
    await pool.warm(version);
  });
  after(async () => {
    await pool?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the kind tables know SAR by name and refuse an unknown kind with a typed error', () => {
    assert.equal(modelKind('sar'), sarKind);
    assert.equal(servingKind('sar'), sarServing);
    for (const lookup of [modelKind, servingKind]) {
      for (const name of ['no-such-kind', 'toString', '__proto__']) {
        assert.throws(
          () => lookup(name),
          (e: unknown) =>
            isRecscoreError(e) && e.code === 'RECSCORE_INTERNAL' && e.message.includes(JSON.stringify(name)),
        );
      }
    }
  });

  it('the packed image lives once in the shared memory at MODEL_BASE, with the source version', () => {
    assert.equal(version.kind, 'sar');
    assert.ok(version.memory.buffer instanceof SharedArrayBuffer);
    // Views into the memory, not copies (memory.buffer is a fresh object after workers grow it, so compare bytes).
    const vals = version.model.sim.vals;
    assert.ok(vals.buffer instanceof SharedArrayBuffer && vals.byteOffset >= 65536);
    assert.deepEqual(new Float64Array(version.memory.buffer, vals.byteOffset, vals.length), vals);
    assert.equal(version.modelBytes % 65536, 0);
    assert.deepEqual(version.model.items, trained.items);
    assert.deepEqual(popularItems(version.model, 10), popularItems(trained, 10));
    assert.deepEqual(sarServing.createFacts(version).globalTop, popularItems(trained, 100));
  });

  it('personalised lists for every stored user equal the reference (three option sets)', async () => {
    const jobs = trained.users.flatMap((user) => OPTIONS.map((o) => ({ user, o })));
    const got = await Promise.all(jobs.map(({ user, o }) => scoreSar(pool, version, { user, ...o }, far())));
    jobs.forEach(({ user, o }, i) => {
      const want = recommendForUser(trained, user, o);
      assert.ok(want.known);
      const g = got[i];
      assert.ok(g.known, user);
      assert.equal(g.modelVersion, version.version);
      assert.deepEqual(g.top, want.top, `${user} ${JSON.stringify(o)}`);
    });
  });

  it("posted events are scored with the model's decay and equal the reference", async () => {
    const rows = readVectorJsonl<Row>('data/train.jsonl');
    const users = trained.users.filter((_, i) => i % 20 === 0);
    const t0 = trained.stats.referenceTime;
    const jobs = users.flatMap((user) => {
      const mine = rows.filter((r) => r.user === user);
      const events = mine.map((r) => ({ item: r.item, timestamp: r.timestamp, weight: r.rating }));
      // An item the model never saw is dropped, as the reference drops it.
      events.push({ item: 'never-seen-item', timestamp: t0, weight: 5 });
      return OPTIONS.flatMap((o) => [undefined, t0].map((referenceTime) => ({ events, o, referenceTime })));
    });
    const got = await Promise.all(
      jobs.map(({ events, o, referenceTime }) => scoreSar(pool, version, { events, referenceTime, ...o }, far())),
    );
    jobs.forEach(({ events, o, referenceTime }, i) => {
      const posted = events.map((e) => ({ item: e.item, timestamp: e.timestamp, rating: e.weight }));
      const ref = recommendForEvents(trained, posted, { ...o, referenceTime });
      const g = got[i];
      assert.ok(g.known);
      assert.deepEqual(g.top, ref);
    });
  });

  it("item-based lists for the fixtures' queries equal the reference; unknown seeds are ignored", async () => {
    const queries = readVectorJsonl<Query>('data/queries.jsonl');
    const unknownSeed: [string, number] = ['no-such-item', 3];
    const jobs = queries.flatMap((q) => [5, 10].map((k) => ({ seeds: [...q.seeds, unknownSeed], k })));
    const got = await Promise.all(jobs.map((j) => scoreSar(pool, version, j, far())));
    jobs.forEach((j, i) => {
      const g = got[i];
      assert.ok(g.known);
      assert.deepEqual(g.top, similarItems(trained, j.seeds, j.k));
    });
    assert.ok(got.filter((g) => g.known && g.top.length > 0).length > jobs.length / 2);
    const none = await scoreSar(pool, version, { seeds: ['no-such-item'] }, far());
    assert.deepEqual(none, { modelVersion: version.version, known: true, top: [] });
  });

  it('an unknown user is reported, not scored; bad input fails that request only', async () => {
    const nobody = await scoreSar(pool, version, { user: 'nobody' }, far());
    assert.deepEqual(nobody, { modelVersion: version.version, known: false });
    const results = await Promise.allSettled([
      scoreSar(pool, version, { user: trained.users[0], k: 5000 }, far()),
      scoreSar(pool, version, { events: [{ item: trained.items[0], weight: Number.NaN }] }, far()),
      scoreSar(pool, version, { user: trained.users[0] }, far()),
    ]);
    for (const r of results.slice(0, 2)) {
      assert.equal(r.status, 'rejected');
      assert.ok(isRecscoreError(r.reason) && r.reason.code === 'RECSCORE_BAD_REQUEST', String(r.reason));
    }
    assert.equal(results[2].status, 'fulfilled');
  });

  it('a SAR version loaded by the off-thread loader and one read back from a bundle answer the same', async () => {
    const file = join(dir, 'model.sarm');
    const source = new SarFileSource(file);
    const checked = await source.check();
    const job = { location: file, env: {}, gcs: undefined, version: checked };
    const offThread = await loadModelOffThread(sarKind, job, sarServing.finish);
    assert.equal(offThread.version, version.version);
    const bundle = join(dir, 'sar.rscb');
    await writeBundle(offThread, bundle, file);
    const { model: fromBundle } = await readBundle(bundle, sarKind);
    assert.equal(fromBundle.version, version.version);
    for (const v of [offThread, fromBundle]) {
      const user = trained.users[7];
      const g = await scoreSar(pool, v, { user, k: 10, removeSeen: true }, far());
      assert.ok(g.known);
      assert.deepEqual(g.top, (recommendForUser(trained, user, { k: 10, removeSeen: true }) as { top: unknown }).top);
    }
    await assert.rejects(
      readBundle(bundle, modelKind('taar')),
      (e: unknown) => isRecscoreError(e) && e.code === 'RECSCORE_BUNDLE_INVALID',
    );
  });

  interface ProfileLine {
    client_id: string;
    profile: ClientInfo | null;
    extra_data: Record<string, string>;
  }
  interface Expected {
    ensemble_limit_10: Array<[string, number]>;
    case: string;
  }

  const sideBySide = 'serves a TAAR and a SAR version side by side in one pool, each equal to its reference';
  it(sideBySide, { skip: !haveVectors && 'TAAR vectors not found' }, async () => {
    const taar: PackedModel = await loadModel(new LocalModelSource(VECTOR_MODELS));
    await pool.warm(taar);
    const profiles = readJsonl<ProfileLine>(`${VECTORS}/profiles.jsonl`);
    const expected = readJsonl<Expected>(`${VECTORS}/expected_recommendations.jsonl`);
    const jobs = profiles
      .map((p, i) => ({ p, e: expected[i] }))
      .filter(({ p }) => p.profile && !isTestClient(p.client_id));
    const users = trained.users.slice(0, jobs.length);
    // Interleaved, so flushes hold both kinds' requests (the pool splits a flush into one task per version).
    const taarRuns: Array<Promise<{ picked: Array<[string, number]> }>> = [];
    const sarRuns: Array<Promise<SarAnswer>> = [];
    for (let i = 0; i < Math.max(jobs.length, users.length); i++) {
      if (i < jobs.length) {
        const { p } = jobs[i];
        const input = { clientInfo: p.profile!, extra: p.extra_data, pick: { mode: 'top', size: 10 } as const };
        taarRuns.push(pool.score(input, far(), { model: taar }));
      }
      if (i < users.length) sarRuns.push(scoreSar(pool, version, { user: users[i], k: 10, removeSeen: true }, far()));
    }
    const [taarOut, sarOut] = await Promise.all([Promise.all(taarRuns), Promise.all(sarRuns)]);
    jobs.forEach(({ e }, i) =>
      assert.equal(firstDifference(taarOut[i].picked, e.ensemble_limit_10), undefined, e.case),
    );
    users.forEach((user, i) => {
      const want = recommendForUser(trained, user, { k: 10, removeSeen: true });
      const g = sarOut[i];
      assert.ok(want.known && g.known, user);
      assert.deepEqual(g.top, want.top, user);
    });
  });
});
