/**
 * ModelCache (src/dispatch/model-cache.ts): registry models in shared memory. LRU by bytes within the
 * budget, single-flight loads, release of evicted models (after their last request, and in real pool
 * workers), a corrupt artifact failing its model only, records that change, and the default swap.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { FAILURE_RETRY_MS, ModelCache, type LoadJob } from '../../src/dispatch/model-cache.js';
import { ScoringPool, type BatchTiming } from '../../src/dispatch/pool.js';
import { scoreSar } from '../../src/dispatch/sar-scorer.js';
import { isRecscoreError } from '../../src/errors.js';
import { silentLogger } from '../../src/log.js';
import { sarKind } from '../../src/model/kinds/sar/kind.js';
import type { SarPackedModel } from '../../src/model/kinds/sar/packed-model.js';
import { SarFileSource } from '../../src/model/kinds/sar/source.js';
import { MemoryRecords, sarArtifact, sarRecord } from '../helpers/records-view.js';

const code = (e: unknown) => (isRecscoreError(e) ? e.code : String(e));

/** Packs in this thread (the real cache packs in a loader thread; here the counts matter). */
async function packHere(job: LoadJob): Promise<SarPackedModel> {
  const source = new SarFileSource(job.artifact);
  const version = await source.check();
  job.reserve(version.objects[0].size);
  const parts = await sarKind.pack(source, { version: { ...version, id: `${version.id}~${job.versionSuffix}` } });
  return sarKind.open(parts);
}

function fakePool() {
  const released: string[] = [];
  const warmed: string[] = [];
  return {
    released,
    warmed,
    warm: async (m: SarPackedModel) => void warmed.push(m.version),
    release: (m: SarPackedModel) => void released.push(m.version),
  };
}

