/**
 * The server on a GCS model source, end to end through the real @google-cloud/storage client against
 * the loopback fake: it starts from the bucket, swaps when a new generation is published, and keeps
 * serving the old version while the bucket answers 503s or a download stalls.
 */
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Agent, request } from 'undici';
import { silentLogger } from '../../src/log.js';
import { startServer, type Recscore } from '../../src/server/start.js';
import { FakeGcs } from '../helpers/fake-gcs.js';
import { haveVectors, VECTOR_MODELS, VECTORS } from '../helpers/vectors.js';

async function files(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await files(p)));
    else out.push(p);
  }
  return out;
}

describe('serving from Google Cloud Storage', { skip: !haveVectors && 'vectors not found', timeout: 90_000 }, () => {
  let gcs: FakeGcs;
  let server: Recscore;
  const dispatcher = new Agent({ headersTimeout: 10_000, bodyTimeout: 10_000 });

  before(async () => {
    gcs = await FakeGcs.start();
    gcs.createBucket('models');
    for (const f of await files(VECTOR_MODELS))
      gcs.put('models', `prod/${relative(VECTOR_MODELS, f)}`, await readFile(f));
    server = await startServer({
      models: 'gs://models/prod',
      profiles: `${VECTORS}/profiles.jsonl`,
      workers: 1,
      cacheDir: null,
      reload: { intervalMs: 0 },
      env: { RECSCORE_GCS_ENDPOINT: gcs.endpoint },
      gcs: {
        attempts: 3,
        backoffBaseMs: 20,
        backoffMaxMs: 100,
        idleTimeoutMs: 500,
        requestTimeoutMs: 2_000,
        deadlineMs: 5_000,
      },
      server: { port: 0 },
      logger: silentLogger,
    });
  });
  after(async () => {
    await server?.close();
    await gcs?.close();
    await dispatcher.close();
  });

  const version = async () => {
    const res = await request(`${server.url}/v1/api/recommendations/${'1'.repeat(64)}/`, { dispatcher });
    assert.equal(res.statusCode, 200);
    return ((await res.body.json()) as { result_info: { model_version: string } }).result_info.model_version;
  };

  it("serves the bucket's version and swaps to a newly published generation", async () => {
    const v1 = await version();
    gcs.put(
      'models',
      'prod/taar/ensemble/ensemble_weight.json.bz2',
      await readFile(join(VECTOR_MODELS, 'taar/ensemble/ensemble_weight.json.bz2')),
    );
    await server.reloader!.checkNow();
    const v2 = await version();
    assert.notEqual(v2, v1, 'a new generation is a new version');
    assert.equal(server.reloader!.status.lastError, null);
  });

  it('keeps serving when the bucket answers 503 or a download stalls', async () => {
    const before = await version();
    gcs.fault({ type: 'status', status: 503, on: 'any', times: Infinity });
    await server.reloader!.checkNow();
    assert.equal(await version(), before);
    assert.equal(server.reloader!.status.lastError?.code, 'RECSCORE_MODEL_SOURCE');
    gcs.clearFaults();

    gcs.put(
      'models',
      'prod/taar/locale/top10_dict.json.bz2',
      await readFile(join(VECTOR_MODELS, 'taar/locale/top10_dict.json.bz2')),
    );
    gcs.fault({ type: 'stall', on: 'media', times: Infinity });
    await server.reloader!.checkNow();
    assert.equal(await version(), before, 'a stalled download does not swap');
    gcs.clearFaults();
    await server.reloader!.checkNow();
    assert.notEqual(await version(), before, 'the next check loads the new generation');
  });
});
