/**
 * Every object under a `gs://bucket/prefix` (or that one object), for readers of data that is not a TAAR
 * model: SAR usage logs. The listing is one paged call, bounded and retried like the model source's; each
 * object is then streamed through GcsModelSource's download path (pinned generation, retries before the
 * first byte, idle and overall deadlines, size and hash checks), so memory stays bounded by its buffer.
 */
import type { Readable } from 'node:stream';
import type { File, Storage } from '@google-cloud/storage';
import { withDeadline } from '../../deadline.js';
import { RecscoreError } from '../../errors.js';
import { log as rootLog } from '../../log.js';
import type { ModelFileKind } from '../kinds/taar/files.js';
import { gcsStorage } from './gcs-client.js';
import { DownloadFailure } from './gcs-download.js';
import { parseGcsOptions, type GcsSourceOptions } from './gcs-options.js';
import { GcsModelSource, isTransient } from './gcs-source.js';
import { withRetries } from './retry.js';
import type { ModelObject, ReadOptions } from './source.js';

/** One listed object; `location` (`gs://bucket/name`) is how errors and reports name it. */
export type GcsObject = ModelObject;

export function parseGcsUrl(url: string): { bucket: string; prefix: string } {
  const m = /^gs:\/\/([a-z0-9][a-z0-9._-]{1,220}[a-z0-9])(?:\/+(.*))?$/.exec(url);
  if (!m)
    throw new RecscoreError('RECSCORE_CONFIG', `${url}: expected gs://<bucket>[/<prefix>] with a valid bucket name`);
  return { bucket: m[1], prefix: (m[2] ?? '').replace(/\/+$/, '') };
}

export class GcsObjectReader {
  readonly url: string;
  #bucket: string;
  #prefix: string;
  #opts: GcsSourceOptions;
  #storage: Storage;
  #download: GcsModelSource;

  constructor(url: string, opts: Omit<GcsSourceOptions, 'kinds'> = {}) {
    const where = parseGcsUrl(url);
    this.#bucket = where.bucket;
    this.#prefix = where.prefix;
    this.url = this.#prefix ? `gs://${this.#bucket}/${this.#prefix}` : `gs://${this.#bucket}`;
    const settings = parseGcsOptions(opts);
    this.#opts = opts;
    this.#storage = opts.storage ?? gcsStorage(settings);
    // No TAAR entries: used only for its download path, never for check().
    this.#download = new GcsModelSource(
      { location: this.url, entries: [] },
      { ...opts, storage: this.#storage, kinds: [], logger: opts.logger },
    );
  }

  /**
   * The object named exactly by the prefix, or else every object under `prefix/`, ordered as a folder walk
   * would be (by path segment), skipping folder placeholders and names with a segment starting with `.`.
   */
  async list(signal?: AbortSignal): Promise<GcsObject[]> {
    const s = parseGcsOptions(this.#opts);
    const policy = { attempts: s.attempts, baseMs: s.backoffBaseMs, maxMs: s.backoffMaxMs };
    const log = (this.#opts.logger ?? rootLog).child({ component: 'gcs-objects', source: this.url });
    const onRetry = (err: unknown, attempt: number, delayMs: number) =>
      log.warn('gcs listing retry', { attempt, delayMs, err });
    let attempts = 0;
    let files: File[];
    try {
      files = await withRetries(policy, { signal, isTransient, onRetry }, async (attempt) => {
        attempts = attempt;
        const call = this.#storage.bucket(this.#bucket).getFiles({ prefix: this.#prefix, autoPaginate: true });
        const [found] = await withDeadline(s.requestTimeoutMs, () => call, {
          expired: () => new DownloadFailure(`no answer within ${s.requestTimeoutMs} ms`, true),
          signal,
        });
        return found;
      });
    } catch (err) {
      if (signal?.aborted) throw signal.reason;
      const status = (err as { code?: unknown })?.code;
      const problem =
        status === 404
          ? `bucket ${this.#bucket} not found (HTTP 404)`
          : `${typeof status === 'number' ? `HTTP ${status}: ` : ''}${(err as Error)?.message ?? err}` +
            (attempts > 1 ? ` after ${attempts} attempts` : '');
      throw new RecscoreError('RECSCORE_SAR_INPUT', `cannot list ${this.url}: ${problem}`, undefined, { cause: err });
    }
    const exact = files.find((f) => f.name === this.#prefix && this.#prefix !== '');
    const dir = this.#prefix ? `${this.#prefix}/` : '';
    const chosen = exact
      ? [exact]
      : files
          .filter((f) => f.name.startsWith(dir) && !f.name.endsWith('/'))
          .filter(
            (f) =>
              !f.name
                .slice(dir.length)
                .split('/')
                .some((seg) => seg.startsWith('.')),
          )
          .sort((a, b) => bySegments(a.name, b.name));
    if (chosen.length === 0) throw new RecscoreError('RECSCORE_SAR_INPUT', `no objects under ${this.url}`);
    return chosen.map((f) => {
      const md5 = f.metadata.md5Hash;
      const crc32c = f.metadata.crc32c;
      return {
        kind: 'events' as unknown as ModelFileKind, // not a model file; the download path never reads it
        name: f.name,
        compressed: false,
        size: Number(f.metadata.size),
        version: String(f.metadata.generation),
        location: `gs://${this.#bucket}/${f.name}`,
        hashes: { ...(md5 ? { md5 } : {}), ...(crc32c ? { crc32c } : {}) },
      };
    });
  }

  /** The object's stored bytes (compression untouched), verified; failures are typed ModelErrors. */
  stream(obj: GcsObject, opts: ReadOptions = {}): Readable {
    return this.#download.readStream(obj, opts);
  }
}

function bySegments(a: string, b: string): number {
  const x = a.split('/');
  const y = b.split('/');
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i] < y[i] ? -1 : 1;
  return x.length - y.length;
}
