/**
 * The GCS source through the real @google-cloud/storage client against the in-process fake on loopback.
 * Timers are shrunk to milliseconds so every fault resolves (or fails typed) in well under a second.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { createLogger } from '../../src/log.js';
import { MODEL_FILES, type ModelFileKind } from '../../src/model/kinds/taar/files.js';
import { layoutFromUrl } from '../../src/model/source/gcs-layout.js';
import type { GcsSourceOptions } from '../../src/model/source/gcs-options.js';
import { GcsModelSource } from '../../src/model/source/gcs-source.js';
import { MODEL_FILE_KINDS } from '../../src/model/kinds/taar/files.js';
import { FakeGcs } from '../helpers/fake-gcs.js';
import { isModelError, payload, publishAll, sourceCases } from './source.case.js';

const BUCKET = 'taar-models';
const FAST = {
  attempts: 3,
  backoffBaseMs: 5,
  backoffMaxMs: 20,
  requestTimeoutMs: 1000,
  idleTimeoutMs: 250,
  deadlineMs: 3000,
};
const logLines: string[] = [];
// Every line counts here: the repeat limiter (tested in test/log/) would fold the second retry line.
const logger = createLogger({}, (l) => logLines.push(l), { repeatWindowMs: 0 });

function makeSource(
  fake: FakeGcs,
  prefix = 'models',
  opts: GcsSourceOptions = {},
  kinds: readonly ModelFileKind[] = MODEL_FILE_KINDS,
) {
  return new GcsModelSource(layoutFromUrl(`gs://${BUCKET}/${prefix}`, kinds), {
    apiEndpoint: fake.endpoint,
    logger,
    kinds,
    ...FAST,
    ...opts,
  });
}

let shared: FakeGcs;
before(async () => {
  shared = await FakeGcs.start();
});
after(() => shared.close());

let n = 0;
sourceCases('GCS (fake, real client)', async (opts) => {
  const prefix = `case-${n++}`;
  return {
    source: makeSource(shared, prefix, {}, opts?.kinds),
    publish: async (name, bytes) => {
      shared.put(BUCKET, `${prefix}/${name}`, bytes);
    },
    remove: async (name) => shared.delete(BUCKET, `${prefix}/${name}`),
    close: async () => {},
  };
});

describe('GCS source: pinning, retries, timeouts, integrity', { timeout: 30_000 }, () => {
  let fake: FakeGcs;
  beforeEach(async () => {
    await fake?.close();
    fake = await FakeGcs.start();
    await publishAll({
      publish: async (name, bytes) => {
        fake.put(BUCKET, `models/${name}`, bytes);
      },
    });
  });
  after(() => fake?.close());

  const obj = async (source: GcsModelSource, kind: ModelFileKind = 'locale') =>
    (await source.check()).objects.find((o) => o.kind === kind)!;
  const localeName = `${MODEL_FILES.locale}.bz2`;

  test("check is one listing call, pinned by generation, with the listing's hashes", async () => {
    const source = makeSource(fake);
    const v = await source.check();
    assert.equal(fake.count('list'), 1);
    assert.equal(fake.count('meta'), 0);
    const o = v.objects.find((x) => x.kind === 'locale')!;
    assert.match(o.version, /^\d+$/);
    assert.equal(o.location, `gs://${BUCKET}/models/${localeName}`);
    assert.ok(o.hashes?.md5 && o.hashes.crc32c);
  });

  test('an object replaced after check: read returns the pinned generation', async () => {
    const source = makeSource(fake);
    const o = await obj(source);
    fake.put(BUCKET, `models/${localeName}`, payload(localeName, 'new'));
    assert.ok((await source.read(o)).equals(payload(localeName)));
    assert.match(fake.requests.at(-1)!.url, new RegExp(`generation=${o.version}`));
    const again = await obj(source);
    assert.notEqual(again.version, o.version);
    assert.ok((await source.read(again)).equals(payload(localeName, 'new')));
  });

  test('an object replaced between listing and download still yields the pinned bytes', async () => {
    const source = makeSource(fake);
    const o = await obj(source);
    fake.fault({ type: 'replace', bytes: payload(localeName, 'racing') });
    assert.ok((await source.read(o)).equals(payload(localeName)));
  });

  test(
    'without object versioning a replaced generation is a typed RECSCORE_MODEL_MISSING, never the new ' + 'bytes',
    async () => {
      const plain = await FakeGcs.start({ versioning: false });
      try {
        plain.put(BUCKET, `models/${localeName}`, payload(localeName));
        const source = makeSource(plain, 'models', {}, ['locale']);
        const o = await obj(source);
        plain.put(BUCKET, `models/${localeName}`, payload(localeName, 'new'));
        await assert.rejects(source.read(o), isModelError('RECSCORE_MODEL_MISSING', /top10_dict/));
        assert.equal(plain.count('media'), 1, '404 is not retried');
      } finally {
        await plain.close();
      }
    },
  );

  test('503 twice, then success: retried with backoff', async () => {
    const source = makeSource(fake);
    const o = await obj(source);
    fake.fault({ type: 'status', status: 503, times: 2 });
    logLines.length = 0;
    assert.ok((await source.read(o)).equals(payload(localeName)));
    assert.equal(fake.count('media'), 3);
    assert.equal(logLines.filter((l) => l.includes('model source retry')).length, 2);
  });

  test('listing 503 twice, then success', async () => {
    const source = makeSource(fake);
    fake.fault({ type: 'status', status: 503, times: 2, on: 'list' });
    const v = await source.check();
    assert.equal(v.objects.length, 9);
    assert.equal(fake.count('list'), 3);
  });

  test('503 forever: a typed error after the bounded number of attempts', async () => {
    const source = makeSource(fake);
    const o = await obj(source);
    fake.fault({ type: 'status', status: 503, times: Infinity });
    await assert.rejects(
      source.read(o),
      (e) =>
        isModelError('RECSCORE_MODEL_SOURCE', /top10_dict/)(e) &&
        /HTTP 503.*after 3 attempts/.test((e as Error).message),
    );
    assert.equal(fake.count('media'), FAST.attempts);
  });

  test('403 is not retried', async () => {
    const source = makeSource(fake);
    const o = await obj(source);
    fake.fault({ type: 'status', status: 403, times: Infinity });
    await assert.rejects(source.read(o), isModelError('RECSCORE_MODEL_SOURCE'));
    assert.equal(fake.count('media'), 1);
  });

  test('a body that stalls once is abandoned by the inactivity timer and retried', async () => {
    const source = makeSource(fake);
    const o = await obj(source, 'itemMatrix');
    fake.fault({ type: 'stall' });
    const t0 = Date.now();
    assert.ok((await source.read(o)).equals(payload(o.name.replace(/^models\//, ''))));
    assert.equal(fake.count('media'), 2);
    assert.ok(Date.now() - t0 < 2000);
  });

  test('a body that always stalls: a typed error within the bound, not a hang', async () => {
    const source = makeSource(fake);
    const o = await obj(source, 'itemMatrix');
    fake.fault({ type: 'stall', times: Infinity });
    const t0 = Date.now();
    await assert.rejects(
      source.read(o),
      (e) => isModelError('RECSCORE_MODEL_SOURCE', /item_matrix/)(e) && /no data for 250 ms/.test((e as Error).message),
    );
    assert.ok(Date.now() - t0 < 3 * FAST.idleTimeoutMs + 1000);
  });

  test('the overall deadline holds even when the idle timer is generous', async () => {
    const source = makeSource(fake, 'models', { idleTimeoutMs: 10_000, deadlineMs: 300, attempts: 1 });
    const o = await obj(source, 'itemMatrix');
    fake.fault({ type: 'stall' });
    const t0 = Date.now();
    await assert.rejects(
      source.read(o),
      (e) => isModelError('RECSCORE_MODEL_SOURCE')(e) && /not complete within 300 ms/.test((e as Error).message),
    );
    assert.ok(Date.now() - t0 < 1500);
  });

  test('response headers that never come are bounded too', async () => {
    const source = makeSource(fake, 'models', { attempts: 2 });
    const o = await obj(source);
    fake.fault({ type: 'delay', ms: 5000, times: 2 });
    const t0 = Date.now();
    await assert.rejects(source.read(o), isModelError('RECSCORE_MODEL_SOURCE'));
    assert.ok(Date.now() - t0 < 2000);
  });

  test('a connection reset midway is retried', async () => {
    const source = makeSource(fake);
    const o = await obj(source, 'itemMatrix');
    fake.fault({ type: 'reset' });
    assert.ok((await source.read(o)).equals(payload(o.name.replace(/^models\//, ''))));
    assert.equal(fake.count('media'), 2);
  });

  test('resets every time: a typed error after bounded attempts', async () => {
    const source = makeSource(fake);
    const o = await obj(source, 'itemMatrix');
    fake.fault({ type: 'reset', times: Infinity });
    await assert.rejects(source.read(o), isModelError('RECSCORE_MODEL_SOURCE', /item_matrix/));
    assert.equal(fake.count('media'), FAST.attempts);
  });

  test('corrupted bytes are rejected by the hash check (and a retry gets good bytes)', async () => {
    const source = makeSource(fake);
    const o = await obj(source);
    fake.fault({ type: 'corrupt' });
    assert.ok((await source.read(o)).equals(payload(localeName)));
    fake.fault({ type: 'corrupt', times: Infinity });
    await assert.rejects(
      source.read(o),
      (e) => isModelError('RECSCORE_MODEL_SOURCE')(e) && /md5 mismatch/.test((e as Error).message),
    );
  });

  test('an x-goog-hash that disagrees with the bytes is rejected', async () => {
    const source = makeSource(fake, 'models', { attempts: 1 });
    const o = await obj(source);
    fake.fault({ type: 'bad-hash' });
    await assert.rejects(
      source.read(o),
      (e) => isModelError('RECSCORE_MODEL_SOURCE')(e) && /mismatch/.test((e as Error).message),
    );
  });

  test('CRC32C alone is verified when the listing has no md5 (composite objects)', async () => {
    const source = makeSource(fake, 'models', { attempts: 1 });
    const o = await obj(source);
    const crcOnly = { ...o, hashes: { crc32c: o.hashes!.crc32c } };
    assert.ok((await source.read(crcOnly)).equals(payload(localeName)));
    fake.fault({ type: 'corrupt' });
    await assert.rejects(source.read(crcOnly), (e) => /crc32c mismatch/.test((e as Error).message));
  });

  test('aborting a stalled read rejects at once with the abort reason', async () => {
    const source = makeSource(fake, 'models', { idleTimeoutMs: 10_000 });
    const o = await obj(source, 'itemMatrix');
    fake.fault({ type: 'stall' });
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 100);
    const t0 = Date.now();
    await assert.rejects(source.read(o, { signal: ac.signal }), { name: 'AbortError' });
    assert.ok(Date.now() - t0 < 1000);
    assert.equal(fake.count('media'), 1);
  });

  /** Drains a stream, counting the bytes delivered before it ends or fails. */
  const drain = async (s: NodeJS.ReadableStream, seen: { bytes: number }) => {
    for await (const c of s) seen.bytes += (c as Buffer).length;
  };

  test(
    'readStream: a body that stalls after the first bytes errors within the idle bound, without a ' + 'retry',
    async () => {
      const source = makeSource(fake);
      const o = await obj(source, 'itemMatrix');
      fake.fault({ type: 'stall' });
      const seen = { bytes: 0 };
      const t0 = Date.now();
      await assert.rejects(
        drain(source.readStream(o), seen),
        (e) =>
          isModelError('RECSCORE_MODEL_SOURCE', /item_matrix/)(e) && /no data for 250 ms/.test((e as Error).message),
      );
      assert.ok(Date.now() - t0 < FAST.idleTimeoutMs + 1000);
      assert.ok(seen.bytes > 0 && seen.bytes < o.size, `half the body was delivered (${seen.bytes})`);
      assert.equal(fake.count('media'), 1);
    },
  );

  test('readStream: the overall deadline holds for a stalled stream', async () => {
    const source = makeSource(fake, 'models', { idleTimeoutMs: 10_000, deadlineMs: 300 });
    const o = await obj(source, 'itemMatrix');
    fake.fault({ type: 'stall' });
    const t0 = Date.now();
    await assert.rejects(
      drain(source.readStream(o), { bytes: 0 }),
      (e) => isModelError('RECSCORE_MODEL_SOURCE')(e) && /not complete within 300 ms/.test((e as Error).message),
    );
    assert.ok(Date.now() - t0 < 1500);
  });

  test('readStream: a bad hash errors at the end, after every byte was delivered', async () => {
    const source = makeSource(fake);
    const o = await obj(source);
    fake.fault({ type: 'corrupt', times: Infinity });
    const seen = { bytes: 0 };
    await assert.rejects(
      drain(source.readStream(o), seen),
      (e) => isModelError('RECSCORE_MODEL_SOURCE')(e) && /md5 mismatch/.test((e as Error).message),
    );
    assert.equal(seen.bytes, o.size);
    assert.equal(fake.count('media'), 1);
  });

  test('readStream: failures before the first byte are retried', async () => {
    const source = makeSource(fake);
    const o = await obj(source);
    fake.fault({ type: 'delay', ms: 5000 });
    const chunks: Buffer[] = [];
    for await (const c of source.readStream(o)) chunks.push(c as Buffer);
    assert.ok(Buffer.concat(chunks).equals(payload(localeName)));
    assert.equal(fake.count('media'), 2);
  });

  test('a missing bucket is a source failure, not a missing file', async () => {
    const source = new GcsModelSource(layoutFromUrl('gs://no-such-bucket', MODEL_FILE_KINDS), {
      apiEndpoint: fake.endpoint,
      logger,
      ...FAST,
    });
    await assert.rejects(
      source.check(),
      (e) =>
        isModelError('RECSCORE_MODEL_SOURCE', /^gs:\/\/no-such-bucket/)(e) &&
        /bucket not found/.test((e as Error).message),
    );
    assert.equal(fake.count('list'), 1, '404 is not retried');
  });

  test('large downloads log progress lines', async () => {
    const source = makeSource(fake, 'models', { progressLogBytes: 1_000_000, progressLogIntervalMs: 1 });
    const o = await obj(source, 'itemMatrix');
    logLines.length = 0;
    await source.read(o);
    const msgs = logLines.map((l) => JSON.parse(l) as { msg: string; level: string });
    assert.ok(msgs.some((m) => m.msg === 'model download started' && m.level === 'info'));
    assert.ok(msgs.some((m) => m.msg === 'model download finished' && m.level === 'info'));
  });
});
