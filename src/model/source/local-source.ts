/**
 * A folder laid out with TAAR's object names (SPEC §5), e.g. `<root>/taar/locale/top10_dict.json.bz2`.
 *
 * Operators publish a new set by flipping a symbolic link atomically (`ln -sfn v42 current`), so `check()`
 * resolves the root once and pins each file's real path, mtime and size; `read()` opens that pinned path
 * and refuses a file whose mtime or size has moved since, so one version never mixes two targets.
 */
import { open, realpath, stat, type FileHandle } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { join, resolve } from 'node:path';
import { ModelError } from '../../errors.js';
import { MODEL_FILE_KINDS, MODEL_FILES, type ModelFileKind } from '../kinds/taar/files.js';
import { log as rootLog, type Logger } from '../../log.js';
import {
  candidateNames,
  versionId,
  type ModelObject,
  type ModelSource,
  type ReadOptions,
  type SourceVersion,
} from './source.js';

export interface LocalSourceOptions {
  /** Which model files must be present (default: all nine). */
  kinds?: readonly ModelFileKind[];
  logger?: Logger;
}

const CHUNK = 4 << 20; // progress granularity and read size
const STREAM_CHUNK = 1 << 20; // read size when streaming: bounded memory, few calls

export class LocalModelSource implements ModelSource {
  readonly location: string;
  #kinds: readonly ModelFileKind[];
  #log: Logger;

  constructor(root: string, opts: LocalSourceOptions = {}) {
    this.location = resolve(root);
    this.#kinds = opts.kinds ?? MODEL_FILE_KINDS;
    this.#log = (opts.logger ?? rootLog).child({ component: 'model-source', source: this.location });
  }

  async check(signal?: AbortSignal): Promise<SourceVersion> {
    signal?.throwIfAborted();
    let root: string;
    try {
      root = await realpath(this.location);
    } catch (e) {
      throw new ModelError('RECSCORE_MODEL_SOURCE', this.location, `model folder cannot be resolved (${errCode(e)})`, {
        cause: e,
      });
    }
    const objects: ModelObject[] = [];
    const missing: string[] = [];
    for (const kind of this.#kinds) {
      const found = await this.#find(root, kind);
      if (found) objects.push(found);
      else missing.push(MODEL_FILES[kind]);
    }
    if (missing.length > 0) {
      throw new ModelError(
        'RECSCORE_MODEL_MISSING',
        missing[0],
        `not in ${root} (as .bz2 or plain); missing: ${missing.join(', ')}`,
      );
    }
    const version: SourceVersion = { id: versionId(objects), objects, checkedAt: new Date() };
    this.#log.debug('model folder checked', { resolved: root, version: version.id });
    return version;
  }

  async read(obj: ModelObject, opts: ReadOptions = {}): Promise<Buffer> {
    const fh = await this.#openPinned(obj, opts);
    try {
      const buf = Buffer.allocUnsafe(obj.size);
      for (let off = 0; off < obj.size; ) {
        opts.signal?.throwIfAborted();
        const { bytesRead } = await fh.read(buf, off, Math.min(CHUNK, obj.size - off), off);
        if (bytesRead === 0)
          throw new ModelError(
            'RECSCORE_MODEL_SOURCE',
            obj.name,
            `shrank while being read (${off} of ${obj.size} bytes)`,
          );
        off += bytesRead;
        opts.onProgress?.(off, obj.size);
      }
      if (obj.size === 0) opts.onProgress?.(0, 0);
      return buf;
    } catch (e) {
      if (e instanceof ModelError || opts.signal?.aborted) throw e;
      throw new ModelError('RECSCORE_MODEL_SOURCE', obj.name, `read failed (${errCode(e)})`, { cause: e });
    } finally {
      await fh.close();
    }
  }

  readStream(obj: ModelObject, opts: ReadOptions = {}): Readable {
    return Readable.from(this.#chunks(obj, opts), { objectMode: false });
  }

  async close(): Promise<void> {}

  async *#chunks(obj: ModelObject, opts: ReadOptions): AsyncGenerator<Buffer> {
    const fh = await this.#openPinned(obj, opts);
    try {
      for (let off = 0; off < obj.size; ) {
        opts.signal?.throwIfAborted();
        // A fresh buffer per chunk: the consumer may still hold the previous one.
        const buf = Buffer.allocUnsafe(Math.min(STREAM_CHUNK, obj.size - off));
        const { bytesRead } = await fh.read(buf, 0, buf.length, off);
        if (bytesRead === 0)
          throw new ModelError(
            'RECSCORE_MODEL_SOURCE',
            obj.name,
            `shrank while being read (${off} of ${obj.size} bytes)`,
          );
        off += bytesRead;
        opts.onProgress?.(off, obj.size);
        yield bytesRead < buf.length ? buf.subarray(0, bytesRead) : buf;
      }
      if (obj.size === 0) opts.onProgress?.(0, 0);
    } catch (e) {
      if (e instanceof ModelError || opts.signal?.aborted) throw e;
      throw new ModelError('RECSCORE_MODEL_SOURCE', obj.name, `read failed (${errCode(e)})`, { cause: e });
    } finally {
      await fh.close();
    }
  }

  /** Opens exactly the pinned file; refuses it when its mtime or size moved since check. */
  async #openPinned(obj: ModelObject, opts: ReadOptions): Promise<FileHandle> {
    opts.signal?.throwIfAborted();
    let fh: FileHandle;
    try {
      fh = await open(obj.location, 'r');
    } catch (e) {
      const code = errCode(e) === 'ENOENT' ? 'RECSCORE_MODEL_MISSING' : 'RECSCORE_MODEL_SOURCE';
      throw new ModelError(code, obj.name, `cannot open ${obj.location} (${errCode(e)})`, { cause: e });
    }
    try {
      const st = await fh.stat();
      if (fileVersion(st) !== obj.version) {
        throw new ModelError(
          'RECSCORE_MODEL_SOURCE',
          obj.name,
          `changed since check (was ${obj.version}, now ${fileVersion(st)}); check again`,
        );
      }
      return fh;
    } catch (e) {
      await fh.close();
      if (e instanceof ModelError) throw e;
      throw new ModelError('RECSCORE_MODEL_SOURCE', obj.name, `read failed (${errCode(e)})`, { cause: e });
    }
  }

  async #find(root: string, kind: ModelFileKind): Promise<ModelObject | undefined> {
    for (const name of candidateNames(kind)) {
      let path: string;
      try {
        // Per-file realpath too: a file may itself be a link, and the pin must name the bytes.
        path = await realpath(join(root, name));
        const st = await stat(path);
        if (!st.isFile()) continue;
        return {
          kind,
          name,
          compressed: name.endsWith('.bz2'),
          size: st.size,
          version: fileVersion(st),
          location: path,
        };
      } catch (e) {
        if (errCode(e) === 'ENOENT' || errCode(e) === 'ENOTDIR') continue;
        throw new ModelError('RECSCORE_MODEL_SOURCE', name, `cannot stat in ${root} (${errCode(e)})`, { cause: e });
      }
    }
    return undefined;
  }
}

function fileVersion(st: { mtimeMs: number; size: number }): string {
  return `${st.mtimeMs}:${st.size}`;
}

function errCode(e: unknown): string {
  return (e as { code?: string })?.code ?? String(e);
}
