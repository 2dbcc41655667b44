/** The scoring pool. */
import { availableParallelism } from 'node:os';
import { int } from '../values.js';
import { setting, type Setting } from './define.js';

// One core is left to the main thread (HTTP, encoding).
function byCores(): number {
  return Math.max(1, availableParallelism() - 1);
}

export const POOL_SETTINGS = {
  workers: setting({
    env: 'RECSCORE_WORKERS',
    flag: 'workers',
    kind: int(1, 64),
    default: 1,
    compute: byCores,
    shown: 'cores − 1 (≥ 1)',
    doc: 'Scoring worker threads',
  }),
  maxBatch: setting({
    env: 'RECSCORE_MAX_BATCH',
    flag: 'max-batch',
    kind: int(1, 4096),
    default: 32,
    doc: 'Largest micro-batch; 1 disables batching',
  }),
  maxQueue: setting({
    env: 'RECSCORE_MAX_QUEUE',
    flag: 'max-queue',
    kind: int(1, 1_000_000),
    default: 256,
    doc: 'Requests waiting for a worker; more are shed to the fallback',
  }),
  inflightPerWorker: setting({
    env: 'RECSCORE_INFLIGHT_PER_WORKER',
    flag: 'inflight-per-worker',
    kind: int(1, 64),
    default: 2,
    doc: 'Batches handed to each worker at once',
  }),
} satisfies Record<string, Setting<unknown>>;
