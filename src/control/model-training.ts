/**
 * One model's training, whichever queue runs it (embedded: training-queue.ts; Redis: shared-queue.ts):
 * claim the record (`Created` → `InProgress`, attempts + 1), train in a worker thread with throttled
 * progress in `modelStatusMessage` (which doubles as the heartbeat), write the artifact beside the
 * registry, then `Completed` with statistics, or `Failed` with the reason and the parse report. Every write
 * is conditional on the record still being this job's (`owns`); a record deleted meanwhile stops the
 * thread and its artifact is removed.
 */
import { RecscoreError, isRecscoreError } from '../errors.js';
import type { Logger } from '../log.js';
import type { ModelRecord } from '../model/records/record.js';
import type { RegistryStore } from '../model/records/registry-store.js';
import { sarParamsOf } from './model-params.js';
import { trainInThread, type RunningTraining, type TrainResult } from './train-thread.js';
import { resolveUsage } from './usage-path.js';
import type { EventsInput } from '../model/kinds/sar/parse/store-usage.js';

/** A job interrupted this many times (its replica stopped) is failed instead of tried again. */
export const MAX_ATTEMPTS = 2;
/** Owner of the records whose jobs are in the Redis queue (any replica may run them). */
export const SHARED_OWNER_PREFIX = 'bullmq:';

export interface TrainingDeps {
  store: RegistryStore;
  log: Logger;
  dataDir: string;
  maxBadLines: number;
  gcsEndpoint?: string;
  /** The server's event store, read by `events:FROM..TO` usage (default: the event settings of the environment). */
  usageEvents?: EventsInput;
  /** Least time between two progress writes (default 1 s). */
  progressMs?: number;
}

export type TrainingOutcome = 'completed' | 'failed' | 'cancelled' | 'skipped';

export class ModelTraining {
  readonly #d: TrainingDeps;
  readonly #id: string;
  readonly #owns: (r: ModelRecord) => boolean;
  readonly #queuedAt: number;
  #cancelled = false;
  #thread: RunningTraining | undefined;
  #done: Promise<TrainingOutcome> | undefined;

  constructor(deps: TrainingDeps, id: string, owns: (r: ModelRecord) => boolean, queuedAt = Date.now()) {
    this.#d = deps;
    this.#id = id;
    this.#owns = owns;
    this.#queuedAt = queuedAt;
  }

  /** Stops the job (the thread at once); resolves when `run` has returned. */
  async cancel(): Promise<void> {
    this.#cancelled = true;
    this.#thread?.cancel();
    await this.#done?.catch(() => {});
  }

  run(): Promise<TrainingOutcome> {
    this.#done ??= this.#run();
    return this.#done;
  }

  async #run(): Promise<TrainingOutcome> {
    const { store, log } = this.#d;
    const id = this.#id;
    const started = Date.now();
    try {
      const record = await store.update(id, (r) => {
        if (!this.#owns(r) || (r.modelStatus !== 'Created' && r.modelStatus !== 'InProgress')) return undefined;
        const attempts = (r.job?.attempts ?? 0) + 1;
        if (attempts > MAX_ATTEMPTS) {
          const why = `Training interrupted: its replica stopped during ${attempts - 1} training attempts`;
          return { ...r, modelStatus: 'Failed', modelStatusMessage: why, job: undefined };
        }
        return {
          ...r,
          modelStatus: 'InProgress',
          modelStatusMessage: 'Training: starting',
          job: { owner: r.job?.owner ?? '', heartbeat: new Date().toISOString(), attempts },
        };
      });
      if (record?.modelStatus !== 'InProgress' || !this.#owns(record) || this.#cancelled) return 'skipped';
      const result = await this.#train(record);
      if (this.#cancelled) return 'cancelled';
      const artifact = await store.writeArtifact(id, result.image);
      const done = await store.update(id, (r) =>
        r.modelStatus === 'InProgress' && this.#owns(r)
          ? {
              ...r,
              modelStatus: 'Completed',
              modelStatusMessage: 'Model training completed',
              artifact,
              statistics: statisticsOf(result, started - this.#queuedAt, Date.now() - started, result.image.byteLength),
              job: undefined,
            }
          : undefined,
      );
      if (done?.modelStatus !== 'Completed') {
        // Deleted while training: the artifact has no record any more.
        await store.removeArtifact(id).catch(() => {});
        return 'cancelled';
      }
      log.info('training: model completed', { model: id, seconds: (Date.now() - this.#queuedAt) / 1000 });
      return 'completed';
    } catch (e) {
      if (this.#cancelled) return 'cancelled';
      await this.#fail(e);
      return 'failed';
    }
  }

  #train(record: ModelRecord): Promise<TrainResult> {
    const { store, dataDir } = this.#d;
    const p = record.parameters;
    const progressMs = this.#d.progressMs ?? 1_000;
    let lastWrite = 0;
    let writing = false;
    this.#thread = trainInThread(
      {
        usage: resolveUsage(p.usage, dataDir),
        evaluationUsage: p.evaluationUsage ? resolveUsage(p.evaluationUsage, dataDir) : undefined,
        params: sarParamsOf(p),
        maxBadLines: this.#d.maxBadLines,
        gcsEndpoint: this.#d.gcsEndpoint,
        events: this.#d.usageEvents,
      },
      (message) => {
        // Throttled, and never two writes at once: progress is advisory, the final write is not.
        const now = Date.now();
        if (writing || now - lastWrite < progressMs) return;
        writing = true;
        lastWrite = now;
        store
          .update(record.id, (r) =>
            r.modelStatus === 'InProgress' && this.#owns(r) && r.job
              ? { ...r, modelStatusMessage: message, job: { ...r.job, heartbeat: new Date().toISOString() } }
              : undefined,
          )
          .then((r) => {
            // Deleted (or taken over) elsewhere: stop training a model nobody will use.
            if (!r || !this.#owns(r) || r.modelStatus !== 'InProgress') void this.cancel();
          })
          .catch(() => {})
          .finally(() => (writing = false));
      },
    );
    return this.#thread.result;
  }

  async #fail(e: unknown): Promise<void> {
    const err = isRecscoreError(e) ? e : new RecscoreError('RECSCORE_INTERNAL', (e as Error)?.message ?? String(e));
    const report = err.details?.report;
    this.#d.log.warn('training: model failed', { model: this.#id, code: err.code, error: err.message });
    await this.#d.store
      .update(this.#id, (r) =>
        this.#owns(r) && (r.modelStatus === 'InProgress' || r.modelStatus === 'Created')
          ? {
              ...r,
              modelStatus: 'Failed',
              modelStatusMessage: `${err.code}: ${err.message}`.slice(0, 2000),
              statistics: report ? { parseReport: report } : r.statistics,
              job: undefined,
            }
          : undefined,
      )
      .catch((w: unknown) => this.#d.log.error('training: could not record a failure', { model: this.#id, error: w }));
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
