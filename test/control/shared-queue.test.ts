/**
 * The Redis (BullMQ) training queue shared by two replicas (two control planes in process, one registry
 * folder, Redis at 127.0.0.1:6379 under this test's own prefix, removed at the end): a model created on one
 * replica is trained by one of them and seen Completed by both; the queue bound counts jobs across
 * replicas (429); deleting a model during training stops it and leaves no artifact.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Hono } from 'hono';
import { Redis } from 'ioredis';
import { silentLogger } from '../../src/log.js';
import type { SharedTrainingQueue } from '../../src/control/shared-queue.js';
import { openControlPlane, type ControlPlane } from '../../src/server/control-plane.js';
import type { AppEnv } from '../../src/server/env.js';
import { createOnError } from '../../src/server/on-error.js';
import { REPO_ROOT } from '../helpers/vectors.js';

const KEY = 'shared-queue-admin-key';
const REDIS = 'redis://127.0.0.1:6379';
const PREFIX = `recscore-test:jobs:${process.pid}:${Date.now()}`;

async function redisUp(): Promise<boolean> {
  const c = new Redis(REDIS, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    connectTimeout: 500,
    retryStrategy: () => null,
  });
  try {
    await c.connect();
    return (await c.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    c.disconnect();
  }
}

describe('BullMQ training queue shared by two replicas', { timeout: 180_000 }, async () => {
  const up = await redisUp();
  let root: string;
  let data: string;
  const planes: Array<{ app: Hono<AppEnv>; control: ControlPlane }> = [];

  before(async () => {
    if (!up) return;
    root = mkdtempSync(join(tmpdir(), 'recscore-shared-queue-'));
    data = join(root, 'data');
    mkdirSync(data);
    copyFileSync(join(REPO_ROOT, 'test/fixtures/sar/data/train.jsonl.gz'), join(data, 'train.jsonl.gz'));
    for (let i = 0; i < 2; i++) {
      const app = new Hono<AppEnv>();
      app.onError(createOnError(silentLogger));
      const control = await openControlPlane(app, {
        dataDir: data,
        pollMs: 200,
        adminKeys: [KEY],
        concurrency: 1,
        capacity: 1,
        maxBadLines: 100,
        queueUrl: REDIS,
        queuePrefix: PREFIX,
        log: silentLogger,
        bodyLimitBytes: 65_536,
      });
      planes.push({ app, control });
    }
  });
  after(async () => {
    if (!up) return;
    await (planes[0].control.queue as SharedTrainingQueue).obliterate();
    await Promise.all(planes.map((p) => p.control.close()));
    rmSync(root, { recursive: true, force: true });
  });

  const call = async (i: number, method: string, path: string, body?: unknown) => {
    const res = await planes[i].app.request(path, {
      method,
      headers: { 'x-api-key': KEY, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, json: JSON.parse(await res.text()) };
  };
  const waitFor = async (what: string, f: () => Promise<boolean>) => {
    for (let i = 0; i < 1200; i++) {
      if (await f()) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`timed out: ${what}`);
  };

  it('trains a model created on one replica; both see it Completed; the bound is shared (429)', {
    skip: !up && 'no Redis on 127.0.0.1:6379',
  }, async () => {
    const created = await call(0, 'POST', '/api/models', { usage: 'train.jsonl.gz', supportThreshold: 1 });
    assert.equal(created.status, 201);
    const full = await call(1, 'POST', '/api/models', { usage: 'train.jsonl.gz' });
    assert.equal(full.status, 429, 'the other replica counts the job in Redis');
    assert.equal(full.json.error.code, 'RECSCORE_TRAINING_QUEUE_FULL');
    for (const i of [0, 1]) {
      await waitFor(
        'Completed on both',
        async () => (await call(i, 'GET', `/api/models/${created.json.id}`)).json.modelStatus === 'Completed',
      );
    }
    const done = (await call(1, 'GET', `/api/models/${created.json.id}`)).json;
    assert.equal(done.statistics.numberOfUsageEvents, 8932);
    assert.ok(existsSync(done.artifact));
  });

  it('deleting a model during training stops it and leaves no artifact', {
    skip: !up && 'no Redis on 127.0.0.1:6379',
  }, async () => {
    await waitFor(
      'room in the queue',
      async () => (await call(0, 'POST', '/api/models', { usage: 'train.jsonl.gz' })).status !== 429 || false,
    );
    const list = (await call(0, 'GET', '/api/models')).json as Array<{ id: string; modelStatus: string }>;
    const victim = list.find((r) => r.modelStatus !== 'Completed')!;
    assert.ok(victim, 'a model in training');
    assert.equal((await call(1, 'DELETE', `/api/models/${victim.id}`)).status, 202);
    await new Promise((r) => setTimeout(r, 3_000));
    for (const i of [0, 1]) assert.equal((await call(i, 'GET', `/api/models/${victim.id}`)).status, 404);
    const artifacts = readdirSync(join(data, 'registry/artifacts'));
    assert.ok(!artifacts.some((f) => f.startsWith(victim.id)), artifacts.join(','));
  });
});
