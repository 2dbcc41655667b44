/**
 * `/api/models` in process (app.request) over a registry in a temporary folder: the bad-input table
 * (keys, bodies, ids, counts, paths), each row asserting status and code, plus the shapes of the good
 * answers (201 + Location, case-insensitive enumerations, 429 on a full queue, 409 default of an
 * untrained model).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Hono } from 'hono';
import { silentLogger } from '../../src/log.js';
import { openControlPlane, type ControlPlane } from '../../src/server/control-plane.js';
import type { AppEnv } from '../../src/server/env.js';
import { createOnError, notFound } from '../../src/server/on-error.js';
import { publicRecordSchema } from '../../src/server/routes/api-models-doc.js';
import { REPO_ROOT } from '../helpers/vectors.js';

const ADMIN = 'admin-key-0123456789';
const RECOMMEND = 'recommend-key-0123456789';
const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';

let root: string;
let app: Hono<AppEnv>;
let control: ControlPlane;

before(async () => {
  root = mkdtempSync(join(tmpdir(), 'recscore-api-'));
  const data = join(root, 'data');
  mkdirSync(data);
  copyFileSync(join(REPO_ROOT, 'test/fixtures/sar/data/train.jsonl.gz'), join(data, 'train.jsonl.gz'));
  writeFileSync(join(root, 'outside.jsonl'), '{"user":"u","item":"i"}\n');
  symlinkSync(join(root, 'outside.jsonl'), join(data, 'link.jsonl'));
  app = new Hono<AppEnv>();
  app.notFound(notFound);
  app.onError(createOnError(silentLogger));
  control = await openControlPlane(app, {
    dataDir: data,
    pollMs: 0,
    adminKeys: [ADMIN],
    recommendKeys: [RECOMMEND],
    concurrency: 1,
    capacity: 1,
    maxBadLines: 100,
    log: silentLogger,
    bodyLimitBytes: 4096,
  });
});
after(async () => {
  await control.close();
  rmSync(root, { recursive: true, force: true });
});

async function call(method: string, path: string, opts: { key?: string | null; body?: unknown; type?: string } = {}) {
  const headers: Record<string, string> = {};
  const key = opts.key === undefined ? ADMIN : opts.key;
  if (key !== null) headers['x-api-key'] = key;
  let body: string | undefined;
  if (opts.body !== undefined) {
    body = typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
    headers['content-type'] = opts.type ?? 'application/json';
  }
  const res = await app.request(path, { method, headers, body });
  const text = await res.text();
  return { status: res.status, headers: res.headers, json: text ? JSON.parse(text) : undefined };
}

const ok = { usage: 'train.jsonl.gz' };
type Row = [name: string, method: string, path: string, opts: Parameters<typeof call>[2], status: number, code: string];

const TABLE: Row[] = [
  // keys
  ['POST without a key', 'POST', '/api/models', { key: null, body: ok }, 401, 'RECSCORE_UNAUTHORIZED'],
  [
    'POST with an unknown key',
    'POST',
    '/api/models',
    { key: 'nope-nope-nope-nope', body: ok },
    401,
    'RECSCORE_UNAUTHORIZED',
  ],
  ['POST with an empty key', 'POST', '/api/models', { key: '', body: ok }, 401, 'RECSCORE_UNAUTHORIZED'],
  ['POST with a recommend key', 'POST', '/api/models', { key: RECOMMEND, body: ok }, 403, 'RECSCORE_FORBIDDEN'],
  ['list with a recommend key', 'GET', '/api/models', { key: RECOMMEND }, 403, 'RECSCORE_FORBIDDEN'],
  ['list without a key', 'GET', '/api/models', { key: null }, 401, 'RECSCORE_UNAUTHORIZED'],
  ['DELETE without a key', 'DELETE', `/api/models/${UNKNOWN_ID}`, { key: null }, 401, 'RECSCORE_UNAUTHORIZED'],
  [
    'PUT default with a recommend key',
    'PUT',
    `/api/models/default?modelId=${UNKNOWN_ID}`,
    { key: RECOMMEND },
    403,
    'RECSCORE_FORBIDDEN',
  ],
  ['GET default with a recommend key', 'GET', '/api/models/default', { key: RECOMMEND }, 403, 'RECSCORE_FORBIDDEN'],
  // bodies
  ['body not JSON', 'POST', '/api/models', { body: '{usage:' }, 400, 'RECSCORE_BAD_JSON'],
  ['body an array', 'POST', '/api/models', { body: [ok] }, 400, 'RECSCORE_BAD_MODEL_FIELD'],
  ['body a string', 'POST', '/api/models', { body: '"x"' }, 400, 'RECSCORE_BAD_MODEL_FIELD'],
  ['body empty', 'POST', '/api/models', {}, 400, 'RECSCORE_BAD_MODEL_FIELD'],
  ['usage missing', 'POST', '/api/models', { body: { description: 'x' } }, 400, 'RECSCORE_BAD_MODEL_FIELD'],
  ['usage a number', 'POST', '/api/models', { body: { usage: 5 } }, 400, 'RECSCORE_BAD_MODEL_FIELD'],
  ['usage empty', 'POST', '/api/models', { body: { usage: '' } }, 400, 'RECSCORE_BAD_MODEL_FIELD'],
  [
    'description of 257 characters',
    'POST',
    '/api/models',
    { body: { ...ok, description: 'd'.repeat(257) } },
    400,
    'RECSCORE_BAD_MODEL_FIELD',
  ],
  ['description a number', 'POST', '/api/models', { body: { ...ok, description: 1 } }, 400, 'RECSCORE_BAD_MODEL_FIELD'],
  [
    'unknown similarity',
    'POST',
    '/api/models',
    { body: { ...ok, similarityFunction: 'Pearson' } },
    400,
    'RECSCORE_BAD_MODEL_FIELD',
  ],
  [
    'similarity not a string',
    'POST',
    '/api/models',
    { body: { ...ok, similarityFunction: 3 } },
    400,
    'RECSCORE_BAD_MODEL_FIELD',
  ],
  [
    'supportThreshold 0',
    'POST',
    '/api/models',
    { body: { ...ok, supportThreshold: 0 } },
    400,
    'RECSCORE_BAD_MODEL_FIELD',
  ],
  [
    'supportThreshold 1.5',
    'POST',
    '/api/models',
    { body: { ...ok, supportThreshold: 1.5 } },
    400,
    'RECSCORE_BAD_MODEL_FIELD',
  ],
  [
    'supportThreshold as text',
    'POST',
    '/api/models',
    { body: { ...ok, supportThreshold: '6' } },
    400,
    'RECSCORE_BAD_MODEL_FIELD',
  ],
  [
    'supportThreshold too large',
    'POST',
    '/api/models',
    { body: { ...ok, supportThreshold: 1e9 } },
    400,
    'RECSCORE_BAD_MODEL_FIELD',
  ],
  [
    'unknown cooccurrenceUnit',
    'POST',
    '/api/models',
    { body: { ...ok, cooccurrenceUnit: 'basket' } },
    400,
    'RECSCORE_BAD_MODEL_FIELD',
  ],
  [
    'enableUserAffinity as text',
    'POST',
    '/api/models',
    { body: { ...ok, enableUserAffinity: 'yes' } },
    400,
    'RECSCORE_BAD_MODEL_FIELD',
  ],
  [
    'decayPeriodInDays negative',
    'POST',
    '/api/models',
    { body: { ...ok, decayPeriodInDays: -1 } },
    400,
    'RECSCORE_BAD_MODEL_FIELD',
  ],
  [
    'decayPeriodInDays 0',
    'POST',
    '/api/models',
    { body: { ...ok, decayPeriodInDays: 0 } },
    400,
    'RECSCORE_BAD_MODEL_FIELD',
  ],
  [
    'enableBackfilling 1',
    'POST',
    '/api/models',
    { body: { ...ok, enableBackfilling: 1 } },
    400,
    'RECSCORE_BAD_MODEL_FIELD',
  ],
  [
    'allowSeedItems null',
    'POST',
    '/api/models',
    { body: { ...ok, allowSeedItemsInRecommendations: null } },
    400,
    'RECSCORE_BAD_MODEL_FIELD',
  ],
  [
    'body as text/html',
    'POST',
    '/api/models',
    { body: JSON.stringify(ok), type: 'text/html' },
    415,
    'RECSCORE_UNSUPPORTED_MEDIA_TYPE',
  ],
  [
    'body over the limit',
    'POST',
    '/api/models',
    { body: { ...ok, pad: 'x'.repeat(5000) } },
    413,
    'RECSCORE_BODY_TOO_LARGE',
  ],
  // paths
  [
    'usage above the data folder',
    'POST',
    '/api/models',
    { body: { usage: '../outside.jsonl' } },
    400,
    'RECSCORE_BAD_USAGE_PATH',
  ],
  [
    'usage an absolute path outside',
    'POST',
    '/api/models',
    { body: { usage: '/etc/passwd' } },
    400,
    'RECSCORE_BAD_USAGE_PATH',
  ],
  [
    'usage a link leading outside',
    'POST',
    '/api/models',
    { body: { usage: 'link.jsonl' } },
    400,
    'RECSCORE_BAD_USAGE_PATH',
  ],
  [
    'usage missing from the folder',
    'POST',
    '/api/models',
    { body: { usage: 'missing.jsonl' } },
    400,
    'RECSCORE_BAD_USAGE_PATH',
  ],
  [
    'usage an http URL',
    'POST',
    '/api/models',
    { body: { usage: 'http://example.com/u.csv' } },
    400,
    'RECSCORE_BAD_USAGE_PATH',
  ],
  ['usage a malformed gs:// URL', 'POST', '/api/models', { body: { usage: 'gs://' } }, 400, 'RECSCORE_BAD_USAGE_PATH'],
  [
    'evaluationUsage outside',
    'POST',
    '/api/models',
    { body: { ...ok, evaluationUsage: '../outside.jsonl' } },
    400,
    'RECSCORE_BAD_USAGE_PATH',
  ],
  // ids
  ['GET an id that is not a UUID', 'GET', '/api/models/abc', {}, 400, 'RECSCORE_BAD_MODEL_ID'],
  ['GET an unknown id', 'GET', `/api/models/${UNKNOWN_ID}`, {}, 404, 'RECSCORE_MODEL_NOT_FOUND'],
  ['DELETE an id that is not a UUID', 'DELETE', '/api/models/1234', {}, 400, 'RECSCORE_BAD_MODEL_ID'],
  ['DELETE an unknown id', 'DELETE', `/api/models/${UNKNOWN_ID}`, {}, 404, 'RECSCORE_MODEL_NOT_FOUND'],
  ['PUT default without modelId', 'PUT', '/api/models/default', {}, 400, 'RECSCORE_BAD_MODEL_ID'],
  ['PUT default with a bad modelId', 'PUT', '/api/models/default?modelId=xyz', {}, 400, 'RECSCORE_BAD_MODEL_ID'],
  [
    'PUT default of an unknown model',
    'PUT',
    `/api/models/default?modelId=${UNKNOWN_ID}`,
    {},
    404,
    'RECSCORE_MODEL_NOT_FOUND',
  ],
  ['GET default when none is set', 'GET', '/api/models/default', {}, 404, 'RECSCORE_NO_DEFAULT_MODEL'],
];

describe('bad-input table', () => {
  it(`has at least 30 rows (${TABLE.length})`, () => assert.ok(TABLE.length >= 30));
  for (const [name, method, path, opts, status, code] of TABLE) {
    it(`${name} → ${status} ${code}`, async () => {
      const r = await call(method, path, opts);
      assert.equal(r.status, status, JSON.stringify(r.json));
      assert.equal(r.json?.error?.code, code);
      assert.equal(typeof r.json.error.message, 'string');
    });
  }
  it('field errors name the field', async () => {
    const r = await call('POST', '/api/models', { body: { ...ok, supportThreshold: 0 } });
    assert.match(r.json.error.message, /^supportThreshold: /);
    const u = await call('POST', '/api/models', { body: {} });
    assert.match(u.json.error.message, /^usage: is required/);
  });
  it('nothing was created by the rejected requests', async () => {
    assert.deepEqual((await call('GET', '/api/models')).json, []);
  });
});

describe('good requests', () => {
  it('201, Location, the Created record; capitalised enumerations; 409 and 429 while it trains', async () => {
    const body = {
      ...ok,
      description: 'first',
      similarityFunction: 'JACCARD',
      cooccurrenceUnit: 'Timestamp',
      supportThreshold: 2,
    };
    const r = await call('POST', '/api/models', { body });
    assert.equal(r.status, 201);
    assert.equal(r.headers.get('location'), `/api/models/${r.json.id}`);
    assert.equal(r.json.modelStatus, 'Created');
    assert.equal(r.json.parameters.similarityFunction, 'jaccard');
    assert.equal(r.json.parameters.cooccurrenceUnit, 'timestamp');
    assert.equal(r.json.job, undefined, 'job bookkeeping stays internal');
    publicRecordSchema.parse(r.json); // the answer is what the API document says (strict: no field more)
    const busy = await call('POST', '/api/models', { body: ok });
    assert.equal(busy.status, 429);
    assert.equal(busy.json.error.code, 'RECSCORE_TRAINING_QUEUE_FULL');
    const early = await call('PUT', `/api/models/default?modelId=${r.json.id}`);
    assert.equal(early.status, 409);
    assert.equal(early.json.error.code, 'RECSCORE_MODEL_NOT_COMPLETED');
    // Upper-case ids are the same model.
    assert.equal((await call('GET', `/api/models/${r.json.id.toUpperCase()}`)).json.id, r.json.id);
    let rec = r.json;
    for (let i = 0; i < 600 && (rec.modelStatus === 'Created' || rec.modelStatus === 'InProgress'); i++) {
      await new Promise((res) => setTimeout(res, 100));
      rec = (await call('GET', `/api/models/${r.json.id}`)).json;
    }
    assert.equal(rec.modelStatus, 'Completed', rec.modelStatusMessage);
    assert.equal(rec.statistics.numberOfUsageEvents, 8932);
    publicRecordSchema.parse(rec);
    assert.equal((await call('PUT', `/api/models/default?modelId=${rec.id}`)).status, 200);
    assert.equal((await call('GET', '/api/models/default')).json.id, rec.id);
    const del = await call('DELETE', `/api/models/${rec.id}`);
    assert.equal(del.status, 202);
    assert.equal((await call('GET', '/api/models/default')).status, 404);
    assert.equal((await call('GET', `/api/models/${rec.id}`)).status, 404);
  });
});
