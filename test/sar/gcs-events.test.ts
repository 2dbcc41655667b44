/**
 * `sar train --events gs://…`: the usage log read from GCS through the real @google-cloud/storage client
 * against the in-process fake on loopback, trained into the same model as from the local file.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { after, before, test } from 'node:test';
import { isRecscoreError } from '../../src/errors.js';
import { createLogger } from '../../src/log.js';
import { packModel } from '../../src/model/kinds/sar/pack/pack.js';
import { readModelFile } from '../../src/model/kinds/sar/pack/unpack.js';
import { trainFromPath } from '../../src/model/kinds/sar/train/train.js';
import type { SarParams } from '../../src/model/kinds/sar/types.js';
import { FakeGcs } from '../helpers/fake-gcs.js';
import { readVectorText, REPO_ROOT, vectorPath } from './vectors.js';

const BUCKET = 'sar-logs';
const PARAMS: Partial<SarParams> = { similarity: 'jaccard', threshold: 1, decayHalfLifeDays: 30 };
const FAST = { attempts: 3, backoffBaseMs: 5, backoffMaxMs: 20, requestTimeoutMs: 1000, idleTimeoutMs: 250 };
const logger = createLogger({}, () => {});
const CLI = join(REPO_ROOT, 'dist/src/cli/index.js');
const dir = mkdtempSync(join(tmpdir(), 'sar-gcs-'));

let fake: FakeGcs;
let parts: Buffer[];
before(async () => {
  fake = await FakeGcs.start();
  const lines = readVectorText('data/train.jsonl').split('\n');
  const half = lines.length >> 1;
  parts = [Buffer.from(`${lines.slice(0, half).join('\n')}\n`), gzipSync(lines.slice(half).join('\n'))];
  fake.put(BUCKET, 'logs/part-0.jsonl', parts[0]);
  fake.put(BUCKET, 'logs/part-1.jsonl.gz', parts[1]);
  fake.put(BUCKET, 'logs/.staging/partial.jsonl', '{"user":"zz","item":"zz","timestamp":1}\n'); // skipped
  fake.put(BUCKET, 'logs-other/part-0.jsonl', 'not an event\n'); // shares the prefix text, not the folder
  fake.put(BUCKET, 'bad/part-0.jsonl', `${lines.slice(0, 3).join('\n')}\n{"user":"u1",\n`);
  fake.createBucket('empty-bucket');
  fake.put(BUCKET, 'corrupt/part-0.jsonl.gz', Buffer.concat([gzipSync('{"user":"u"}\n').subarray(0, 12), parts[0]]));
});
after(async () => {
  await fake.close();
  rmSync(dir, { recursive: true, force: true });
});

const fromGcs = (url: string, onBytes?: (read: number, total: number) => void) =>
  trainFromPath(url, PARAMS, { gcs: { apiEndpoint: fake.endpoint, logger, ...FAST }, onBytes });

test('a gs:// prefix of two objects (one gzipped) trains the same model as the local file', async () => {
  const local = await trainFromPath(vectorPath('data/train.jsonl'), PARAMS);
  const progress: Array<[number, number]> = [];
  const remote = await fromGcs(`gs://${BUCKET}/logs/`, (r, t) => progress.push([r, t]));
  assert.equal(remote.report.files, 2, 'the dot-folder and the sibling prefix are not read');
  assert.equal(remote.report.successfulLines, local.report.successfulLines);
  assert.deepEqual(remote.report.errors, {});
  assert.deepEqual(remote.model.stats, local.model.stats);
  assert.deepEqual(Buffer.from(packModel(remote.model)), Buffer.from(packModel(local.model)));
  const total = parts[0].length + parts[1].length;
  assert.deepEqual(progress.at(-1), [total, total], 'progress counts stored (compressed) bytes of every object');
});

test('one object by its full name; the report names the object and line of a bad line', async () => {
  const one = await fromGcs(`gs://${BUCKET}/logs/part-1.jsonl.gz`);
  assert.equal(one.report.files, 1);
  const bad = await fromGcs(`gs://${BUCKET}/bad`);
  assert.equal(bad.report.successfulLines, 3);
  assert.deepEqual(bad.report.errors.MalformedLine, {
    count: 1,
    sample: { file: `gs://${BUCKET}/bad/part-0.jsonl`, line: 4 },
  });
});

test('a 503 on the listing and on a download is retried, then training succeeds', async () => {
  const [lists, media] = [fake.count('list'), fake.count('media')];
  fake.fault({ type: 'status', status: 503, on: 'list' });
  fake.fault({ type: 'status', status: 503, name: 'logs/part-1.jsonl.gz' });
  const local = await trainFromPath(vectorPath('data/train.jsonl'), PARAMS);
  const remote = await fromGcs(`gs://${BUCKET}/logs`);
  assert.deepEqual(Buffer.from(packModel(remote.model)), Buffer.from(packModel(local.model)));
  assert.equal(fake.count('list') - lists, 2);
  assert.equal(fake.count('media') - media, 3);
});

test('a download that keeps failing is a typed input error naming the object', async () => {
  fake.fault({ type: 'status', status: 503, name: 'logs/part-0.jsonl', times: FAST.attempts });
  await assert.rejects(fromGcs(`gs://${BUCKET}/logs`), (e: unknown) => {
    assert.ok(isRecscoreError(e) && e.code === 'RECSCORE_SAR_INPUT', String(e));
    assert.match(e.message, /^cannot read gs:\/\/sar-logs\/logs\/part-0\.jsonl: HTTP 503.* after 3 attempts$/);
    return true;
  });
});

test('a missing bucket, an empty prefix or a malformed URL is a clear error', async () => {
  const rejects = (url: string, re: RegExp) =>
    assert.rejects(fromGcs(url), (e: unknown) => isRecscoreError(e) && re.test(e.message));
  await rejects('gs://no-such-bucket/logs', /cannot list gs:\/\/no-such-bucket\/logs: bucket no-such-bucket not found/);
  await rejects(`gs://${BUCKET}/nothing-here`, /no objects under gs:\/\/sar-logs\/nothing-here/);
  await rejects('gs://empty-bucket', /no objects under gs:\/\/empty-bucket/);
  await rejects('gs://B!/x', /expected gs:\/\/<bucket>/);
});

function cli(...args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  // Asynchronous: the fake answers from this process, so a synchronous child would deadlock.
  const child = spawn(process.execPath, [CLI, 'sar', ...args], {
    env: { ...process.env, RECSCORE_GCS_ENDPOINT: fake.endpoint },
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, out, err })));
}

test('recscore sar train --events gs://… (RECSCORE_GCS_ENDPOINT) writes the local model; errors exit 1', async () => {
  const viaGcs = join(dir, 'gcs.sarm');
  const viaFile = join(dir, 'file.sarm');
  const r = await cli('train', '--events', `gs://${BUCKET}/logs`, '--out', viaGcs, '--decay-half-life', '30');
  assert.equal(r.code, 0, r.err);
  assert.equal(JSON.parse(r.out).report.files, 2);
  const l = await cli('train', '--events', vectorPath('data/train.jsonl'), '--out', viaFile, '--decay-half-life', '30');
  assert.equal(l.code, 0, l.err);
  // The files differ only in the parse report they embed (two objects vs one file): compare the models.
  const [a, b] = [readModelFile(viaGcs).model, readModelFile(viaFile).model];
  assert.deepEqual(Buffer.from(packModel(a)), Buffer.from(packModel(b)));
  const missing = await cli('train', '--events', 'gs://no-such-bucket/logs', '--out', join(dir, 'x.sarm'));
  assert.equal(missing.code, 1);
  assert.match(missing.err, /error RECSCORE_SAR_INPUT: cannot list gs:\/\/no-such-bucket\/logs: bucket .* not found/);
});

test('corrupt gzip in an object: exit 1 at once, the download ended (its timers do not hold the process)', async () => {
  const started = Date.now();
  const r = await cli('train', '--events', `gs://${BUCKET}/corrupt`, '--out', join(dir, 'y.sarm'));
  assert.equal(r.code, 1);
  assert.match(r.err, /error RECSCORE_SAR_INPUT: gs:\/\/sar-logs\/corrupt\/part-0\.jsonl\.gz: corrupt gzip data/);
  assert.ok(Date.now() - started < 25_000, 'not held open until the 30 s idle timer');
});

test('a bzip2-compressed Product Recommendations CSV object is read as the file would be', async (t) => {
  const csv = 'userId,itemId,time,eventType\nu1,i1,2015/08/04T11:02:52,Purchase\nu2,i1,1438687372\nu2,i2,x\n';
  const bz = spawnSync('bzip2', ['-c'], { input: csv });
  if (bz.status !== 0) return t.skip('bzip2 tool absent');
  fake.put(BUCKET, 'csv/events.csv.bz2', bz.stdout);
  const path = join(dir, 'events.csv.bz2');
  writeFileSync(path, bz.stdout);
  const [remote, local] = [await fromGcs(`gs://${BUCKET}/csv`), await trainFromPath(path, PARAMS)];
  assert.equal(remote.report.successfulLines, 2);
  assert.deepEqual(remote.report.errors.BadTimestampFormat?.sample, {
    file: `gs://${BUCKET}/csv/events.csv.bz2`,
    line: 4,
  });
  assert.deepEqual(Buffer.from(packModel(remote.model)), Buffer.from(packModel(local.model)));
});
