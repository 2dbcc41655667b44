/**
 * Signals reach `recscore serve` from its first line (SIGHUP 0.8 s after start killed it with exit 129: the
 * handler was installed only after the first model load). SIGHUP while starting is ignored; SIGTERM
 * while starting exits 0. And a bad setting stops serve with exit 2 naming the variable.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { tempDir } from '../helpers/model-dirs.js';
import { haveVectors, VECTOR_MODELS, VECTORS } from '../helpers/vectors.js';
import { CLI, spawnServe } from '../helpers/serve-child.js';

const STARTING = /"msg":"recscore starting"/;
const LISTENING = /listening on (http:\/\/\S+)/;

const skip = !haveVectors && 'vectors not found';

async function serveArgs() {
  const cache = await tempDir();
  const profiles = `${VECTORS}/profiles.jsonl`;
  return ['--models', VECTOR_MODELS, '--profiles', profiles, '--port', '0', '--workers', '1', '--cache-dir', cache];
}

describe('recscore serve: signals while starting', { skip, timeout: 120_000 }, () => {
  it('SIGHUP before the model is loaded does not kill serve (it used to exit 129)', async () => {
    const s = spawnServe(await serveArgs(), { RECSCORE_LOG_LEVEL: 'debug' });
    try {
      await s.waitFor(STARTING);
      s.child.kill('SIGHUP');
      await s.waitFor(/SIGHUP while starting: ignored/);
      assert.doesNotMatch(s.out, LISTENING, 'the signal came before the model was loaded');
      const [, url] = await s.waitFor(LISTENING);
      assert.equal((await fetch(`${url}/health`)).status, 200);
      s.child.kill('SIGHUP'); // once serving: a model check, not an exit
      await s.waitFor(/SIGHUP: checking the model source/);
      assert.equal((await fetch(`${url}/health`)).status, 200);
      s.child.kill('SIGTERM');
      assert.deepEqual(await s.exited, { code: 0, signal: null });
    } finally {
      s.child.kill('SIGKILL');
    }
  });

  it('SIGTERM while starting exits 0 without serving', async () => {
    const s = spawnServe(await serveArgs(), { RECSCORE_LOG_LEVEL: 'debug' });
    try {
      await s.waitFor(STARTING);
      s.child.kill('SIGTERM');
      assert.deepEqual(await s.exited, { code: 0, signal: null });
      assert.doesNotMatch(s.out, LISTENING);
    } finally {
      s.child.kill('SIGKILL');
    }
  });
});

describe('recscore serve: bad settings', { timeout: 60_000 }, () => {
  it('exits 2 naming the variable or flag and the value (RECSCORE_DRAW=false used to be ignored, others too)', () => {
    for (const [args, env, named] of [
      [['--demo'], { RECSCORE_DRAW: 'maybe' }, /RECSCORE_DRAW must be a boolean .*"maybe"/],
      [['--demo', '--headers-timeout-ms', 'soon'], {}, /--headers-timeout-ms must be an integer .*"soon"/],
      [['--demo'], { TAAR_MAX_RESULTS: '500' }, /TAAR_MAX_RESULTS must be an integer from 1 to 100, got "500"/],
    ] as const) {
      const r = spawnSync(process.execPath, [CLI, 'serve', ...args], {
        encoding: 'utf8',
        timeout: 20_000,
        env: { ...process.env, ...env },
      });
      assert.equal(r.status, 2, r.stderr);
      assert.match(r.stderr, /^error RECSCORE_CONFIG: /m);
      assert.match(r.stderr, named);
    }
  });
});
