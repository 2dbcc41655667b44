/**
 * The scoring pool: the `Scorer` the server uses. Encodes each request against the current model on the
 * main thread, micro-batches requests (batcher.ts) and runs each batch in a Piscina worker on the WASM
 * kernel over the model's shared memory (worker.ts). Piscina and the batcher stay private. A trip (trip.ts:
 * one request's several kernel-backed parts, any kinds) is queued like a request and goes to one worker as
 * one task; the plain batches of its flush are formed exactly as without it.
 *
 * minThreads = maxThreads: a respawned worker re-creates its WASM instance, so the pool never shrinks.
 * A worker that fails while starting stops Piscina from respawning; `healthy` turns false after
 * consecutive batch failures so that /ready reports it and the breaker routes to fallbacks.
 */
import { Piscina } from 'piscina';
import { defaultOf } from '../config/index.js';
import { RecscoreError } from '../errors.js';
import { log as rootLog, type Logger } from '../log.js';
import type { ServableModel } from '../model/kind.js';
import { encodeClient } from '../recommend/client-features.js';
import type { ScoreInput, ScoreOutput, Scorer, VersionInService } from '../recommend/contracts.js';
import { MicroBatcher } from './batcher.js';
import { taarOutput } from './encode-batch.js';
import { servingKind } from './kinds.js';
import * as P from './protocol.js';
import { ReleaseList } from './release.js';

export interface PoolOptions {
  workers?: number;
  maxBatch?: number;
  maxQueue?: number;
  /** batches in flight per worker: 2 keeps a worker busy while the main thread prepares the next one */
  inflightPerWorker?: number;
  logger?: Logger;
  onBatch?: (batch: BatchTiming) => void;
}

/** One batch's path, in ms: posted → worker starts (hand-off) → worker ends (compute) → result here (return). */
export interface BatchTiming {
  size: number;
  handoffMs: number;
  computeMs: number;
  returnMs: number;
  /** ensembles computed by the TypeScript reference instead of the WASM kernel */
  referenceEnsembles: number;
  /** SAR: model versions whose kernels the worker holds after the batch (bounded; see release.ts) */
  kernelsHeld?: number;
}

/** A request encoded by its kind's encoder (src/dispatch/kinds.ts), on the version it is scored on. */
export interface PoolItem {
  model: ServableModel;
}

/** A request's place in its batch's result. */
export interface PoolSlot {
  views: P.ResultViews;
  index: number;
}

/** Several requests (any kinds and versions) that go to a worker together: one trip (trip.ts). */
export interface PoolTrip {
  parts: PoolItem[];
}
/** Each part's place in the trip's result, or the error that failed that part alone. */
export type TripSlots = Array<{ ok: true; slot: PoolSlot } | { ok: false; error: RecscoreError }>;

export class ScoringPool implements Scorer {
  readonly #piscina: Piscina;
  readonly #batcher: MicroBatcher<PoolItem | PoolTrip, PoolSlot | TripSlots>;
  readonly #log: Logger;
  #consecutiveFailures = 0;
  readonly #perWorker: number;
  readonly #released = new ReleaseList();
  readonly workers: number;

