/**
 * The model registry: one JSON object per model (`models/<id>.json`), one for the default
 * (`default.json`) and the trained artifacts (`artifacts/<id>.sarm`), in a folder or under a GCS prefix
 * (objects.ts). It keeps the records in memory for the serving side (RecordsView) and re-reads them
 * when polled, on SIGHUP (`refresh`) and after its own writes. Every read-modify-write is a conditional
 * write retried from a fresh read, so replicas sharing one registry never lose an update.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../../log.js';
import { RecscoreError } from '../../errors.js';
import { GcsObjects } from './gcs-objects.js';
import { LocalObjects } from './local-objects.js';
import type { ObjectStore } from './objects.js';
import { MODEL_STATUSES, type ModelRecord, type RecordsView } from './record.js';

const MODELS = 'models';
const DEFAULT = 'default.json';
const ATTEMPTS = 20;

const encode = (v: unknown) => new TextEncoder().encode(`${JSON.stringify(v, null, 1)}\n`);

function decodeRecord(bytes: Uint8Array): ModelRecord | undefined {
  try {
    const r = JSON.parse(new TextDecoder().decode(bytes)) as ModelRecord;
    const ok =
      typeof r === 'object' &&
      r !== null &&
      typeof r.id === 'string' &&
      (MODEL_STATUSES as readonly string[]).includes(r.modelStatus) &&
      typeof r.parameters === 'object';
    return ok ? r : undefined;
  } catch {
    return undefined;
  }
}

/** Jittered, growing pause after a lost race, so racing writers spread out instead of colliding again. */
const backoff = (attempt: number) => sleep(Math.random() * 10 * Math.min(attempt + 1, 10));

export interface RegistryOptions {
  log: Logger;
  /** GCS client settings for a gs:// registry (RECSCORE_GCS_ENDPOINT). */
  gcs?: { apiEndpoint?: string };
}

export function objectStoreFor(location: string, gcs: RegistryOptions['gcs'] = {}): ObjectStore {
  return location.startsWith('gs://') ? new GcsObjects(location, gcs) : new LocalObjects(location);
}

export class RegistryStore implements RecordsView {
  readonly objects: ObjectStore;
  readonly #log: Logger;
  #records = new Map<string, { record: ModelRecord; generation: string }>();
  #default: { id: string | undefined; generation: string | null } = { id: undefined, generation: null };
  #listeners = new Set<() => void>();
  #poll: NodeJS.Timeout | undefined;
  #refreshing: Promise<boolean> | undefined;
  // A local write during a refresh is newer than what that refresh read: `#epoch` counts local writes, and a
  // refresh leaves alone every record (and the default) written locally since it started.
  #epoch = 0;
  #touched = new Map<string, number>();
  #defaultTouched = 0;

  constructor(objects: ObjectStore, opts: RegistryOptions) {
    this.objects = objects;
    this.#log = opts.log;
  }

  /** Opens the registry at a folder or gs:// URL and reads it once (a registry that cannot be read fails the start). */
  static async open(location: string, opts: RegistryOptions): Promise<RegistryStore> {
    const store = new RegistryStore(objectStoreFor(location, opts.gcs), opts);
    await store.refresh();
    return store;
  }

  get location(): string {
    return this.objects.location;
  }

  get(id: string): ModelRecord | undefined {
    return this.#records.get(id)?.record;
  }

