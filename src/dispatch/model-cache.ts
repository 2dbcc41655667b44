/**
 * The registry's models in the serving path (issue #13): each Completed record's packed artifact loaded
 * into its own shared WebAssembly.Memory (through the SAR kind, in a loader thread, so the event loop never
 * parses), warmed in every pool worker, then served; several versions side by side within a byte budget.
 *
 * - Single flight: concurrent first requests for a model wait for one load. A failed load (missing or
 *   corrupt artifact) fails that model only, with its error, and is retried after FAILURE_RETRY_MS.
 * - Budget: before a load, the least recently used models are evicted until the artifact fits (a model
 *   bigger than the whole budget is still served, alone). Bytes are each memory's size, workers' scratch
 *   included. An evicted model is released in the workers (pool.release) when its last request finished.
 * - Keys are id + artifact: a record whose artifact, status or existence changed is dropped on the view's
 *   change event; the next request loads what the record names now.
 * - Default: loaded at start; when the default changes, the new one is loaded and warmed while the old
 *   one keeps answering `default` requests, then one assignment switches (as TAAR versions swap). A new
 *   default that fails to load leaves the old one serving.
 */
import { RecscoreError } from '../errors.js';
import { log as rootLog, type Logger } from '../log.js';
import type { SarPackedModel } from '../model/kinds/sar/packed-model.js';
import type { ModelRecord, RecordsView } from '../model/records/record.js';
import type { GcsSourceOptions } from '../model/source/gcs-options.js';
import type { ModelFacts } from '../recommend/contracts.js';
import { sarServing } from './kinds.js';
import { describeFailure, loadArtifact, type LoadJob } from './model-load.js';

export type { LoadJob } from './model-load.js';

/** A failed model is not reloaded on every request (a corrupt GiB file would be read again and again). */
export const FAILURE_RETRY_MS = 30_000;

export interface ServedModel {
  /** The record as it was when the model was loaded. */
  readonly record: ModelRecord;
  readonly model: SarPackedModel;
  readonly facts: ModelFacts;
}

/** A model in use by one request: `done()` when scoring finished (an evicted model is released after). */
export interface Lease {
  readonly served: ServedModel;
  done(): void;
}

export interface ModelCacheOptions {
  records: RecordsView;
  pool: { warm(model: SarPackedModel): Promise<void>; release(model: SarPackedModel): void };
  budgetBytes: number;
  gcs?: Omit<GcsSourceOptions, 'kinds' | 'logger'>;
  logger?: Logger;
  /** Default: check the artifact's source here, then pack it in a loader thread. */
  load?: (job: LoadJob) => Promise<SarPackedModel>;
  now?: () => number;
}

interface Entry {
  key: string;
  id: string;
  artifact: string;
  loading?: Promise<ServedModel>;
  served?: ServedModel;
  failure?: { error: unknown; at: number };
  /** Bytes promised to a load in progress (its artifact's size). */
  reserved: number;
  inflight: number;
  evicted: boolean;
}

const keyOf = (id: string, artifact: string) => `${id}\n${artifact}`;
const bytesOf = (e: Entry) => (e.served ? e.served.model.memory.buffer.byteLength : e.reserved);

export class ModelCache {
  readonly #o: ModelCacheOptions;
  readonly #log: Logger;
  readonly #now: () => number;
  /** Insertion order = recency of use (a use moves its entry to the end). */
  readonly #entries = new Map<string, Entry>();
  #defaultKey: string | undefined;
  #seq = 0;
  #unsubscribe: (() => void) | undefined;

  constructor(opts: ModelCacheOptions) {
    this.#o = opts;
    this.#log = (opts.logger ?? rootLog).child({ component: 'model-cache' });
    this.#now = opts.now ?? Date.now;
    this.#unsubscribe = opts.records.onChange(() => this.#changed());
  }

  /** Loads the default model (its failure is logged: the others still serve). */
  async start(): Promise<void> {
    const id = this.#o.records.defaultId();
    if (id !== undefined) await this.#switchDefault(id).catch(() => {});
  }

  /** The model `id`, loaded if needed: 404 unknown, 409 not Completed, the load's error if it failed. */
  async acquire(id: string): Promise<Lease> {
    const entry = this.#recordEntry(id);
    return this.#lease(entry, await this.#ready(entry));
  }

