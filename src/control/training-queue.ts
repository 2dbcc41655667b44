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
import { RecscoreError } from '../errors.js';
import type { Logger } from '../log.js';
import type { ModelRecord } from '../model/records/record.js';
import type { RegistryStore } from '../model/records/registry-store.js';
import type { JobQueue } from './job-queue.js';
import { MAX_ATTEMPTS, ModelTraining, SHARED_OWNER_PREFIX } from './model-training.js';

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

export class TrainingQueue implements JobQueue {
  readonly owner = `${hostname()}:${process.pid}:${OWN_NONCE}`;
  readonly #o: Required<Omit<TrainingQueueOptions, 'gcsEndpoint'>> & { gcsEndpoint?: string };
  readonly #waiting: string[] = [];
  readonly #running = new Map<string, ModelTraining>();
  readonly #queuedAt = new Map<string, number>();
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

  async admit(): Promise<void> {
    if (!this.hasRoom()) throw this.queueFull();
  }

  async enqueue(id: string): Promise<void> {
    this.#push(id);
  }

  #push(id: string): void {
    if (this.#closed) return;
    if (!this.hasRoom()) throw this.queueFull();
    this.#waiting.push(id);
    this.#queuedAt.set(id, Date.now());
    this.#pump();
  }

  /** Drops a waiting job or stops a running one (its record is the caller's to delete). */
  async cancel(id: string): Promise<void> {
    const i = this.#waiting.indexOf(id);
    if (i >= 0) this.#waiting.splice(i, 1);
    this.#queuedAt.delete(id);
    await this.#running.get(id)?.cancel();
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
      if (r.job?.owner.startsWith(SHARED_OWNER_PREFIX)) continue;
      // Our own record is lost only when we no longer track it (a failed first write, say) and it is stale.
      const tracked = this.#waiting.includes(r.id) || this.#running.has(r.id);
      if (r.job?.owner === this.owner && tracked) continue;
      const old = r.job !== undefined && now - Date.parse(r.job.heartbeat) > this.#o.staleMs;
      const stale = !r.job || old || (r.job.owner !== this.owner && ownerGone(r.job.owner));
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
        this.#push(r.id);
      } else if (claimed?.modelStatus === 'Failed') this.#o.log.warn('training: failed a lost job', { model: r.id });
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    if (this.#timer) clearInterval(this.#timer);
    const mine = [...this.#waiting, ...this.#running.keys()];
    this.#waiting.length = 0;
    await Promise.all([...this.#running.values()].map((j) => j.cancel()));
    // Released, not abandoned: another replica (or the next start) takes them at once, as stale.
    const released = new Date(0).toISOString();
    for (const id of mine) {
      await this.#o.store
        .update(id, (r) =>
          r.job?.owner === this.owner && (r.modelStatus === 'Created' || r.modelStatus === 'InProgress')
            ? {
                ...r,
                modelStatus: 'Created',
                modelStatusMessage: 'Queued again: its replica shut down',
                job: { owner: '', heartbeat: released, attempts: r.job.attempts },
              }
            : undefined,
        )
        .catch(() => {});
    }
  }

  #pump(): void {
    while (!this.#closed && this.#running.size < this.#o.concurrency && this.#waiting.length > 0) {
      const id = this.#waiting.shift()!;
      void this.#run(id);
    }
  }

  async #run(id: string): Promise<void> {
    const queuedAt = this.#queuedAt.get(id) ?? Date.now();
    this.#queuedAt.delete(id);
    const training = new ModelTraining(this.#o, id, (r) => r.job?.owner === this.owner, queuedAt);
    this.#running.set(id, training);
    try {
      await training.run();
    } finally {
      this.#running.delete(id);
      this.#pump();
    }
  }
}
