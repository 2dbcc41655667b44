/**
 * The embedded training queue across a graceful restart: a replica shut down during training releases its
 * job (the record goes back to Created, owner none), and the next replica on the registry trains it to
 * Completed at once instead of waiting for the heartbeat to go stale.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Hono } from 'hono';
import { silentLogger } from '../../src/log.js';
import { openControlPlane } from '../../src/server/control-plane.js';
import type { AppEnv } from '../../src/server/env.js';
import { createOnError } from '../../src/server/on-error.js';
import { REPO_ROOT } from '../helpers/vectors.js';

const KEY = 'training-queue-admin-key';

describe('embedded training queue', () => {
  const root = mkdtempSync(join(tmpdir(), 'recscore-queue-'));
  const data = join(root, 'data');
  mkdirSync(data);
  copyFileSync(join(REPO_ROOT, 'test/fixtures/sar/data/train.jsonl.gz'), join(data, 'train.jsonl.gz'));
  after(() => rmSync(root, { recursive: true, force: true }));

  async function plane() {
    const app = new Hono<AppEnv>();
    app.onError(createOnError(silentLogger));
    const control = await openControlPlane(app, {
      dataDir: data,
      pollMs: 0,
      adminKeys: [KEY],
      concurrency: 1,
      capacity: 4,
      maxBadLines: 100,
      log: silentLogger,
      bodyLimitBytes: 65_536,
    });
    const call = async (method: string, path: string, body?: unknown) => {
      const res = await app.request(path, {
        method,
        headers: { 'x-api-key': KEY, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: res.status, json: JSON.parse(await res.text()) };
    };
    return { control, call };
  }

  it('a job stopped by a graceful shutdown is released and finished by the next replica', async () => {
    const a = await plane();
    const { json: created } = await a.call('POST', '/api/models', { usage: 'train.jsonl.gz', supportThreshold: 1 });
    // Closed before the job can finish: waiting or just started.
    await a.control.close();
    const released = a.control.store.get(created.id)!;
    assert.equal(released.modelStatus, 'Created');
    assert.equal(released.job?.owner, '');
    const b = await plane();
    try {
      let r = b.control.store.get(created.id)!;
      for (let i = 0; i < 600 && r.modelStatus !== 'Completed' && r.modelStatus !== 'Failed'; i++) {
        await new Promise((res) => setTimeout(res, 100));
        r = (await b.call('GET', `/api/models/${created.id}`)).json;
      }
      assert.equal(r.modelStatus, 'Completed', r.modelStatusMessage);
    } finally {
      await b.control.close();
    }
  });
});
