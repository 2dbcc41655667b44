/**
 * Training jobs shared by the replicas through Redis, with BullMQ (RECSCORE_QUEUE=redis://…): any replica
 * takes the next job (at most `concurrency` at once each); the bound counts the jobs waiting or running in
 * Redis, across replicas. A replica that dies mid-job loses its BullMQ lock: the job is stalled back to
 * waiting and another replica runs it (the record counts the attempt, and fails after MAX_ATTEMPTS). A
 * record whose job vanished from Redis (flushed, or failed by BullMQ) is failed with a reason once its
 * heartbeat is stale. Deleting a model removes its waiting job; a running one stops on its next progress
 * write, which finds the record gone.
 */
import { Queue, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { RecscoreError } from '../errors.js';
import { redactUrl } from '../profile/redis-errors.js';
import type { TrainingJobState } from '../model/records/record.js';
import { ModelTraining, SHARED_OWNER_PREFIX, type TrainingDeps } from './model-training.js';
import type { JobQueue } from './job-queue.js';

const NAME = 'training';

export interface SharedQueueOptions extends TrainingDeps {
  /** redis://host:port[/db] */
  url: string;
  /** Key prefix of the queue in Redis (several deployments, or tests, on one Redis). */
  prefix: string;
  concurrency: number;
  capacity: number;
  /** Interval of the lost-job check (default 5 s) and age of a heartbeat that counts as lost (default 60 s). */
  heartbeatMs?: number;
  staleMs?: number;
}

export class SharedTrainingQueue implements JobQueue {
  readonly owner: string;
  readonly #o: SharedQueueOptions;
  readonly #connections: Redis[] = [];
  readonly #queue: Queue;
  #worker: Worker | undefined;
  readonly #running = new Map<string, ModelTraining>();
  #timer: NodeJS.Timeout | undefined;
  #closing = false;

  constructor(opts: SharedQueueOptions) {
    this.#o = opts;
    this.owner = `${SHARED_OWNER_PREFIX}${opts.prefix}`;
    this.#queue = new Queue(NAME, { connection: this.#connection(), prefix: opts.prefix });
  }

  #connection(): Redis {
    // BullMQ's blocking commands need maxRetriesPerRequest null; errors are logged, reconnects are automatic.
    const c = new Redis(this.#o.url, { maxRetriesPerRequest: null, connectTimeout: 2_000 });
    c.on('error', (e: Error) =>
      this.#o.log.warn('training queue: Redis error', { redis: redactUrl(this.#o.url), error: e.message }),
    );
    this.#connections.push(c);
    return c;
  }

  newJob(): TrainingJobState {
    return { owner: this.owner, heartbeat: new Date().toISOString(), attempts: 0 };
  }

  async admit(): Promise<void> {
    let counts: Record<string, number>;
    try {
      counts = await this.#queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
    } catch (e) {
      throw new RecscoreError('RECSCORE_REGISTRY', `training queue ${redactUrl(this.#o.url)}: ${(e as Error).message}`);
    }
    const n = Object.values(counts).reduce((a, b) => a + b, 0);
    if (n >= this.#o.capacity)
      throw new RecscoreError(
        'RECSCORE_TRAINING_QUEUE_FULL',
        `${n} training jobs are waiting or running (RECSCORE_TRAIN_QUEUE ${this.#o.capacity}); retry later`,
      );
  }

  async enqueue(id: string): Promise<void> {
    // A job that fails by shutdown is tried once more by another replica (see the processor).
    await this.#queue.add(NAME, { id }, { jobId: id, attempts: 2, removeOnComplete: true, removeOnFail: true });
  }

  async cancel(id: string): Promise<void> {
    await this.#running.get(id)?.cancel();
    await this.#queue.remove(id).catch(() => 0); // a job locked by another replica stays; its record is gone
  }

  async start(): Promise<void> {
    await this.#queue.waitUntilReady();
    this.#worker = new Worker(NAME, (job: Job<{ id: string }>) => this.#process(job), {
      connection: this.#connection(),
      prefix: this.#o.prefix,
      concurrency: this.#o.concurrency,
      lockDuration: 30_000,
      stalledInterval: 30_000,
      maxStalledCount: 1,
    });
    this.#worker.on('error', (e) => this.#o.log.warn('training queue: worker error', { error: e.message }));
    this.#timer = setInterval(() => void this.#reconcile(), this.#o.heartbeatMs ?? 5_000).unref();
  }

  async #process(job: Job<{ id: string }>): Promise<void> {
    const { id } = job.data;
    const training = new ModelTraining(this.#o, id, (r) => r.job?.owner === this.owner, job.timestamp);
    this.#running.set(id, training);
    try {
      const outcome = await training.run();
      // Stopped by this replica's shutdown: fail the BullMQ job so that it is retried elsewhere.
      if (outcome === 'cancelled' && this.#closing) throw new Error('replica shutting down');
    } finally {
      this.#running.delete(id);
    }
  }

  /** Fails records whose job is no longer in Redis (their heartbeat stale), so none stays unfinished for ever. */
  async #reconcile(): Promise<void> {
    const staleMs = this.#o.staleMs ?? 60_000;
    try {
      for (const r of this.#o.store.list()) {
        if (r.modelStatus !== 'Created' && r.modelStatus !== 'InProgress') continue;
        if (r.job?.owner !== this.owner || Date.now() - Date.parse(r.job.heartbeat) < staleMs) continue;
        const job = await this.#queue.getJob(r.id);
        const state = job ? await job.getState() : 'missing';
        if (state !== 'missing' && state !== 'completed' && state !== 'failed' && state !== 'unknown') continue;
        const seen = r.job.heartbeat;
        await this.#o.store.update(r.id, (cur) =>
          cur.job?.heartbeat === seen && (cur.modelStatus === 'Created' || cur.modelStatus === 'InProgress')
            ? {
                ...cur,
                modelStatus: 'Failed',
                modelStatusMessage: 'Training interrupted: its job was lost from the queue',
                job: undefined,
              }
            : undefined,
        );
        this.#o.log.warn('training: failed a lost job', { model: r.id, queue_state: state });
      }
    } catch (e) {
      this.#o.log.warn('training queue: lost-job check failed', { error: (e as Error).message });
    }
  }

  async close(): Promise<void> {
    this.#closing = true;
    if (this.#timer) clearInterval(this.#timer);
    await Promise.all([...this.#running.values()].map((t) => t.cancel()));
    await this.#worker?.close();
    await this.#queue.close();
    for (const c of this.#connections) c.disconnect();
  }

  /** Removes every key of this queue (tests: their own prefix only). */
  async obliterate(): Promise<void> {
    await this.#queue.obliterate({ force: true });
  }
}