  list(): readonly ModelRecord[] {
    return [...this.#records.values()]
      .map((e) => e.record)
      .sort((a, b) =>
        a.creationTime < b.creationTime ? -1 : a.creationTime > b.creationTime ? 1 : a.id < b.id ? -1 : 1,
      );
  }

  defaultId(): string | undefined {
    return this.#default.id;
  }

  onChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Re-reads what changed since the last read; true when anything did. Concurrent calls share one read. */
  refresh(): Promise<boolean> {
    this.#refreshing ??= this.#refresh().finally(() => (this.#refreshing = undefined));
    return this.#refreshing;
  }

  async #refresh(): Promise<boolean> {
    const start = ++this.#epoch;
    const fresh = (id: string) => (this.#touched.get(id) ?? 0) < start;
    let changed = false;
    const listed = await this.objects.list(`${MODELS}/`);
    const seen = new Set<string>();
    for (const { name, generation } of listed) {
      const id = /^models\/([^/]+)\.json$/.exec(name)?.[1];
      if (!id) continue;
      seen.add(id);
      if (this.#records.get(id)?.generation === generation) continue;
      const obj = await this.objects.read(name);
      const record = obj && decodeRecord(obj.bytes);
      if (!obj || !record || record.id !== id) {
        if (obj) this.#log.warn('registry: unreadable model record skipped', { code: 'RECSCORE_REGISTRY', name });
        continue;
      }
      if (fresh(id)) changed = this.#put(record, obj.generation) || changed;
    }
    for (const id of [...this.#records.keys()]) if (!seen.has(id) && fresh(id)) changed = this.#drop(id) || changed;
    for (const [id, at] of this.#touched) if (at < start) this.#touched.delete(id);
    const d = await this.objects.read(DEFAULT);
    const keep = this.#defaultTouched >= start; // set locally while this refresh ran: the local value is newer
    if (!keep && !d && this.#default.generation !== null) changed = this.#setDefault(undefined, null) || changed;
    else if (!keep && d && d.generation !== this.#default.generation) {
      const id = (JSON.parse(new TextDecoder().decode(d.bytes)) as { modelId?: string }).modelId;
      changed = this.#setDefault(typeof id === 'string' ? id : undefined, d.generation) || changed;
    }
    if (changed) this.#emit();
    return changed;
  }

  /** Stores a new record (its id must be new). */
  async create(record: ModelRecord): Promise<ModelRecord> {
    const generation = await this.objects.write(`${MODELS}/${record.id}.json`, encode(record), null);
    this.#touch(record.id);
    if (this.#put(record, generation)) this.#emit();
    return record;
  }

  /**
   * Read-modify-write of one record: `mutate` gets the current stored record and returns the new one, or
   * undefined to write nothing. A deleted record is never written back (undefined is returned).
   */
  async update(id: string, mutate: (r: ModelRecord) => ModelRecord | undefined): Promise<ModelRecord | undefined> {
    const name = `${MODELS}/${id}.json`;
    for (let i = 0; i < ATTEMPTS; i++) {
      const obj = await this.objects.read(name);
      const current = obj && decodeRecord(obj.bytes);
      if (!obj || !current) {
        if (this.#drop(id)) this.#emit();
        return undefined;
      }
      const next = mutate(structuredClone(current));
      if (!next) {
        if (this.#put(current, obj.generation)) this.#emit();
        return current;
      }
      try {
        const generation = await this.objects.write(name, encode(next), obj.generation);
        this.#touch(id);
        if (this.#put(next, generation)) this.#emit();
        return next;
      } catch (e) {
        if ((e as RecscoreError).code !== 'RECSCORE_REGISTRY_CONFLICT') throw e;
        await backoff(i);
      }
    }
    throw new RecscoreError('RECSCORE_REGISTRY_CONFLICT', `model ${id}: too many concurrent writers`);
  }

  /** Removes a record (and clears the default if it was this model); returns the removed record. */
  async remove(id: string): Promise<ModelRecord | undefined> {
    const name = `${MODELS}/${id}.json`;
    const obj = await this.objects.read(name);
    const record = obj && decodeRecord(obj.bytes);
    if (!obj) {
      if (this.#drop(id)) this.#emit();
      return undefined;
    }
    await this.objects.remove(name);
    this.#touch(id);
    this.#drop(id);
    await this.#writeDefault((current) => (current === id ? undefined : current));
    this.#emit();
    return record ?? undefined;
  }

  /** Sets the default model; the last of concurrent writers wins and every replica reads the same object. */
  async setDefault(id: string): Promise<void> {
    await this.#writeDefault(() => id);
    this.#emit();
  }

  async #writeDefault(next: (current: string | undefined) => string | undefined): Promise<void> {
    for (let i = 0; i < ATTEMPTS; i++) {
      const obj = await this.objects.read(DEFAULT);
      const current = obj
        ? (JSON.parse(new TextDecoder().decode(obj.bytes)) as { modelId?: string }).modelId
        : undefined;
      const id = next(current);
      if (id === current) {
        this.#setDefault(current, obj?.generation ?? null);
        return;
      }
      try {
        if (id === undefined) {
          await this.objects.remove(DEFAULT, obj?.generation ?? null);
          this.#setDefault(undefined, null, true);
        } else {
          const body = { modelId: id, updated: new Date().toISOString() };
          this.#setDefault(id, await this.objects.write(DEFAULT, encode(body), obj?.generation ?? null), true);
        }
        return;
      } catch (e) {
        if ((e as RecscoreError).code !== 'RECSCORE_REGISTRY_CONFLICT') throw e;
        await backoff(i);
      }
    }
    throw new RecscoreError('RECSCORE_REGISTRY_CONFLICT', 'the default model: too many concurrent writers');
  }

  /** Writes a trained model's packed bytes beside the records; returns its location (path or gs:// URL). */
  async writeArtifact(id: string, bytes: Uint8Array): Promise<string> {
    const name = `artifacts/${id}.sarm`;
    await this.objects.write(name, bytes);
    return this.objects.urlOf(name);
  }

  async removeArtifact(id: string): Promise<void> {
    await this.objects.remove(`artifacts/${id}.sarm`);
  }

  /** Re-reads every `ms` (0: never); read errors are logged and retried at the next tick. */
  startPolling(ms: number): void {
    this.stopPolling();
    if (ms <= 0) return;
    this.#poll = setInterval(() => {
      this.refresh().catch((e: unknown) =>
        this.#log.warn('registry: poll failed', { code: 'RECSCORE_REGISTRY', error: (e as Error).message }),
      );
    }, ms).unref();
  }

  stopPolling(): void {
    if (this.#poll) clearInterval(this.#poll);
    this.#poll = undefined;
  }

  async close(): Promise<void> {
    this.stopPolling();
    await this.#refreshing?.catch(() => {});
    await this.objects.close();
  }

  #touch(id: string): void {
    this.#touched.set(id, ++this.#epoch);
  }

  #put(record: ModelRecord, generation: string): boolean {
    const had = this.#records.get(record.id);
    if (had?.generation === generation) return false;
    this.#records.set(record.id, { record, generation });
    return true;
  }

  #drop(id: string): boolean {
    return this.#records.delete(id);
  }

  #setDefault(id: string | undefined, generation: string | null, local = false): boolean {
    if (local) this.#defaultTouched = ++this.#epoch;
    const changed = this.#default.id !== id;
    this.#default = { id, generation };
    return changed;
  }

  #emit(): void {
    for (const l of this.#listeners) {
      try {
        l();
      } catch (e) {
        this.#log.error('registry: change listener failed', { error: e });
      }
    }
  }
}
