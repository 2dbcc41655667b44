/**
 * One training job in a worker thread (never on the serving thread): stream the usage log, build the SAR
 * model, pack it, and evaluate it on the evaluation log when one is given. Progress goes back as short
 * messages (`parse 45%`, `similarity 30%`); the packed image is transferred, not copied. The thread is
 * terminated to cancel a job.
 */
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { RecscoreError, isRecscoreError, type ErrorCode } from '../errors.js';
import { packModel } from '../model/kinds/sar/pack/pack.js';
import { emptyReport, type ParseReport } from '../model/kinds/sar/parse/codes.js';
import { readEvents } from '../model/kinds/sar/parse/read-events.js';
import type { EventsInput } from '../model/kinds/sar/parse/store-usage.js';
import { trainFromPath } from '../model/kinds/sar/train/train.js';
import type { SarModel, SarParams, SarStats } from '../model/kinds/sar/types.js';
import { evaluate, type Evaluation } from '../recommend/sar/evaluate/evaluate.js';

export interface TrainJob {
  usage: string;
  evaluationUsage?: string;
  params: Partial<SarParams>;
  maxBadLines: number;
  gcsEndpoint?: string;
  /** The server's event store and usage weights, for `events:FROM..TO` usage (structured-cloneable). */
  events?: EventsInput;
}

export interface TrainResult {
  image: Uint8Array;
  report: ParseReport;
  stats: SarStats;
  /** Items with at least one similar item, of all items. */
  catalogCoverage: number;
  trainSeconds: number;
  evaluation?: Evaluation & { seconds: number; report: ParseReport };
}

type Reply =
  | { type: 'progress'; message: string; percent: number }
  | ({ type: 'done' } & TrainResult)
  | { type: 'error'; code: ErrorCode; message: string; details?: Record<string, unknown> };

export interface RunningTraining {
  result: Promise<TrainResult>;
  /** Stops the thread at once; `result` then rejects. */
  cancel(): void;
}

export function trainInThread(job: TrainJob, onProgress: (message: string, percent: number) => void): RunningTraining {
  const worker = new Worker(new URL(import.meta.url), { workerData: { recscoreTrainJob: job } });
  let cancelled = false;
  const result = new Promise<TrainResult>((resolve, reject) => {
    worker.on('message', (r: Reply) => {
      if (r.type === 'progress') onProgress(r.message, r.percent);
      else if (r.type === 'done') {
        const { type: _t, ...rest } = r;
        resolve(rest);
      } else reject(new RecscoreError(r.code, r.message, r.details));
    });
    worker.once('error', (e) =>
      reject(new RecscoreError('RECSCORE_INTERNAL', `training thread failed: ${e.message}`, undefined, { cause: e })),
    );
    worker.once('exit', (code) => {
      const why = cancelled ? 'training cancelled' : `training thread exited with ${code}`;
      reject(new RecscoreError('RECSCORE_SAR_TRAINING', why));
    });
  });
  return {
    result,
    cancel() {
      cancelled = true;
      void worker.terminate();
    },
  };
}

const PHASE_BASE: Record<string, number> = { parse: 0, affinity: 60, cooccurrence: 65, similarity: 75, pack: 95 };

async function run(job: TrainJob, port: NonNullable<typeof parentPort>): Promise<void> {
  const send = (r: Reply, transfer: ArrayBuffer[] = []) => port.postMessage(r, transfer);
  let last = -1;
  const progress = (phase: string, fraction: number) => {
    const base = PHASE_BASE[phase] ?? 60;
    const next = Object.values(PHASE_BASE).find((v) => v > base) ?? 100;
    const percent = Math.min(99, Math.floor(base + (next - base) * Math.min(1, Math.max(0, fraction))));
    if (percent === last) return;
    last = percent;
    send({ type: 'progress', message: `Training: ${phase} ${percent}%`, percent });
  };
  const gcs = job.gcsEndpoint ? { apiEndpoint: job.gcsEndpoint } : {};
  const started = performance.now();
  progress('parse', 0);
  const { model, report } = await trainFromPath(job.usage, job.params, {
    maxBadLines: job.maxBadLines,
    gcs,
    events: job.events,
    onBytes: (read, total) => progress('parse', total > 0 ? read / total : 0),
    onPhase: (p) => progress(p, 0),
    onRows: (done, total) => progress('similarity', total > 0 ? done / total : 1),
  });
  progress('pack', 0);
  const image = packModel(model, { report });
  const trainSeconds = (performance.now() - started) / 1000;
  let evaluation: TrainResult['evaluation'];
  if (job.evaluationUsage) {
    send({ type: 'progress', message: 'Training: evaluation 99%', percent: 99 });
    const t = performance.now();
    const rows: Array<{ user: string; item: string; rating: number }> = [];
    const evalReport = emptyReport();
    await readEvents(job.evaluationUsage, evalReport, (e) => rows.push(e), { gcs, events: job.events });
    evaluation = { ...evaluate(model, rows), seconds: (performance.now() - t) / 1000, report: evalReport };
  }
  const reply: Reply = {
    type: 'done',
    image,
    report,
    stats: model.stats,
    catalogCoverage: coverageOf(model),
    trainSeconds,
    evaluation,
  };
  send(reply, [image.buffer as ArrayBuffer]);
}

function coverageOf(model: SarModel): number {
  const m = model.items.length;
  if (m === 0) return 0;
  let covered = 0;
  const { rowPtr } = model.sim;
  for (let r = 0; r < m; r++) if (rowPtr[r + 1] > rowPtr[r]) covered++;
  return covered / m;
}

// Runs only in a thread started by trainInThread.
const job = isMainThread ? undefined : (workerData as { recscoreTrainJob?: TrainJob } | undefined)?.recscoreTrainJob;
if (job && parentPort) {
  const port = parentPort;
  run(job, port).catch((e: unknown) => {
    const reply: Reply = isRecscoreError(e)
      ? { type: 'error', code: e.code, message: e.message, details: e.details }
      : { type: 'error', code: 'RECSCORE_INTERNAL', message: (e as Error)?.message ?? String(e) };
    port.postMessage(reply);
  });
}
