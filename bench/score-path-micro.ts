/**
 * Per-request cost of the worker's scoring path on the demo model, part by part: the collaborative and
 * similarity kernels at TAAR's extended limit (200 + installed count), the kernel ensemble for the
 * limits [10, 200], the whole scoreClient, and scoreBatch as a worker runs it (batches of 16 requests that
 * each ask for TAAR's draw of 10, as the server sends them).
 *
 *   npx tsc -p . && node dist/bench/score-path-micro.js [models dir] [profiles.jsonl]
 *
 * Best of 20 passes over the first 300 profiles, each pass timed on the process's CPU clock (getrusage;
 * the machine is shared: a preempted pass costs wall time, not CPU time, and the minimum is the stable
 * figure). The draw row runs scoreClient as the worker does for a draw: one limit, lists read as sets.
 */
import { readFileSync } from 'node:fs';
import { encodeBatch } from '../src/dispatch/encode-batch.js';
import { scoreBatch } from '../src/dispatch/worker.js';
import { WasmKernel } from '../src/kernel/wasm-kernel.js';
import { processCpuMs } from './measure.js';
import { silentLogger } from '../src/log.js';
import { loadModel } from '../src/kernel/taar-model.js';
import { LocalModelSource } from '../src/model/source/local-source.js';
import { encodeClient, type EncodedClient } from '../src/recommend/client-features.js';
import { scoreClient } from '../src/recommend/score-client.js';

const [modelsDir = '.cache/demo/models', profilesFile = '.cache/demo/profiles.jsonl'] = process.argv.slice(2);
const PASSES = 20;

const model = await loadModel(new LocalModelSource(modelsDir), { logger: silentLogger });
const kernel = new WasmKernel(model.memory);
const clients = readFileSync(profilesFile, 'utf8')
  .trim()
  .split('\n')
  .slice(0, 300)
  .map((line) => encodeClient(model, JSON.parse(line), {}));

let sink = 0;
/** Best per-client time (µs) over PASSES passes. */
function perClient(fn: (c: EncodedClient) => unknown): number {
  let best = Infinity;
  for (let pass = 0; pass < PASSES; pass++) {
    const t0 = processCpuMs();
    for (const c of clients) if (fn(c)) sink++;
    best = Math.min(best, (processCpuMs() - t0) / clients.length);
  }
  return best * 1000;
}

const w = model.meta.ensembleWeights;
const ext = (c: EncodedClient) => 200 + c.installedCount;
const collaborative = perClient((c) => kernel.collaborative(c.hashes, ext(c)));
const similarity = perClient(
  (c) => c.similarity.kind === 'ok' && kernel.similarity(c.similarity.cont, c.similarity.cat, ext(c)),
);
const inputs = new Map(
  clients.map((c) => {
    const d = scoreClient(kernel, model, c, [200]);
    const lists = [d.collaborative, d.similarity, d.locale].map((list, i) =>
      list ? { list, coefficient: [w.collaborative, w.similarity, w.locale][i] } : undefined,
    );
    return [c, lists];
  }),
);
const ensemble = perClient((c) => kernel.ensemble(inputs.get(c)!, c.installedIds, c.installedCount, [10, 200]));
const whole = perClient((c) => scoreClient(kernel, model, c, [10, 200]));
const forDraw = perClient((c) => scoreClient(kernel, model, c, [200], true));
const batches = [];
// As the server sends them: each request asks for TAAR's draw of 10 from its candidates.
for (let i = 0; i < clients.length; i += 16)
  batches.push(
    encodeBatch(
      model,
      clients.slice(i, i + 16).map((client, j) => ({ client, pick: { mode: 'draw', size: 10, seed: i + j } })),
    ),
  );
let worker = Infinity;
for (let pass = 0; pass < PASSES; pass++) {
  const t0 = processCpuMs();
  for (const b of batches) sink += scoreBatch(b).total;
  worker = Math.min(worker, (processCpuMs() - t0) / clients.length);
}

const row = (name: string, us: number) => console.log(`${name.padEnd(32)} ${us.toFixed(1).padStart(7)} µs`);
row(`collaborative k=200+installed`, collaborative);
row(`similarity k=200+installed`, similarity);
row(`ensemble [10, 200]`, ensemble);
row(`scoreClient [10, 200]`, whole);
row(`scoreClient [200], lists as sets`, forDraw);
row(`worker scoreBatch, per request`, worker * 1000);
if (sink < 0) console.log(sink);
