/**
 * The model registry through real `recscore serve` processes (issue #13): the lifecycle over HTTP and the
 * `recscore models` CLI (train with polling, list, show, default, delete), a generated admin key, two
 * servers sharing one registry folder (each sees the other's models and default; concurrent PUT default
 * ends in one value), a log of bad lines → Failed with the parse report, kill -9 during training then a
 * restart → Completed or Failed with a reason, and a gs:// registry on the test GCS server.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Agent, request } from 'undici';
import { FakeGcs } from '../helpers/fake-gcs.js';
import { tempDir } from '../helpers/model-dirs.js';
import { listeningUrl } from '../helpers/serve-child.js';
import { haveVectors, REPO_ROOT, VECTOR_MODELS, VECTORS } from '../helpers/vectors.js';

const CLI = join(REPO_ROOT, 'dist/src/cli/index.js');
const KEY = 'registry-test-admin-key';
const dispatcher = new Agent({ headersTimeout: 30_000, bodyTimeout: 30_000 });

interface Server {
  url: string;
  child: ChildProcess;
  out: () => string;
  err: () => string;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

const children = new Set<ChildProcess>();

async function serve(dataDir: string, env: Record<string, string> = {}): Promise<Server> {
  const child = spawn(
    process.execPath,
    [
      CLI,
      'serve',
      '--models',
      VECTOR_MODELS,
      '--profiles',
      `${VECTORS}/profiles.jsonl`,
      '--port',
      '0',
      '--workers',
      '1',
      '--cache-dir',
      'off',
    ],
    {
      env: {
        ...process.env,
        RECSCORE_LOG_LEVEL: 'warn',
        RECSCORE_RELOAD_INTERVAL: '0',
        RECSCORE_DATA_DIR: dataDir,
        RECSCORE_ADMIN_KEYS: KEY,
        RECSCORE_REGISTRY_POLL: '1',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  children.add(child);
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<void>((r) => child.once('exit', () => (children.delete(child), r())));
  const url = await listeningUrl(child, 60_000, () => err.slice(-2000));
  return {
    url,
    child,
    out: () => out,
    err: () => err,
    async stop(signal = 'SIGTERM') {
      child.kill(signal);
      await exited;
    },
  };
}

async function api(url: string, method: string, path: string, body?: unknown, key: string | null = KEY) {
  const res = await request(`${url}${path}`, {
    dispatcher,
    method: method as 'GET',
    headers: {
      ...(key === null ? {} : { 'x-api-key': key }),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.body.text();
  return { status: res.statusCode, headers: res.headers, json: text ? JSON.parse(text) : undefined };
}

async function until<T>(what: string, f: () => Promise<T | undefined>, ms = 120_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const finished = (url: string, id: string) =>
  until(`model ${id} to finish`, async () => {
    const r = (await api(url, 'GET', `/api/models/${id}`)).json;
    return r.modelStatus === 'Completed' || r.modelStatus === 'Failed' ? r : undefined;
  });

function cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

async function dataDir(): Promise<string> {
  const dir = join(await tempDir('recscore-registry-'), 'data');
  mkdirSync(dir);
  copyFileSync(join(REPO_ROOT, 'test/fixtures/sar/data/train.jsonl.gz'), join(dir, 'train.jsonl.gz'));
  copyFileSync(join(REPO_ROOT, 'test/fixtures/sar/data/test.jsonl.gz'), join(dir, 'test.jsonl.gz'));
  return dir;
}

describe('model registry through recscore serve', {
  skip: !haveVectors && 'vectors not found',
  timeout: 600_000,
}, () => {
  after(async () => {
    for (const c of children) c.kill('SIGKILL');
    await dispatcher.close();
  });

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

  it('a log of bad lines fails its model with the parse report', async () => {
    const data = await dataDir();
    writeFileSync(join(data, 'bad.jsonl'), Array.from({ length: 300 }, (_, i) => `not json ${i}`).join('\n'));
    const s = await serve(data);
    try {
      const r = (await api(s.url, 'POST', '/api/models', { usage: 'bad.jsonl' })).json;
      const done = await finished(s.url, r.id);
      assert.equal(done.modelStatus, 'Failed');
      assert.match(done.modelStatusMessage, /RECSCORE_SAR_TRAINING/);
      assert.equal(done.statistics.parseReport.successfulLines, 0);
      assert.ok(Object.keys(done.statistics.parseReport.errors).length > 0);
    } finally {
      await s.stop();
    }
  });

  it('kill -9 during training, restart: the model ends Completed or Failed with a reason, never stuck', async () => {
    const data = await dataDir();
    const synth = await cli([
      'sar',
      'synth',
      '--users',
      '20000',
      '--items',
      '3000',
      '--events',
      '400000',
      '--out',
      join(data, 'big.jsonl'),
    ]);
    assert.equal(synth.code, 0, synth.stderr);
    const first = await serve(data);
    const r = (await api(first.url, 'POST', '/api/models', { usage: 'big.jsonl', supportThreshold: 1 })).json;
    await until('training to start', async () =>
      (await api(first.url, 'GET', `/api/models/${r.id}`)).json.modelStatus === 'InProgress' ? true : undefined,
    );
    await first.stop('SIGKILL');
    const second = await serve(data);
    try {
      const done = await finished(second.url, r.id);
      assert.ok(done.modelStatus === 'Completed' || /interrupted/i.test(done.modelStatusMessage), JSON.stringify(done));
      if (done.modelStatus === 'Completed') assert.equal(done.statistics.numberOfUsageEvents, 400_000);
      assert.match(second.err(), /training: (re-queued|failed) a lost job/, 'the restart found the lost job');
    } finally {
      await second.stop();
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
      gcs.put(
        'registry',
        'logs/train.jsonl.gz',
        await import('node:fs/promises').then((f) => f.readFile(join(data, 'train.jsonl.gz'))),
      );
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
