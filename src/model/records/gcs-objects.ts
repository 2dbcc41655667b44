/**
 * A registry under `gs://bucket/prefix`. GCS writes are atomic per object; conditional writes use GCS's
 * generation preconditions (`ifGenerationMatch`, 0 = must not exist), so replicas sharing the prefix
 * never lose an update: a writer that lost the race gets 412 and retries from a fresh read.
 * The client is the one the GCS model source builds (RECSCORE_GCS_ENDPOINT, its timeouts).
 */
import type { Storage } from '@google-cloud/storage';
import { gcsStorage } from '../source/gcs-client.js';
import { parseGcsOptions, type GcsSourceOptions } from '../source/gcs-options.js';
import { conflict, storageError, type ObjectStore, type Precondition, type StoredObject } from './objects.js';

function statusOf(e: unknown): number | undefined {
  const code = (e as { code?: unknown }).code;
  return typeof code === 'number' ? code : undefined;
}

export function parseGsUrl(url: string): { bucket: string; prefix: string } {
  const m = /^gs:\/\/([^/]+)\/?(.*)$/.exec(url);
  if (!m) throw new Error(`not a gs:// URL: ${url}`);
  return { bucket: m[1], prefix: m[2].replace(/\/+$/, '') };
}

export class GcsObjects implements ObjectStore {
  readonly location: string;
  readonly #storage: Storage;
  readonly #bucket: string;
  readonly #prefix: string;

  constructor(url: string, gcs: Pick<GcsSourceOptions, 'apiEndpoint' | 'projectId' | 'keyFilename'> = {}) {
    const { bucket, prefix } = parseGsUrl(url);
    this.#bucket = bucket;
    this.#prefix = prefix;
    this.location = `gs://${bucket}/${prefix}`;
    this.#storage = gcsStorage(parseGcsOptions(gcs));
  }

  #key(name: string): string {
    return this.#prefix ? `${this.#prefix}/${name}` : name;
  }

  urlOf(name: string): string {
    return `gs://${this.#bucket}/${this.#key(name)}`;
  }

  async list(prefix: string): Promise<Array<{ name: string; generation: string }>> {
    try {
      const [files] = await this.#storage
        .bucket(this.#bucket)
        .getFiles({ prefix: this.#key(prefix), autoPaginate: true });
      const strip = this.#prefix ? this.#prefix.length + 1 : 0;
      return files.map((f) => ({ name: f.name.slice(strip), generation: String(f.metadata.generation) }));
    } catch (e) {
      throw storageError(this.location, `listing ${prefix}`, e);
    }
  }

  async read(name: string): Promise<StoredObject | undefined> {
    const bucket = this.#storage.bucket(this.#bucket);
    try {
      const [meta] = await bucket.file(this.#key(name)).getMetadata();
      const generation = String(meta.generation);
      // Pinned to the generation just seen, so bytes and generation always belong together.
      const [bytes] = await bucket.file(this.#key(name), { generation: Number(generation) }).download();
      return { bytes, generation };
    } catch (e) {
      if (statusOf(e) === 404) return undefined;
      throw storageError(this.location, `reading ${name}`, e);
    }
  }

  async write(name: string, bytes: Uint8Array, expected?: Precondition): Promise<string> {
    const file = this.#storage.bucket(this.#bucket).file(this.#key(name));
    const match = expected === undefined ? undefined : expected === null ? 0 : Number(expected);
    try {
      await file.save(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), {
        resumable: false,
        contentType: name.endsWith('.json') ? 'application/json' : 'application/octet-stream',
        ...(match === undefined ? {} : { preconditionOpts: { ifGenerationMatch: match } }),
      });
      return String(file.metadata.generation);
    } catch (e) {
      if (statusOf(e) === 412) throw conflict(this.location, name);
      throw storageError(this.location, `writing ${name}`, e);
    }
  }

  async remove(name: string, expected?: Precondition): Promise<boolean> {
    if (expected === null) return false;
    const file = this.#storage.bucket(this.#bucket).file(this.#key(name));
    try {
      await file.delete(expected === undefined ? {} : { ifGenerationMatch: Number(expected) });
      return true;
    } catch (e) {
      if (statusOf(e) === 404) return false;
      if (statusOf(e) === 412) throw conflict(this.location, name);
      throw storageError(this.location, `removing ${name}`, e);
    }
  }

  async close(): Promise<void> {}
}
