/**
 * Training jobs of the registry, embedded: a bounded in-process queue (full → RECSCORE_TRAINING_QUEUE_FULL,
 * 429) running at most `concurrency` jobs at once, each in a worker thread (train-thread.ts). The queue is
 * persisted in the records themselves: a `Created` or `InProgress` record carries its job's owner and a
 * heartbeat. A job whose owner is gone (a dead process on this host, or a heartbeat older than `staleMs`)
 * is claimed by a conditional write, re-queued once, and failed with a reason the second time — so no
 * model stays `InProgress` for ever after a crash.
 */
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { RecscoreError, isRecscoreError } from '../errors.js';
import type { Logger } from '../log.js';
import type { ModelRecord } from '../model/records/record.js';
import type { RegistryStore } from '../model/records/registry-store.js';
import { sarParamsOf } from './model-params.js';
import { trainInThread, type RunningTraining, type TrainResult } from './train-thread.js';
import { resolveUsage } from './usage-path.js';

export interface TrainingQueueOptions {
  store: RegistryStore;
  log: Logger;
  /** Usage paths are resolved under this folder (RECSCORE_DATA_DIR). */
  dataDir: string;
  concurrency: number;
  /** Jobs waiting or running; one more is refused. */
  capacity: number;
  maxBadLines: number;
  gcsEndpoint?: string;
  /** Heartbeat of owned jobs (default 5 s). */
  heartbeatMs?: number;
  /** A job without a heartbeat for this long is another replica's lost job (default 60 s). */
  staleMs?: number;
  /** Least time between two progress writes of one job (default 1 s). */
  progressMs?: number;
}

const MAX_ATTEMPTS = 2;

