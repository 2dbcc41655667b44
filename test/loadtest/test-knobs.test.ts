import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const KNOBS = fileURLToPath(new URL('../../src/test-knobs.js', import.meta.url));

/** CPU ms (this child's user + system) that `calls` calls of a hook spend, with the knobs in `env`. */
type Spent = { ms: number; stderr: string; status: number | null };
function cpuMsOf(env: Record<string, string>, call: string, calls: number): Spent {
  const script = `
    const k = await import(${JSON.stringify(KNOBS)});
    const t = process.cpuUsage();
    for (let i = 0; i < ${calls}; i++) k.${call};
    const u = process.cpuUsage(t);
    process.stdout.write(String((u.user + u.system) / 1000));`;
  const env2 = { ...process.env, ...env };
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { env: env2, encoding: 'utf8' });
  return { ms: Number(r.stdout), stderr: r.stderr, status: r.status };
}

describe('test-only slowdown knobs', () => {
  it('spend about the CPU they are set to: main thread per request, worker per batched request', () => {
    // 200 × 500 µs = 100 ms; 50 batches × 4 requests × 250 µs = 50 ms.
    // Wide bounds: the point is "spends CPU, of that order".
    const main = cpuMsOf({ RECSCORE_TEST_BUSY_MAIN_US: '500' }, 'testBusyMain()', 200);
    assert.ok(main.ms >= 60 && main.ms <= 300, `main: ${main.ms} ms of CPU for 100 ms asked (${main.stderr})`);
    const worker = cpuMsOf({ RECSCORE_TEST_BUSY_WORKER_US: '250' }, 'testBusyWorker(4)', 50);
    assert.ok(worker.ms >= 30 && worker.ms <= 150, `worker: ${worker.ms} ms of CPU for 50 ms asked (${worker.stderr})`);
  });

  it('cost nothing when unset', () => {
    const r = cpuMsOf({ RECSCORE_TEST_BUSY_MAIN_US: '', RECSCORE_TEST_BUSY_WORKER_US: '' }, 'testBusyMain()', 200);
    assert.ok(r.ms < 20, `${r.ms} ms for 200 calls of a disabled hook`);
  });

  it('a bad value names the variable', () => {
    const r = cpuMsOf({ RECSCORE_TEST_BUSY_WORKER_US: 'lots' }, 'testBusyMain()', 1);
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /RECSCORE_TEST_BUSY_WORKER_US=lots: expected µs from 0 to 1000000/);
  });
});