describe('model cache', { timeout: 120_000 }, () => {
  let dir: string;
  let files: string[];
  let modelBytes: number;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'model-cache-'));
    files = [
      await sarArtifact(dir, 'a'),
      await sarArtifact(dir, 'b', { similarity: 'lift' }),
      await sarArtifact(dir, 'c', { similarity: 'cosine' }),
      await sarArtifact(dir, 'd', { threshold: 3 }),
    ];
    const probe = await packHere({ artifact: files[0], versionSuffix: 'probe', reserve: () => {} });
    modelBytes = probe.memory.buffer.byteLength;
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  function setup(budgetModels: number, load = packHere, now?: () => number) {
    const records = new MemoryRecords();
    const pool = fakePool();
    let loads = 0;
    const cache = new ModelCache({
      records,
      pool,
      budgetBytes: Math.floor(budgetModels * modelBytes),
      logger: silentLogger,
      load: (job) => (loads++, load(job)),
      now,
    });
    const ids = files.map((f) => records.put(sarRecord(f)).id);
    return { records, pool, cache, ids, loads: () => loads };
  }

  const use = async (cache: ModelCache, id: string) => {
    const lease = await cache.acquire(id);
    lease.done();
    return lease.served;
  };

  it('keeps models within the budget by bytes, evicting the least recently used', async () => {
    const { cache, ids, pool } = setup(2.5);
    await use(cache, ids[0]);
    await use(cache, ids[1]);
    await use(cache, ids[0]); // 0 is now more recent than 1
    await use(cache, ids[2]);
    assert.deepEqual(
      cache.loaded().map((m) => m.id),
      [ids[0], ids[2]],
    );
    assert.ok(cache.bytes <= 2.5 * modelBytes);
    assert.equal(pool.released.length, 1, 'the evicted model was released in the workers');
    cache.close();
  });

  it('a model larger than the whole budget is still served, alone', async () => {
    const { cache, ids } = setup(0.5);
    await use(cache, ids[0]);
    await use(cache, ids[1]);
    assert.deepEqual(
      cache.loaded().map((m) => m.id),
      [ids[1]],
    );
    cache.close();
  });

  it('concurrent first requests wait for one load', async () => {
    const { cache, ids, loads, pool } = setup(4);
    const leases = await Promise.all(Array.from({ length: 20 }, () => cache.acquire(ids[0])));
    assert.equal(loads(), 1);
    assert.equal(pool.warmed.length, 1);
    assert.equal(new Set(leases.map((l) => l.served)).size, 1);
    for (const l of leases) l.done();
    cache.close();
  });

  it('an evicted model is released only after its last request finished', async () => {
    const { cache, ids, pool } = setup(1.5);
    const lease = await cache.acquire(ids[0]);
    await use(cache, ids[1]); // evicts 0 while a request still scores on it
    assert.deepEqual(pool.released, []);
    lease.done();
    assert.deepEqual(pool.released, [lease.served.model.version]);
    lease.done(); // twice is once
    assert.equal(pool.released.length, 1);
    cache.close();
  });

  it('unknown is 404, not Completed is 409, a TAAR record is 400; nothing is loaded for them', async () => {
    const { cache, records, loads } = setup(4);
    await assert.rejects(
      cache.acquire('00000000-0000-0000-0000-000000000000'),
      (e) => code(e) === 'RECSCORE_MODEL_NOT_FOUND',
    );
    const training = records.put(
      sarRecord(undefined, { modelStatus: 'InProgress', modelStatusMessage: 'parsing 40%' }),
    );
    await assert.rejects(cache.acquire(training.id), (e) => {
      assert.equal(code(e), 'RECSCORE_MODEL_NOT_COMPLETED');
      assert.match((e as Error).message, /InProgress \(parsing 40%\)/);
      return true;
    });
    const taar = records.put(sarRecord(files[0], { kind: 'taar' }));
    await assert.rejects(cache.acquire(taar.id), (e) => code(e) === 'RECSCORE_BAD_REQUEST');
    await assert.rejects(cache.acquireDefault(), (e) => code(e) === 'RECSCORE_NO_DEFAULT_MODEL');
    assert.equal(loads(), 0);
    cache.close();
  });

  it('a corrupt artifact fails its model with a clear error (retried only later); the others serve', async () => {
    let now = 1_000_000;
    const { cache, records, ids, loads } = setup(4, packHere, () => now);
    const bad = join(dir, 'corrupt.sarm');
    writeFileSync(bad, Buffer.from('SARM but not really a model'.repeat(100)));
    const broken = records.put(sarRecord(bad));
    await assert.rejects(cache.acquire(broken.id), (e) => {
      assert.equal(code(e), 'RECSCORE_BUNDLE_INVALID');
      assert.match((e as Error).message, new RegExp(`model ${broken.id} cannot be loaded`));
      return true;
    });
    await assert.rejects(cache.acquire(broken.id));
    assert.equal(loads(), 1, 'the failure is remembered');
    now += FAILURE_RETRY_MS;
    await assert.rejects(cache.acquire(broken.id));
    assert.equal(loads(), 2, 'and retried after FAILURE_RETRY_MS');
    assert.ok((await use(cache, ids[0])).model);
    cache.close();
  });

  it('a corrupt artifact loaded off-thread (the real loader) fails with its code', async () => {
    const records = new MemoryRecords();
    const cache = new ModelCache({ records, pool: fakePool(), budgetBytes: 1 << 30, logger: silentLogger });
    const bad = join(dir, 'corrupt-2.sarm');
    writeFileSync(bad, Buffer.alloc(4096, 7));
    const r = records.put(sarRecord(bad));
    await assert.rejects(cache.acquire(r.id), (e) => code(e) === 'RECSCORE_BUNDLE_INVALID');
    const missing = records.put(sarRecord(join(dir, 'nope.sarm')));
    await assert.rejects(cache.acquire(missing.id), (e) => code(e) === 'RECSCORE_MODEL_MISSING');
    const good = records.put(sarRecord(files[0]));
    const lease = await cache.acquire(good.id);
    assert.ok(lease.served.model.model.items.length > 0);
    assert.match(lease.served.model.version, new RegExp(`~${good.id}#\\d+$`));
    lease.done();
    cache.close();
  });

  it('a deleted record or a changed artifact drops the loaded model', async () => {
    const { cache, records, ids, pool } = setup(4);
    await use(cache, ids[0]);
    await use(cache, ids[1]);
    records.delete(ids[0]);
    records.put({ ...records.get(ids[1])!, artifact: files[3] });
    assert.deepEqual(cache.loaded(), []);
    assert.equal(pool.released.length, 2);
    await assert.rejects(cache.acquire(ids[0]), (e) => code(e) === 'RECSCORE_MODEL_NOT_FOUND');
    assert.equal((await use(cache, ids[1])).record.artifact, files[3]);
    cache.close();
  });

  it('a record that changes while its model loads: that load is dropped, the next request loads afresh', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let first = true;
    const { cache, records, ids, pool } = setup(4, async (job) => {
      if (first) {
        first = false;
        await gate;
      }
      return packHere(job);
    });
    const pending = cache.acquire(ids[0]);
    const record = records.get(ids[0])!;
    records.put({ ...record, modelStatus: 'Failed' });
    records.put(record); // back to Completed, same artifact
    release();
    await assert.rejects(pending, (e) => code(e) === 'RECSCORE_MODEL_NOT_FOUND');
    assert.equal(pool.released.length, 1, 'what the dropped load made is released');
    assert.ok((await use(cache, ids[0])).model, 'a fresh load serves');
    cache.close();
  });

  it('the default retrained under the same id: the new artifact replaces the old after the switch', async () => {
    const { cache, records, ids } = setup(4);
    records.setDefault(ids[0]);
    await cache.start();
    records.put({ ...records.get(ids[0])!, artifact: files[3] });
    let lease = await cache.acquireDefault();
    for (let i = 0; i < 100 && lease.served.record.artifact !== files[3]; i++) {
      lease.done();
      await new Promise((r) => setTimeout(r, 10));
      lease = await cache.acquireDefault();
    }
    lease.done();
    assert.equal(lease.served.record.artifact, files[3]);
    assert.deepEqual(
      cache.loaded().map((m) => [m.id, m.isDefault]),
      [[ids[0], true]],
      'the old artifact is gone',
    );
    cache.close();
  });

  it('default: loaded at start; a new default is loaded beside the old, which answers until the switch', async () => {
    let release!: () => void;
    let gate: Promise<void> | undefined;
    const slowLoad = async (job: LoadJob) => {
      if (gate) await gate;
      return packHere(job);
    };
    const { cache, records, ids } = setup(4, slowLoad);
    records.setDefault(ids[0]);
    await cache.start();
    assert.deepEqual(
      cache.loaded().map((m) => [m.id, m.isDefault]),
      [[ids[0], true]],
    );
    gate = new Promise((r) => (release = r));
    records.setDefault(ids[1]); // starts loading 1 in the background
    for (let i = 0; i < 5; i++) {
      const lease = await cache.acquireDefault();
      assert.equal(lease.served.record.id, ids[0], 'the old default answers while the new one loads');
      lease.done();
    }
    release();
    gate = undefined;
    let lease = await cache.acquireDefault();
    for (let i = 0; i < 50 && lease.served.record.id !== ids[1]; i++) {
      lease.done();
      await new Promise((r) => setTimeout(r, 10));
      lease = await cache.acquireDefault();
    }
    assert.equal(lease.served.record.id, ids[1]);
    lease.done();
    // A default whose artifact is corrupt: the old default keeps answering.
    const bad = join(dir, 'corrupt-3.sarm');
    writeFileSync(bad, Buffer.alloc(2048, 1));
    const broken = records.put(sarRecord(bad));
    records.setDefault(broken.id);
    for (let i = 0; i < 3; i++) {
      const l = await cache.acquireDefault();
      assert.equal(l.served.record.id, ids[1]);
      l.done();
    }
    records.setDefault(undefined);
    await assert.rejects(cache.acquireDefault(), (e) => code(e) === 'RECSCORE_NO_DEFAULT_MODEL');
    cache.close();
  });

  it('real pool: evicted versions are released in the workers, which keep a bounded set of kernels', async () => {
    const held: number[] = [];
    const pool = new ScoringPool({
      workers: 2,
      maxQueue: 1000,
      onBatch: (b: BatchTiming) => b.kernelsHeld !== undefined && held.push(b.kernelsHeld),
    });
    const records = new MemoryRecords();
    const cache = new ModelCache({ records, pool, budgetBytes: Math.floor(1.5 * modelBytes), logger: silentLogger });
    try {
      const ids = files.map((f) => records.put(sarRecord(f)).id);
      const far = () => performance.now() + 60_000;
      const score = async (id: string) => {
        const lease = await cache.acquire(id);
        try {
          const a = await scoreSar(
            pool,
            lease.served.model,
            { seeds: [lease.served.model.model.items[0]], k: 5 },
            far(),
          );
          assert.equal(a.known, true);
        } finally {
          lease.done();
        }
      };
      for (const id of [...ids, ...ids]) await Promise.all(Array.from({ length: 8 }, () => score(id)));
      assert.equal(cache.loaded().length, 1, 'one model fits the budget');
      // Releases arrive asynchronously; poll (no timing threshold) until a batch reports them applied.
      let last = Number.POSITIVE_INFINITY;
      for (let i = 0; i < 100 && last > 1; i++) {
        await new Promise((r) => setTimeout(r, 20));
        held.length = 0;
        await Promise.all(Array.from({ length: 8 }, () => score(ids[3])));
        last = Math.max(...held);
      }
      assert.equal(last, 1, 'each worker holds the kernel of the one loaded model only');
    } finally {
      cache.close();
      await pool.close();
    }
  });
});