/** Whether a job's owner is certainly dead: a process of this host that no longer exists. */
function ownerGone(owner: string): boolean {
  const [host, pid] = owner.split(':');
  if (host !== hostname() || !/^\d+$/.test(pid ?? '')) return false;
  if (Number(pid) === process.pid) return !owner.endsWith(`:${OWN_NONCE}`);
  try {
    process.kill(Number(pid), 0);
    return false;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
const OWN_NONCE = randomBytes(4).toString('hex');

export class TrainingQueue {
  readonly owner = `${hostname()}:${process.pid}:${OWN_NONCE}`;
  readonly #o: Required<Omit<TrainingQueueOptions, 'gcsEndpoint'>> & { gcsEndpoint?: string };
  readonly #waiting: string[] = [];
  readonly #running = new Map<string, RunningTraining>();
  readonly #queuedAt = new Map<string, number>();
  readonly #cancelled = new Set<string>();
  #timer: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(opts: TrainingQueueOptions) {
    this.#o = { heartbeatMs: 5_000, staleMs: 60_000, progressMs: 1_000, ...opts };
  }

  /** Jobs waiting or running in this replica. */
  get size(): number {
    return this.#waiting.length + this.#running.size;
  }

  hasRoom(): boolean {
    return this.size < this.#o.capacity;
  }

  /** The job bookkeeping a new record starts with (the route stores it, then calls `enqueue`). */
  newJob(): NonNullable<ModelRecord['job']> {
    return { owner: this.owner, heartbeat: new Date().toISOString(), attempts: 0 };
  }

  queueFull(): RecscoreError {
    return new RecscoreError(
      'RECSCORE_TRAINING_QUEUE_FULL',
      `${this.size} training jobs are waiting or running (RECSCORE_TRAIN_QUEUE ${this.#o.capacity}); retry later`,
    );
  }

  enqueue(id: string): void {
    if (this.#closed) return;
    if (!this.hasRoom()) throw this.queueFull();
    this.#waiting.push(id);
    this.#queuedAt.set(id, Date.now());
    this.#pump();
  }

  /** Drops a waiting job or stops a running one (its record is the caller's to delete). */
  cancel(id: string): boolean {
    const i = this.#waiting.indexOf(id);
    if (i >= 0) this.#waiting.splice(i, 1);
    const running = this.#running.get(id);
    if (running) this.#cancelled.add(id);
    running?.cancel();
    this.#queuedAt.delete(id);
    return i >= 0 || running !== undefined;
  }

  /** Recovers lost jobs now, then heartbeats owned jobs and looks for lost ones periodically. */
  async start(): Promise<void> {
    await this.recover();
    this.#timer = setInterval(() => void this.#tick(), this.#o.heartbeatMs).unref();
  }

  async #tick(): Promise<void> {
    try {
      const now = new Date().toISOString();
      for (const id of [...this.#waiting, ...this.#running.keys()]) {
        await this.#o.store.update(id, (r) =>
          r.job?.owner === this.owner ? { ...r, job: { ...r.job, heartbeat: now } } : undefined,
        );
      }
      await this.recover();
    } catch (e) {
      this.#o.log.warn('training: heartbeat or recovery failed', {
        code: (e as RecscoreError).code,
        error: (e as Error).message,
      });
    }
  }

  /** Claims every `Created`/`InProgress` record whose job is gone: re-queued, or failed after MAX_ATTEMPTS. */
  async recover(): Promise<void> {
    const now = Date.now();
    for (const r of this.#o.store.list()) {
      if (r.modelStatus !== 'Created' && r.modelStatus !== 'InProgress') continue;
      if (r.job?.owner === this.owner) continue;
      const stale = !r.job || now - Date.parse(r.job.heartbeat) > this.#o.staleMs || ownerGone(r.job.owner);
      if (!stale) continue;
      const seen = r.job;
      const room = this.hasRoom();
      const claimed = await this.#o.store.update(r.id, (cur) => {
        const same = cur.job?.owner === seen?.owner && cur.job?.heartbeat === seen?.heartbeat;
        if (!same || (cur.modelStatus !== 'Created' && cur.modelStatus !== 'InProgress')) return undefined;
        const attempts = cur.job?.attempts ?? 0;
        if (attempts >= MAX_ATTEMPTS || !room) {
          const why = !room
            ? 'its replica stopped and the training queue is full'
            : `its replica stopped during ${attempts} training attempts`;
          return { ...cur, modelStatus: 'Failed', modelStatusMessage: `Training interrupted: ${why}`, job: undefined };
        }
        return {
          ...cur,
          modelStatus: 'Created',
          modelStatusMessage: 'Queued again: the replica training it stopped',
          job: { owner: this.owner, heartbeat: new Date().toISOString(), attempts },
        };
      });
      if (claimed?.job?.owner === this.owner && claimed.modelStatus === 'Created') {
        this.#o.log.warn('training: re-queued a lost job', { model: r.id, previous_owner: seen?.owner });
        this.enqueue(r.id);
      } else if (claimed?.modelStatus === 'Failed') this.#o.log.warn('training: failed a lost job', { model: r.id });
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    if (this.#timer) clearInterval(this.#timer);
    this.#waiting.length = 0;
    // Running jobs stop with the process; their records are recovered by the next replica to look.
    for (const job of this.#running.values()) job.cancel();
    const running = [...this.#running.values()].map((j) => j.result.catch(() => {}));
    await Promise.all(running);
  }

  #pump(): void {
    while (!this.#closed && this.#running.size < this.#o.concurrency && this.#waiting.length > 0) {
      const id = this.#waiting.shift()!;
      void this.#run(id);
    }
  }

  async #run(id: string): Promise<void> {
    const { store, log } = this.#o;
    const queuedAt = this.#queuedAt.get(id) ?? Date.now();
    this.#queuedAt.delete(id);
    const placeholder: RunningTraining = { result: Promise.resolve() as never, cancel: () => {} };
    this.#running.set(id, placeholder);
    const started = Date.now();
    try {
      const record = await store.update(id, (r) =>
        r.job?.owner === this.owner && r.modelStatus === 'Created'
          ? {
              ...r,
              modelStatus: 'InProgress',
              modelStatusMessage: 'Training: starting',
              job: { ...r.job, heartbeat: new Date().toISOString(), attempts: r.job.attempts + 1 },
            }
          : undefined,
      );
      if (record?.modelStatus !== 'InProgress' || record.job?.owner !== this.owner) return;
      const result = await this.#train(record);
      if (this.#cancelled.has(id)) return;
      const artifact = await store.writeArtifact(id, result.image);
      const done = await store.update(id, (r) =>
        r.modelStatus === 'InProgress' && r.job?.owner === this.owner
          ? {
              ...r,
              modelStatus: 'Completed',
              modelStatusMessage: 'Model training completed',
              artifact,
              statistics: statisticsOf(result, started - queuedAt, Date.now() - started, result.image.byteLength),
              job: undefined,
            }
          : undefined,
      );
      // Deleted while training: the artifact has no record any more.
      if (done?.modelStatus !== 'Completed') await store.removeArtifact(id).catch(() => {});
      else log.info('training: model completed', { model: id, seconds: (Date.now() - queuedAt) / 1000 });
    } catch (e) {
      const cancelled = this.#cancelled.has(id) || this.#closed;
      if (!cancelled) await this.#fail(id, e);
    } finally {
      this.#running.delete(id);
      this.#cancelled.delete(id);
      this.#pump();
    }
  }

  #train(record: ModelRecord): Promise<TrainResult> {
    const { store } = this.#o;
    const p = record.parameters;
    let lastWrite = 0;
    let writing = false;
    const running = trainInThread(
      {
        usage: resolveUsage(p.usage, this.#o.dataDir),
        evaluationUsage: p.evaluationUsage ? resolveUsage(p.evaluationUsage, this.#o.dataDir) : undefined,
        params: sarParamsOf(p),
        maxBadLines: this.#o.maxBadLines,
        gcsEndpoint: this.#o.gcsEndpoint,
      },
      (message) => {
        // Throttled, and never two writes at once: progress is advisory, the final write is not.
        const now = Date.now();
        if (writing || now - lastWrite < this.#o.progressMs) return;
        writing = true;
        lastWrite = now;
        store
          .update(record.id, (r) =>
            r.modelStatus === 'InProgress' && r.job?.owner === this.owner
              ? { ...r, modelStatusMessage: message, job: { ...r.job, heartbeat: new Date().toISOString() } }
              : undefined,
          )
          .then((r) => {
            // Deleted (or taken over) elsewhere: stop training a model nobody will use.
            if (!r || r.job?.owner !== this.owner) this.cancel(record.id);
          })
          .catch(() => {})
          .finally(() => (writing = false));
      },
    );
    this.#running.set(record.id, running);
    return running.result;
  }

  async #fail(id: string, e: unknown): Promise<void> {
    const err = isRecscoreError(e) ? e : new RecscoreError('RECSCORE_INTERNAL', (e as Error)?.message ?? String(e));
    const report = err.details?.report;
    this.#o.log.warn('training: model failed', { model: id, code: err.code, error: err.message });
    await this.#o.store
      .update(id, (r) =>
        r.job?.owner === this.owner
          ? {
              ...r,
              modelStatus: 'Failed',
              modelStatusMessage: `${err.code}: ${err.message}`.slice(0, 2000),
              statistics: report ? { parseReport: report } : r.statistics,
              job: undefined,
            }
          : undefined,
      )
      .catch((w: unknown) => this.#o.log.error('training: could not record a failure', { model: id, error: w }));
  }
}

function statisticsOf(
  r: TrainResult,
  queuedMs: number,
  totalMs: number,
  artifactBytes: number,
): Record<string, unknown> {
  return {
    durations: {
      queuedSeconds: queuedMs / 1000,
      trainingSeconds: r.trainSeconds,
      evaluationSeconds: r.evaluation?.seconds,
      totalSeconds: totalMs / 1000,
    },
    numberOfUsers: r.stats.users,
    numberOfItems: r.stats.items,
    numberOfUsageEvents: r.stats.events,
    catalogCoverage: r.catalogCoverage,
    parseReport: r.report,
    artifactBytes,
    model: r.stats,
    ...(r.evaluation ? { evaluation: r.evaluation } : {}),
  };
}
