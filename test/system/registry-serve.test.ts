/**
 * The model registry through a real `recscore serve` (issue #13): the lifecycle over HTTP and the `recscore models`
 * CLI (train with polling, list, show, default, delete; the artifact goes with its model), and the admin key
 * `serve` generates when none is configured.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { haveVectors } from '../helpers/vectors.js';
import { existsSync } from 'node:fs';
import { KEY, api, cli, dataDir, killChildren, serve, until } from '../helpers/registry-serve.js';

describe('model registry through recscore serve', {
  skip: !haveVectors && 'vectors not found',
  timeout: 300_000,
}, () => {
  after(killChildren);

  it('lifecycle over HTTP and the CLI: train, poll to Completed, list, default, delete', async () => {
    const data = await dataDir();
    const s = await serve(data);
    try {
      const base = ['--url', s.url, '--key', KEY];
      const t = await cli([
        'models',
        'train',
        ...base,
        '--usage',
        'train.jsonl.gz',
        '--evaluation',
        'test.jsonl.gz',
        '--threshold',
        '1',
        '--description',
        'vectors',
      ]);
      assert.equal(t.code, 0, t.stderr);
      const trained = JSON.parse(t.stdout);
      assert.equal(trained.modelStatus, 'Completed');
      assert.equal(trained.statistics.numberOfUsers, 400);
      assert.equal(trained.statistics.numberOfItems, 300);
      assert.equal(trained.statistics.parseReport.successfulLines, 8932);
      assert.ok(trained.statistics.evaluation.precision_at_k > 0);
      assert.ok(existsSync(trained.artifact), 'the artifact is beside the registry');
      const list = JSON.parse((await cli(['models', 'list', ...base])).stdout);
      assert.deepEqual(
        list.map((r: { id: string }) => r.id),
        [trained.id],
      );
      assert.equal((await cli(['models', 'default', trained.id, ...base])).code, 0);
      assert.equal(JSON.parse((await cli(['models', 'default', ...base])).stdout).id, trained.id);
      assert.equal(JSON.parse((await cli(['models', 'show', trained.id, ...base])).stdout).description, 'vectors');
      const bad = await cli(['models', 'show', 'nope', ...base]);
      assert.equal(bad.code, 1);
      assert.match(bad.stderr, /^error RECSCORE_BAD_MODEL_ID: /m);
      assert.equal((await cli(['models', 'delete', trained.id, ...base])).code, 0);
      assert.equal((await api(s.url, 'GET', '/api/models/default')).status, 404);
      assert.equal(existsSync(trained.artifact), false, 'the artifact is deleted with its model');
      // The reload route accepts the admin key as well as its bearer token.
      assert.equal((await api(s.url, 'POST', '/v1/models/reload')).status, 200);
      assert.equal((await api(s.url, 'POST', '/v1/models/reload', undefined, null)).status, 401);
    } finally {
      await s.stop();
    }
  });

  it('without RECSCORE_ADMIN_KEYS serve generates a key and prints it; the API is never open', async () => {
    const s = await serve(await dataDir(), { RECSCORE_ADMIN_KEYS: '' });
    try {
      const key = await until('the printed key', async () => /admin key \(generated[^)]*\): (\S+)/.exec(s.out())?.[1]);
      assert.equal((await api(s.url, 'GET', '/api/models', undefined, null)).status, 401);
      assert.equal((await api(s.url, 'GET', '/api/models', undefined, key)).status, 200);
    } finally {
      await s.stop();
    }
  });
});
