/**
 * Replicas sharing one registry (issue #13): two `recscore serve` processes on one folder see each other's models
 * and default (concurrent PUT default ends in one value both read; deleting it on one clears it on the other), and
 * a gs:// registry on the test GCS server, read by a second server.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { haveVectors } from '../helpers/vectors.js';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FakeGcs } from '../helpers/fake-gcs.js';
import { api, dataDir, finished, killChildren, serve, until } from '../helpers/registry-serve.js';

describe('replicas sharing one registry', { skip: !haveVectors && 'vectors not found', timeout: 300_000 }, () => {
  after(killChildren);

  it('two servers on one registry folder see each other’s models; concurrent PUT default: one value', async () => {
    const data = await dataDir();
    const [a, b] = await Promise.all([serve(data), serve(data)]);
    try {
      const x = (await api(a.url, 'POST', '/api/models', { usage: 'train.jsonl.gz', supportThreshold: 1 })).json;
      const y = (await api(b.url, 'POST', '/api/models', { usage: 'train.jsonl.gz', supportThreshold: 2 })).json;
      assert.equal((await api(b.url, 'GET', `/api/models/${x.id}`)).status, 200, 'a miss re-reads the registry');
      await Promise.all([finished(a.url, x.id), finished(b.url, y.id)]);
      for (const s of [a, b]) {
        await until('both models listed', async () => {
          const ids = (await api(s.url, 'GET', '/api/models')).json.map((r: { id: string }) => r.id);
          return ids.includes(x.id) && ids.includes(y.id) ? true : undefined;
        });
      }
      const [px, py] = await Promise.all([
        api(a.url, 'PUT', `/api/models/default?modelId=${x.id}`),
        api(b.url, 'PUT', `/api/models/default?modelId=${y.id}`),
      ]);
      assert.equal(px.status, 200);
      assert.equal(py.status, 200);
      const agreed = await until('one default seen by both', async () => {
        const [da, db] = await Promise.all([
          api(a.url, 'GET', '/api/models/default'),
          api(b.url, 'GET', '/api/models/default'),
        ]);
        return da.json.id === db.json.id ? da.json.id : undefined;
      });
      assert.ok([x.id, y.id].includes(agreed));
      // Deleting the default on one server clears it for the other.
      assert.equal((await api(b.url, 'DELETE', `/api/models/${agreed}`)).status, 202);
      await until('the default cleared on a', async () =>
        (await api(a.url, 'GET', '/api/models/default')).status === 404 ? true : undefined,
      );
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
  });

  describe('gs:// registry on the test GCS server', () => {
    let gcs: FakeGcs;
    before(async () => {
      gcs = await FakeGcs.start();
      gcs.createBucket('registry');
    });
    after(() => gcs.close());

    it('trains from a gs:// log, keeps record and artifact in the bucket; a second server reads them', async () => {
      const data = await dataDir();
      gcs.put('registry', 'logs/train.jsonl.gz', await readFile(join(data, 'train.jsonl.gz')));
      const env = { RECSCORE_REGISTRY: 'gs://registry/prod', RECSCORE_GCS_ENDPOINT: gcs.endpoint };
      const a = await serve(data, env);
      try {
        const r = (
          await api(a.url, 'POST', '/api/models', { usage: 'gs://registry/logs/train.jsonl.gz', supportThreshold: 1 })
        ).json;
        const done = await finished(a.url, r.id);
        assert.equal(done.modelStatus, 'Completed', done.modelStatusMessage);
        assert.equal(done.artifact, `gs://registry/prod/artifacts/${r.id}.sarm`);
        assert.equal((await api(a.url, 'PUT', `/api/models/default?modelId=${r.id}`)).status, 200);
        const names = gcs.requests.filter((q) => q.method === 'POST').map((q) => decodeURIComponent(q.url));
        assert.ok(names.some((u) => u.includes(`prod/models/${r.id}.json`)));
        const b = await serve(data, env);
        try {
          assert.equal((await api(b.url, 'GET', '/api/models/default')).json.id, r.id);
          assert.equal((await api(b.url, 'GET', `/api/models/${r.id}`)).json.modelStatus, 'Completed');
        } finally {
          await b.stop();
        }
      } finally {
        await a.stop();
      }
    });
  });
});
