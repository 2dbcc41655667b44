/**
 * Registry models whose artifact is a gs:// object (the project's fake GCS server): loaded off-thread
 * through SarGcsSource (gcsStorage(), generation pinned, verified download) into the model cache and
 * scored equal to the same file read locally; a transient 503 is retried; a missing object or corrupt
 * bytes fail that model only.
 */
import assert from 'node:assert/strict';
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ModelCache } from '../../src/dispatch/model-cache.js';
import { ScoringPool } from '../../src/dispatch/pool.js';
import { scoreSar } from '../../src/dispatch/sar-scorer.js';
import { isRecscoreError } from '../../src/errors.js';
import { similarItems } from '../../src/kernel/sar/item-based.js';
import { silentLogger } from '../../src/log.js';
import { readModelFile } from '../../src/model/kinds/sar/pack/unpack.js';
import { FakeGcs } from '../helpers/fake-gcs.js';
import { MemoryRecords, sarArtifact, sarRecord } from '../helpers/records-view.js';

const BUCKET = 'registry-bucket';
const FAST = { attempts: 3, backoffBaseMs: 5, backoffMaxMs: 20, requestTimeoutMs: 2000, idleTimeoutMs: 1000 };
const code = (e: unknown) => (isRecscoreError(e) ? e.code : String(e));

describe('model cache: gs:// artifacts', { timeout: 120_000 }, () => {
  let dir: string;
  let file: string;
  let fake: FakeGcs;
  let pool: ScoringPool;
  let cache: ModelCache;
  const records = new MemoryRecords();

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'model-cache-gcs-'));
    file = await sarArtifact(dir, 'gcs');
    fake = await FakeGcs.start();
    const bytes = readFileSync(file);
    fake.put(BUCKET, 'artifacts/a.sarm', bytes);
    const corrupt = Buffer.from(bytes);
    corrupt[corrupt.length >> 1] ^= 0xff; // the checksum catches it
    fake.put(BUCKET, 'artifacts/corrupt.sarm', corrupt);
    pool = new ScoringPool({ workers: 1, maxQueue: 100 });
    cache = new ModelCache({
      records,
      pool,
      budgetBytes: 1 << 30,
      logger: silentLogger,
      gcs: { apiEndpoint: fake.endpoint, ...FAST },
    });
  });
  after(async () => {
    cache?.close();
    await pool?.close();
    await fake?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('loads the object (after a transient 503) and answers as the local file', async () => {
    fake.fault({ type: 'status', status: 503, on: 'media', times: 1 });
    const r = records.put(sarRecord(`gs://${BUCKET}/artifacts/a.sarm`));
    const lease = await cache.acquire(r.id);
    try {
      const local = readModelFile(file).model;
      const item = local.items[4];
      const got = await scoreSar(pool, lease.served.model, { seeds: [item], k: 10 }, performance.now() + 60_000);
      assert.equal(got.known, true);
      assert.deepEqual(got.known && got.top, similarItems(local, [item], 10));
    } finally {
      lease.done();
    }
  });

  it('a missing object or corrupt bytes fail that model only, with their codes', async () => {
    const missing = records.put(sarRecord(`gs://${BUCKET}/artifacts/none.sarm`));
    await assert.rejects(cache.acquire(missing.id), (e) => code(e) === 'RECSCORE_MODEL_MISSING');
    const corrupt = records.put(sarRecord(`gs://${BUCKET}/artifacts/corrupt.sarm`));
    await assert.rejects(cache.acquire(corrupt.id), (e) => code(e) === 'RECSCORE_BUNDLE_INVALID');
    assert.equal(cache.loaded().length, 1, 'the good model still serves');
  });
});
