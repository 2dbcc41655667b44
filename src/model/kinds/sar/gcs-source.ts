/**
 * A SAR model source for one packed `.sarm` object in GCS (`gs://bucket/path/model.sarm`, the artifact a
 * registry record names). `check()` pins the object's generation, size and hashes; `read()` downloads
 * exactly that generation with the GCS model source's bounded, verified attempts (gcs-download.ts) and its
 * retry policy, through the project's one client builder (`gcsStorage`).
 */
import type { Storage } from '@google-cloud/storage';
import { ModelError } from '../../../errors.js';
import { gcsStorage } from '../../source/gcs-client.js';
import { downloadOnce } from '../../source/gcs-download.js';
import { parseGcsOptions, type GcsSettings, type GcsSourceOptions } from '../../source/gcs-options.js';
import { isTransient } from '../../source/gcs-source.js';
import { withRetries } from '../../source/retry.js';
import {
  versionId,
  type ModelObject,
  type ModelSource,
  type ReadOptions,
  type SourceVersion,
} from '../../source/source.js';

export type SarGcsOptions = Omit<GcsSourceOptions, 'kinds' | 'logger'>;

export class SarGcsSource implements ModelSource {
  readonly location: string;
  readonly #bucket: string;
  readonly #name: string;
  readonly #settings: GcsSettings;
  readonly #storage: Storage;

  constructor(url: string, opts: SarGcsOptions = {}) {
    const m = /^gs:\/\/([^/]+)\/(.+)$/.exec(url.trim());
    if (!m) throw new ModelError('RECSCORE_MODEL_SOURCE', url, 'not a gs://bucket/object URL');
    this.location = url.trim();
    [, this.#bucket, this.#name] = m;
    const { storage, ...rest } = opts;
    this.#settings = parseGcsOptions(rest);
    this.#storage = storage ?? gcsStorage(this.#settings);
  }

  async check(signal?: AbortSignal): Promise<SourceVersion> {
    const [meta] = await this.#retrying(signal, () =>
      this.#storage.bucket(this.#bucket).file(this.#name).getMetadata(),
    );
    const hashes = { ...(meta.md5Hash ? { md5: meta.md5Hash } : {}), ...(meta.crc32c ? { crc32c: meta.crc32c } : {}) };
    const obj: ModelObject = {
      kind: 'sarModel',
      name: this.#name,
      compressed: false,
      size: Number(meta.size),
      version: String(meta.generation),
      location: this.location,
      hashes,
    };
    return { id: versionId([obj]), objects: [obj], checkedAt: new Date() };
  }

  async read(obj: ModelObject, opts: ReadOptions = {}): Promise<Buffer> {
    const file = this.#storage.bucket(this.#bucket).file(obj.name, { generation: Number(obj.version) });
    const onBytes = opts.onProgress && ((n: number) => opts.onProgress!(n, obj.size));
    return this.#retrying(opts.signal, () => downloadOnce(file, obj, this.#settings, { signal: opts.signal, onBytes }));
  }

  async close(): Promise<void> {}

  async #retrying<T>(signal: AbortSignal | undefined, fn: () => Promise<T>): Promise<T> {
    const s = this.#settings;
    const policy = { attempts: s.attempts, baseMs: s.backoffBaseMs, maxMs: s.backoffMaxMs };
    try {
      return await withRetries(policy, { signal, isTransient }, fn);
    } catch (err) {
      if (signal?.aborted) throw signal.reason;
      const status = (err as { code?: unknown })?.code;
      if (status === 404)
        throw new ModelError('RECSCORE_MODEL_MISSING', this.location, 'not found (HTTP 404)', { cause: err });
      const detail = typeof status === 'number' ? `HTTP ${status}: ` : '';
      throw new ModelError('RECSCORE_MODEL_SOURCE', this.location, `${detail}${(err as Error)?.message ?? err}`, {
        cause: err,
      });
    }
  }
}
