/**
 * bench:sar's worker: scores over a model that lives in the main thread's shared WebAssembly.Memory (no
 * copy: the worker unpacks views over the same bytes and claims its own scratch with memory.grow), and
 * reports per-request CPU µs for personalised and item-based queries.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { unpackModel } from '../src/model/kinds/sar/pack/unpack.js';
import { MODEL_BASE, SarKernel } from '../src/kernel/sar/wasm.js';

interface Job {
  memory: WebAssembly.Memory;
  bytes: number;
  users: string[];
}

const job = workerData as Job;
const model = unpackModel(new Uint8Array(job.memory.buffer, MODEL_BASE, job.bytes), { verifyChecksum: false });
const kernel = new SarKernel(job.memory, model);
const time = (f: (u: string, i: number) => unknown): number[] =>
  job.users.map((u, i) => {
    const c = process.cpuUsage();
    f(u, i);
    const d = process.cpuUsage(c);
    return d.user + d.system;
  });
let rows: Array<[string, number[]]> = [];
for (let warm = 0; warm < 2; warm++) {
  rows = [
    ['personalised, WASM, in a worker', time((u) => kernel.recommendUser(u, { k: 10, removeSeen: true }))],
    [
      'item-based (1 seed), WASM, in a worker',
      time((_, i) => kernel.similarItems([model.items[(i * 7919) % model.items.length]])),
    ],
  ];
}
parentPort!.postMessage(rows);