  constructor(opts: PoolOptions = {}) {
    this.workers = opts.workers ?? defaultOf('workers');
    this.#perWorker = opts.inflightPerWorker ?? defaultOf('inflightPerWorker');
    this.#log = (opts.logger ?? rootLog).child({ component: 'pool' });
    this.#piscina = new Piscina({
      filename: new URL('./worker.js', import.meta.url).href,
      minThreads: this.workers,
      maxThreads: this.workers,
      idleTimeout: Number.POSITIVE_INFINITY,
      // A worker holds its next batch while it computes one, so it starts it without waiting for the
      // main thread to hear of the first result (measured: 19 µs between batches, against ~160 µs to
      // wake an idle worker on this machine).
      concurrentTasksPerWorker: this.#perWorker,
    });
    this.#piscina.on('error', (e: unknown) => {
      this.#consecutiveFailures++;
      this.#log.error('worker error', { err: e });
    });
    const onBatch = opts.onBatch;
    this.#batcher = new MicroBatcher((items) => this.#runBatch(items, onBatch), {
      maxBatch: opts.maxBatch ?? defaultOf('maxBatch'),
      maxQueue: opts.maxQueue ?? defaultOf('maxQueue'),
      maxInflight: this.workers * this.#perWorker,
      executors: this.workers,
    });
  }

  get queueDepth(): number {
    return this.#batcher.queueDepth;
  }
  get healthy(): boolean {
    return this.#consecutiveFailures < 3;
  }

  async #runBatch(all: Array<PoolItem | PoolTrip>, onBatch?: (batch: BatchTiming) => void) {
    // A swap can leave requests of two versions in one flush: each version is its own task. A trip (several
    // requests of one surface answer) is a task of its own, whatever else the flush holds.
    const byModel = new Map<ServableModel, number[]>();
    const trips: number[] = [];
    all.forEach((it, i) => {
      if (!('model' in it)) {
        trips.push(i);
        return;
      }
      const idx = byModel.get(it.model);
      if (idx) idx.push(i);
      else byModel.set(it.model, [i]);
    });
    const items = all as PoolItem[]; // indices in byModel name PoolItems only
    const out = new Array<PoolSlot | TripSlots>(all.length);
    let computeMs = 0;
    const runTrip = async (i: number) => {
      const ms = await this.#runTrip((all[i] as PoolTrip).parts, (slots) => (out[i] = slots), onBatch);
      computeMs += ms;
    };
    await Promise.all([
      ...trips.map(runTrip),
      ...[...byModel].map(async ([model, idx]) => {
        const task = servingKind(model.kind).encodeBatch(
          model,
          idx.length === items.length ? items : idx.map((i) => items[i]),
        );
        task.released = this.#released.recent();
        const res = (await this.#visit(task, idx.length, { batch: idx.length }, onBatch)) as P.BatchResult;
        computeMs += res.workerMicros / 1000;
        const views = P.resultViews(res);
        idx.forEach((i, j) => (out[i] = { views, index: j }));
      }),
    ]);
    return { outputs: out, computeMs };
  }

  /** One worker visit for a trip's parts: each part encoded as a batch of one, failing on its own. */
  async #runTrip(parts: PoolItem[], done: (s: TripSlots) => void, onBatch?: (b: BatchTiming) => void) {
    const slots: TripSlots = new Array(parts.length);
    const tasks: P.TaskBase[] = [];
    const at: number[] = [];
    parts.forEach((part, i) => {
      try {
        tasks.push(servingKind(part.model.kind).encodeBatch(part.model, [part]));
        at.push(i);
      } catch (e) {
        slots[i] = { ok: false, error: partError(e) };
      }
    });
    if (tasks.length === 0) {
      done(slots);
      return 0;
    }
    const task: P.MultiTask = { kind: P.MULTI, parts: tasks, released: this.#released.recent() };
    const res = (await this.#visit(task, tasks.length, { trip: true }, onBatch)) as P.MultiResult;
    res.parts.forEach((r, j) => {
      slots[at[j]] =
        'error' in r
          ? { ok: false, error: partError(new Error(r.error)) }
          : { ok: true, slot: { views: P.resultViews(r), index: 0 } };
    });
    done(slots);
    return res.workerMicros / 1000;
  }

  /**
   * One task on a worker: the failure count the pool's health reads, the batch's timing for the metrics, and
   * a warning whenever the TypeScript reference computed ensembles (never silent: it is far slower, issue 11).
   */
  async #visit(
    task: P.TaskBase | P.MultiTask,
    size: number,
    where: Record<string, unknown>,
    onBatch?: (b: BatchTiming) => void,
  ): Promise<P.BatchResult | P.MultiResult> {
    const posted = performance.timeOrigin + performance.now();
    let res: P.BatchResult | P.MultiResult;
    try {
      res = await this.#piscina.run(task);
    } catch (e) {
      this.#consecutiveFailures++;
      const message = `worker failed: ${(e as Error)?.message ?? e}`;
      throw new RecscoreError('RECSCORE_WORKER_FAILED', message, undefined, { cause: e });
    }
    const returned = performance.timeOrigin + performance.now();
    this.#consecutiveFailures = 0;
    onBatch?.({
      size,
      handoffMs: res.startedAt - posted,
      computeMs: res.workerMicros / 1000,
      returnMs: returned - res.endedAt,
      referenceEnsembles: res.referenceEnsembles,
      kernelsHeld: res.kernelsHeld,
    });
    if (res.referenceEnsembles > 0) {
      this.#log.warn('ensembles computed by the TypeScript reference', { count: res.referenceEnsembles, ...where });
    }
    return res;
  }

  /**
   * Any kind's request, already encoded by its kind (e.g. sar-scorer.ts): batched and scored like
   * `score`'s; resolves to its place in the batch result, which the kind decodes.
   */
  submit(item: PoolItem, deadline: number): Promise<PoolSlot> {
    return this.#batcher.submit(item, deadline) as Promise<PoolSlot>;
  }

  /**
   * Several requests, already encoded by their kinds, in ONE worker visit (trip.ts: a surface's kernel-backed
   * sources). Queued, shed and deadline-checked like any request; a part that fails fails alone.
   */
  submitTrip(parts: PoolItem[], deadline: number): Promise<TripSlots> {
    return this.#batcher.submit({ parts }, deadline) as Promise<TripSlots>;
  }

  /** Scores TAAR on `version.model`: the version the caller read once for this request. */
  async score(input: ScoreInput, deadline: number, version: Pick<VersionInService, 'model'>): Promise<ScoreOutput> {
    const model = version.model;
    const client = encodeClient(model, input.clientInfo, input.extra);
    const item = { model, client, pick: input.pick }; // a BatchRequest: TAAR's encoder (kinds.ts) reads it
    const res = (await this.#batcher.submit(item, deadline)) as PoolSlot;
    return taarOutput(model, client, input, res.views, res.index);
  }

  /**
   * Instantiates `model` in every worker before it serves: as many small tasks at once as the workers
   * hold together, so Piscina's least-busy balancer hands each worker its share. The first requests
   * after a start or a swap then pay no WASM instantiation or cold JIT inside their budget.
   */
  async warm(model: ServableModel): Promise<void> {
    const kind = servingKind(model.kind);
    const task = () => ({ ...kind.warmBatch(model), released: this.#released.recent() });
    await Promise.all(Array.from({ length: this.workers * this.#perWorker }, () => this.#piscina.run(task())));
  }

  /**
   * Tells every worker to drop its kernel over `model` (release.ts: with their next tasks), once the caller
   * no longer scores on it (src/dispatch/model-cache.ts releases an evicted version after its last request).
   */
  release(model: ServableModel): void {
    this.#released.add(model.version);
  }

  async close(): Promise<void> {
    this.#batcher.drain('pool closing');
    await this.#piscina.destroy();
  }
}

/** A part that failed alone: its request's own failure, which says nothing of the pool's health. */
function partError(e: unknown): RecscoreError {
  const message = `scoring this part failed in the worker: ${(e as Error)?.message ?? e}`;
  return new RecscoreError('RECSCORE_REQUEST_FAILED', message, { reason: 'request-failed' }, { cause: e });
}
