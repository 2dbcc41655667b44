/**
 * TAAR's model objects in Google Cloud Storage (SPEC §5), read through @google-cloud/storage 7.
 *
 * `check()` makes one listing call per bucket and pins each object's generation, size and hash;
 * `read()` downloads exactly that generation, so a publication that lands between check and read cannot
 * mix old and new files. The client's own retries are off (`autoRetry: false`; `maxRetries: 0` alone is
 * ignored): retries here are bounded, back off with jitter, and also cover stalled bodies and bad hashes.
 */
import { Readable } from 'node:stream';
import type { File, Storage } from '@google-cloud/storage';
import { withDeadline } from '../../deadline.js';
import { ModelError, type ErrorCode } from '../../errors.js';
import { log as rootLog, type Logger } from '../../log.js';
import { MODEL_FILE_KINDS } from '../kinds/taar/files.js';
import { DownloadFailure, downloadChunks, downloadOnce } from './gcs-download.js';
import { listingsOf, type GcsLayout, type GcsListing } from './gcs-layout.js';
import { gcsStorage } from './gcs-client.js';
import { parseGcsOptions, type GcsSettings, type GcsSourceOptions } from './gcs-options.js';
import { withRetries, type RetryPolicy } from './retry.js';
import { versionId, type ModelObject, type ModelSource, type ReadOptions, type SourceVersion } from './source.js';

interface Listed {
  name: string;
  generation: string;
  size: number;
  md5?: string;
  crc32c?: string;
}

/** A 404 on a pinned generation is a missing file; on a listing, a missing bucket (a source failure). */
interface NotFound {
  code: ErrorCode;
  problem: string;
}
const LISTING_404: NotFound = { code: 'RECSCORE_MODEL_SOURCE', problem: 'bucket not found (HTTP 404)' };

export class GcsModelSource implements ModelSource {
  readonly location: string;
  #layout: GcsLayout;
  #settings: GcsSettings;
  #storage: Storage;
  #policy: RetryPolicy;
  #log: Logger;

  /** `layout` comes from `layoutFromUrl` or `layoutFromEnv` (gcs-layout.ts). */
  constructor(layout: GcsLayout, opts: GcsSourceOptions = {}) {
    const s = parseGcsOptions(opts);
    const kinds = opts.kinds ?? MODEL_FILE_KINDS;
    this.#layout = { ...layout, entries: layout.entries.filter((e) => kinds.includes(e.kind)) };
    this.location = layout.location;
    this.#settings = s;
    this.#policy = { attempts: s.attempts, baseMs: s.backoffBaseMs, maxMs: s.backoffMaxMs };
    this.#log = (opts.logger ?? rootLog).child({ component: 'model-source', source: this.location });
    this.#storage = opts.storage ?? gcsStorage(s);
  }

  async check(signal?: AbortSignal): Promise<SourceVersion> {
    const listed = new Map<string, Listed>(); // `${bucket}/${name}`
    for (const listing of listingsOf(this.#layout)) {
      const where = `gs://${listing.bucket}/${listing.prefix}`;
      const items = await this.#retrying(where, LISTING_404, signal, () => this.#list(listing, signal));
      for (const item of items) listed.set(`${listing.bucket}/${item.name}`, item);
    }
    const objects: ModelObject[] = [];
    const missing: Array<{ file: string; tried: string }> = [];
    for (const entry of this.#layout.entries) {
      const name = entry.names.find((n) => listed.has(`${entry.bucket}/${n}`));
      if (name === undefined) {
        const urls = entry.names.map((n) => `gs://${entry.bucket}/${n}`);
        missing.push({ file: urls[urls.length - 1], tried: urls.join(' or ') });
        continue;
      }
      const item = listed.get(`${entry.bucket}/${name}`)!;
      const hashes = { ...(item.md5 ? { md5: item.md5 } : {}), ...(item.crc32c ? { crc32c: item.crc32c } : {}) };
      objects.push({
        kind: entry.kind,
        name,
        compressed: name.endsWith('.bz2'),
        size: item.size,
        version: item.generation,
        location: `gs://${entry.bucket}/${name}`,
        hashes,
      });
    }
    if (missing.length > 0) {
      throw new ModelError(
        'RECSCORE_MODEL_MISSING',
        missing[0].file,
        `not found; missing: ${missing.map((m) => m.tried).join(', ')}`,
      );
    }
    const version: SourceVersion = { id: versionId(objects), objects, checkedAt: new Date() };
    this.#log.debug('model bucket checked', { version: version.id });
    return version;
  }

  async read(obj: ModelObject, opts: ReadOptions = {}): Promise<Buffer> {
    const bucket = /^gs:\/\/([^/]+)\//.exec(obj.location)?.[1];
    if (!bucket) throw new ModelError('RECSCORE_MODEL_SOURCE', obj.name, `not a GCS object: ${obj.location}`);
    const file = this.#storage.bucket(bucket).file(obj.name, { generation: Number(obj.version) });
    const progress = this.#progress(obj, opts.onProgress);
    const gone = goneSince(obj);
    const bytes = await this.#retrying(obj.name, gone, opts.signal, () =>
      downloadOnce(file, obj, this.#settings, { signal: opts.signal, onBytes: progress.onBytes }),
    );
    progress.done();
    return bytes;
  }

  /**
   * The same bytes as a stream. Attempts that fail before the first byte is delivered are retried as in
   * `read`; after that a failure (stall, deadline, size or hash mismatch at the end) errors the stream.
   */
  readStream(obj: ModelObject, opts: ReadOptions = {}): Readable {
    return Readable.from(this.#chunks(obj, opts), { objectMode: false });
  }

  async close(): Promise<void> {}

  async *#chunks(obj: ModelObject, opts: ReadOptions): AsyncGenerator<Buffer> {
    const bucket = /^gs:\/\/([^/]+)\//.exec(obj.location)?.[1];
    if (!bucket) throw new ModelError('RECSCORE_MODEL_SOURCE', obj.name, `not a GCS object: ${obj.location}`);
    const file = this.#storage.bucket(bucket).file(obj.name, { generation: Number(obj.version) });
    const progress = this.#progress(obj, opts.onProgress);
    const { signal } = opts;
    let attempts = 0;
    const failed = (err: unknown) =>
      signal?.aborted ? signal.reason : toModelError(obj.name, goneSince(obj), err, attempts);
    // Retried: everything up to the first chunk (or the end of an empty object). Once a chunk has been
    // handed on, a failure errors the stream: the consumer cannot take bytes back.
    let first: { chunks: AsyncIterator<Buffer>; next: IteratorResult<Buffer> };
    try {
      first = await this.#retry(obj.name, signal, async (attempt) => {
        attempts = attempt;
        const download = downloadChunks(file, obj, this.#settings, { signal, onBytes: progress.onBytes });
        const chunks = download[Symbol.asyncIterator]();
        try {
          return { chunks, next: await chunks.next() };
        } catch (err) {
          await chunks.return?.(undefined);
          throw err;
        }
      });
    } catch (err) {
      throw failed(err);
    }
    try {
      for (let r = first.next; !r.done; r = await first.chunks.next()) yield r.value;
    } catch (err) {
      throw failed(err);
    } finally {
      await first.chunks.return?.(undefined);
    }
    progress.done();
  }

