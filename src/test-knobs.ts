/**
 * Test-only slowdown knobs, so the load-test gate's power can be proven (loadtest/gate-power.ts): a fixed
 * amount of CPU work per recommendation on the main thread and per scored request in the worker.
 *
 *   RECSCORE_TEST_BUSY_MAIN_US     µs of CPU per recommendation request, main thread
 *   RECSCORE_TEST_BUSY_WORKER_US   µs of CPU per request of a batch, in the worker
 *
 * Read once when the module loads (each worker thread loads it too, with the same environment). Unset or
 * 0: each hook is one comparison. The work is a fixed number of bytes hashed, not a wall-clock wait: on
 * a shared machine a thread spinning until a time is often descheduled and would spend less CPU than
 * asked. The bytes per µs are calibrated at load as the fastest of many short samples (preemption only
 * ever makes a sample slower).
 */
import { createHash } from 'node:crypto';

function micros(name: string): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return 0;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0 || n > 1_000_000) throw new Error(`${name}=${raw}: expected µs from 0 to 1000000`);
  return n;
}

// Native work (SHA-256 over a fixed buffer): its cost per byte does not depend on which tier V8's JIT has
// put a JavaScript loop in (a JS loop calibrated once cost 8× its calibration on the server's main thread).
const CHUNK = Buffer.alloc(64 * 1024, 0x5a);
function work(bytes: number): void {
  const h = createHash('sha256');
  for (let left = bytes; left > 0; left -= CHUNK.length) {
    h.update(left >= CHUNK.length ? CHUNK : CHUNK.subarray(0, left));
  }
  h.digest();
}

function bytesPerUs(): number {
  const n = 32 * 1024;
  let best = 0;
  for (let k = 0; k < 60; k++) {
    const t0 = performance.now();
    work(n);
    const us = (performance.now() - t0) * 1000;
    if (us > 0) best = Math.max(best, n / us);
  }
  return best;
}

const MAIN_US = micros('RECSCORE_TEST_BUSY_MAIN_US');
const WORKER_US = micros('RECSCORE_TEST_BUSY_WORKER_US');
const RATE = MAIN_US > 0 || WORKER_US > 0 ? bytesPerUs() : 0;
const MAIN_BYTES = Math.round(MAIN_US * RATE);
const WORKER_BYTES = Math.round(WORKER_US * RATE);

/** The main thread's share, once per recommendation request. */
export function testBusyMain(): void {
  if (MAIN_BYTES > 0) work(MAIN_BYTES);
}

/** The worker's share, once per batch of `requests`. */
export function testBusyWorker(requests: number): void {
  if (WORKER_BYTES > 0) work(WORKER_BYTES * requests);
}