  /** The default model; while a new default loads (or after it failed), the previous one answers. */
  async acquireDefault(): Promise<Lease> {
    const id = this.#o.records.defaultId();
    if (id === undefined) throw new RecscoreError('RECSCORE_NO_DEFAULT_MODEL', 'no default model is set');
    const current = this.#defaultKey === undefined ? undefined : this.#entries.get(this.#defaultKey);
    if (current?.served && current.id === id && this.#servable(current)) return this.#lease(current);
    const next = this.#switchDefault(id);
    if (current?.served && this.#o.records.get(current.id)?.modelStatus === 'Completed') {
      next.catch(() => {}); // logged by #switchDefault; the old default keeps answering
      return this.#lease(current);
    }
    await next;
    const entry = this.#recordEntry(id);
    return this.#lease(entry, await this.#ready(entry));
  }

  /** Loaded models and their bytes, most recently used last (for status routes and tests). */
  loaded(): Array<{ id: string; version: string; bytes: number; inflight: number; isDefault: boolean }> {
    return [...this.#entries.values()]
      .filter((e) => e.served)
      .map((e) => ({
        id: e.id,
        version: e.served!.model.version,
        bytes: bytesOf(e),
        inflight: e.inflight,
        isDefault: e.key === this.#defaultKey,
      }));
  }

  get bytes(): number {
    let n = 0;
    for (const e of this.#entries.values()) n += bytesOf(e);
    return n;
  }

  close(): void {
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
    for (const e of [...this.#entries.values()]) this.#evict(e);
    this.#defaultKey = undefined;
  }

  #recordEntry(id: string): Entry {
    const record = this.#o.records.get(id);
    if (!record) throw new RecscoreError('RECSCORE_MODEL_NOT_FOUND', `no model ${id}`);
    if (record.kind !== 'sar') {
      const message = `model ${id} is a ${record.kind} model set: it is served by the TAAR routes`;
      throw new RecscoreError('RECSCORE_BAD_REQUEST', message);
    }
    if (record.modelStatus !== 'Completed') {
      const why = record.modelStatusMessage ? ` (${record.modelStatusMessage})` : '';
      const message = `model ${id} is ${record.modelStatus}${why}, not Completed`;
      throw new RecscoreError('RECSCORE_MODEL_NOT_COMPLETED', message, { modelStatus: record.modelStatus });
    }
    if (!record.artifact)
      throw new RecscoreError('RECSCORE_MODEL_MISSING', `model ${id} is Completed without artifact`);
    const key = keyOf(id, record.artifact);
    let entry = this.#entries.get(key);
    if (!entry) {
      entry = { key, id, artifact: record.artifact, reserved: 0, inflight: 0, evicted: false };
      this.#entries.set(key, entry);
    }
    return entry;
  }

  async #ready(entry: Entry): Promise<ServedModel> {
    if (entry.served) return entry.served;
    if (entry.loading) return entry.loading;
    if (entry.failure && this.#now() - entry.failure.at < FAILURE_RETRY_MS) throw entry.failure.error;
    entry.failure = undefined;
    entry.loading = this.#load(entry);
    try {
      return await entry.loading;
    } finally {
      entry.loading = undefined;
    }
  }

  async #load(entry: Entry): Promise<ServedModel> {
    const started = this.#now();
    const job: LoadJob = {
      artifact: entry.artifact,
      versionSuffix: `${entry.id}#${++this.#seq}`,
      reserve: (bytes) => {
        entry.reserved = bytes;
        this.#makeRoom(entry);
      },
    };
    try {
      const model = await (this.#o.load ?? ((j) => loadArtifact(j, this.#o.gcs)))(job);
      await this.#o.pool.warm(model);
      const record = this.#o.records.get(entry.id);
      const served: ServedModel = {
        record: record ?? ({ id: entry.id } as ModelRecord),
        model,
        facts: sarServing.createFacts(model),
      };
      if (entry.evicted || !record) {
        // Deleted or changed while loading: nobody will ask for this key again.
        this.#o.pool.release(model);
        throw new RecscoreError('RECSCORE_MODEL_NOT_FOUND', `model ${entry.id} changed while it was loading`);
      }
      entry.served = served;
      entry.reserved = 0;
      this.#makeRoom(entry);
      const ms = this.#now() - started;
      this.#log.info('model loaded', { model: entry.id, version: model.version, bytes: bytesOf(entry), ms });
      return served;
    } catch (error) {
      entry.reserved = 0;
      const e = describeFailure(entry.id, error);
      if (!entry.evicted) entry.failure = { error: e, at: this.#now() };
      this.#log.error('model cannot be loaded', { model: entry.id, artifact: entry.artifact, error: e });
      throw e;
    }
  }

  /** Evicts least recently used models (never `keep`, the default or a load in progress) until all fit. */
  #makeRoom(keep: Entry): void {
    let total = this.bytes;
    for (const e of [...this.#entries.values()]) {
      if (total <= this.#o.budgetBytes) return;
      if (e === keep || e.key === this.#defaultKey || !e.served || e.loading) continue;
      total -= bytesOf(e);
      this.#log.info('model evicted (memory budget)', { model: e.id, bytes: bytesOf(e), budget: this.#o.budgetBytes });
      this.#evict(e);
    }
    if (total > this.#o.budgetBytes)
      this.#log.warn('models in memory exceed the budget', { bytes: total, budget: this.#o.budgetBytes });
  }

  #evict(e: Entry): void {
    this.#entries.delete(e.key);
    e.evicted = true;
    if (e.inflight === 0) this.#release(e);
  }

  /** `model`: also one an evicted entry handed to a late request (a repeated release is harmless). */
  #release(e: Entry, model = e.served?.model): void {
    if (model) this.#o.pool.release(model);
    e.served = undefined; // the memory can be collected once the workers dropped it too
  }

  /** `served`: what the entry held when the request resolved it (it may be evicted since: still scored on it). */
  #lease(e: Entry, served = e.served!): Lease {
    e.inflight++;
    if (!e.evicted) {
      this.#entries.delete(e.key); // most recently used last
      this.#entries.set(e.key, e);
    }
    let done = false;
    return {
      served,
      done: () => {
        if (done) return;
        done = true;
        if (--e.inflight === 0 && e.evicted) this.#release(e, served.model);
      },
    };
  }

  #servable(e: Entry): boolean {
    const r = this.#o.records.get(e.id);
    return r?.modelStatus === 'Completed' && r.artifact === e.artifact;
  }

  /** Loads `id` beside the current default, then makes it the default in one assignment. */
  async #switchDefault(id: string): Promise<void> {
    try {
      const entry = this.#recordEntry(id);
      await this.#ready(entry);
      if (this.#o.records.defaultId() === id && !entry.evicted && entry.served && this.#defaultKey !== entry.key) {
        const previous = this.#defaultKey === undefined ? undefined : this.#entries.get(this.#defaultKey);
        this.#defaultKey = entry.key;
        this.#log.info('default model switched', { model: id });
        // A previous default kept only to answer during the switch (its record changed) goes now.
        if (previous && !this.#servable(previous)) this.#evict(previous);
      }
    } catch (error) {
      this.#log.error('default model not switched: the previous one keeps serving', { model: id, error });
      throw error;
    }
  }

  /** The records changed: drop what they no longer name, and preload a new default. */
  #changed(): void {
    const records = this.#o.records;
    for (const e of [...this.#entries.values()]) {
      if (this.#servable(e)) continue;
      const r = records.get(e.id);
      // The serving default stays until its successor is ready, unless its record is gone.
      if (e.key === this.#defaultKey && r?.modelStatus === 'Completed') continue;
      if (e.key === this.#defaultKey) this.#defaultKey = undefined;
      if (!e.loading) this.#evict(e);
      else {
        // Its load finishes, sees the flag and releases what it loaded; the next request starts afresh.
        this.#entries.delete(e.key);
        e.evicted = true;
      }
    }
    const id = records.defaultId();
    if (id === undefined) this.#defaultKey = undefined;
    else {
      const current = this.#defaultKey === undefined ? undefined : this.#entries.get(this.#defaultKey);
      if (!current || current.id !== id || !this.#servable(current)) this.#switchDefault(id).catch(() => {});
    }
  }
}