  /** Pages through one prefix; the whole listing is bounded by `requestTimeoutMs`. */
  async #list(listing: GcsListing, signal?: AbortSignal): Promise<Listed[]> {
    const call = this.#storage.bucket(listing.bucket).getFiles({ prefix: listing.prefix, autoPaginate: true });
    const [files] = await bounded(call, this.#settings.requestTimeoutMs, signal);
    return files.map((f: File) => ({
      name: f.name,
      generation: String(f.metadata.generation),
      size: Number(f.metadata.size),
      md5: f.metadata.md5Hash,
      crc32c: f.metadata.crc32c,
    }));
  }

  /** `file` names the object (or listing) in errors; `notFound` explains a 404 there. */
  async #retrying<T>(
    file: string,
    notFound: NotFound,
    signal: AbortSignal | undefined,
    fn: () => Promise<T>,
  ): Promise<T> {
    let attempts = 0;
    try {
      return await this.#retry(file, signal, (attempt) => ((attempts = attempt), fn()));
    } catch (err) {
      if (signal?.aborted) throw signal.reason;
      throw toModelError(file, notFound, err, attempts);
    }
  }

  #retry<T>(file: string, signal: AbortSignal | undefined, fn: (attempt: number) => Promise<T>): Promise<T> {
    const onRetry = (err: unknown, attempt: number, delayMs: number) =>
      this.#log.warn('model source retry', { file, attempt, delayMs, err });
    return withRetries(this.#policy, { signal, isTransient, onRetry }, fn);
  }

  #progress(obj: ModelObject, onProgress: ReadOptions['onProgress']) {
    const started = Date.now();
    const large = obj.size >= this.#settings.progressLogBytes;
    const emit = large ? this.#log.info : this.#log.debug;
    const fields = { file: obj.name, generation: obj.version, bytes: obj.size };
    emit('model download started', fields);
    let lastLog = started;
    return {
      onBytes: (received: number) => {
        onProgress?.(received, obj.size);
        if (large && Date.now() - lastLog >= this.#settings.progressLogIntervalMs) {
          lastLog = Date.now();
          this.#log.info('model download progress', {
            ...fields,
            received,
            percent: Math.floor((100 * received) / Math.max(1, obj.size)),
          });
        }
      },
      done: () => {
        const ms = Date.now() - started;
        emit('model download finished', {
          ...fields,
          ms,
          mbPerSec: +(obj.size / 1e6 / Math.max(ms / 1000, 1e-3)).toFixed(1),
        });
      },
    };
  }
}

function goneSince(obj: ModelObject): NotFound {
  return {
    code: 'RECSCORE_MODEL_MISSING',
    problem: `generation ${obj.version} not found (HTTP 404): replaced or deleted since check`,
  };
}

/** HTTP 408/429/5xx, network errors, stalls and hash mismatches may pass; 4xx and our own verdicts do not. */
export function isTransient(err: unknown): boolean {
  if (err instanceof DownloadFailure) return err.transient;
  const status = (err as { code?: unknown })?.code;
  if (typeof status === 'number') return status === 408 || status === 429 || status >= 500;
  return !(err instanceof TypeError || err instanceof RangeError);
}

function toModelError(file: string, notFound: NotFound, err: unknown, attempts: number): ModelError {
  const status = (err as { code?: unknown })?.code;
  if (status === 404) return new ModelError(notFound.code, file, notFound.problem, { cause: err });
  const tries = attempts > 1 ? ` after ${attempts} attempts` : '';
  const detail =
    typeof status === 'number' ? `HTTP ${status}: ${(err as Error).message}` : ((err as Error)?.message ?? String(err));
  return new ModelError('RECSCORE_MODEL_SOURCE', file, `${detail}${tries}`, { cause: err });
}

/** A client call that cannot be cancelled, raced against a deadline and the caller's signal. */
function bounded<T>(p: Promise<T>, ms: number, signal?: AbortSignal): Promise<T> {
  return withDeadline(ms, () => p, { expired: () => new DownloadFailure(`no answer within ${ms} ms`, true), signal });
}
