/**
 * `recscore serve` as an operator runs it: a child process that prints its URL, answers, and on SIGTERM
 * finishes in-flight requests and exits 0; bad arguments exit 2 with one error line.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { Agent, request } from 'undici';
import { tempDir } from '../helpers/model-dirs.js';
import { haveVectors, REPO_ROOT, VECTOR_MODELS, vectorServeArgs } from '../helpers/vectors.js';
import { listeningUrl } from '../helpers/serve-child.js';

const CLI = join(REPO_ROOT, 'dist/src/cli/index.js');

describe('recscore serve (CLI)', { skip: !haveVectors && 'vectors not found', timeout: 60_000 }, () => {
  it('serves, then drains and exits 0 on SIGTERM', async () => {
    const cache = await tempDir();
    const child = spawn(process.execPath, [CLI, 'serve', ...vectorServeArgs(cache)], {
      env: { ...process.env, RECSCORE_LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      const url = await listeningUrl(child, 30_000);
      const dispatcher = new Agent({ headersTimeout: 10_000, bodyTimeout: 10_000 });
      const warm = await request(`${url}/v1/api/recommendations/${'0'.repeat(10)}/`, { dispatcher });
      assert.equal(warm.statusCode, 200);
      await warm.body.dump();
      // An in-flight request: headers and half the body sent before SIGTERM, the rest after it.
      let signalled!: () => void;
      const sent = new Promise<void>((r) => (signalled = r));
      async function* slowBody() {
        yield '{"options":';
        await sent;
        yield '{"promoted":[["promoted@example.net", 5]]}}';
      }
      const inflight = request(`${url}/v1/api/recommendations/${'0'.repeat(10)}/`, {
        dispatcher,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: Readable.from(slowBody()),
      });
      await new Promise((r) => setTimeout(r, 300));
      child.kill('SIGTERM');
      await new Promise((r) => setTimeout(r, 200));
      signalled();
      const res = await inflight;
      assert.equal(res.statusCode, 200, 'the in-flight request is answered');
      const body = (await res.body.json()) as { results: string[] };
      assert.ok(body.results.includes('promoted@example.net'));
      assert.equal(await exited, 0);
      await dispatcher.close();
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('rejects bad arguments with exit code 2 and one error line', () => {
    for (const args of [
      ['serve', '--port', 'abc', '--demo'],
      ['serve', '--bogus'],
      ['serve', '--models', VECTOR_MODELS],
    ]) {
      const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 20_000 });
      assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, /^error RECSCORE_CONFIG: /m);
      assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
    }
  });
});
