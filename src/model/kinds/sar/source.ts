/**
 * A SAR model source: one packed `.sarm` file (`recscore sar train --out`) on local disk. Like the TAAR
 * folder source, `check()` pins the file's real path, mtime and size, and `read()` refuses a file that
 * moved since, so a version is exactly the bytes that were checked.
 */
import { open, realpath, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { ModelError } from '../../../errors.js';
import {
  versionId,
  type ModelObject,
  type ModelSource,
  type ReadOptions,
  type SourceVersion,
} from '../../source/source.js';

const fileVersion = (st: { mtimeMs: number; size: number }) => `${st.mtimeMs}:${st.size}`;
const errCode = (e: unknown) => (e as NodeJS.ErrnoException)?.code ?? String(e);

export class SarFileSource implements ModelSource {
  readonly location: string;

  constructor(file: string) {
    this.location = resolve(file.startsWith('file://') ? new URL(file).pathname : file);
  }

  async check(signal?: AbortSignal): Promise<SourceVersion> {
    signal?.throwIfAborted();
    try {
      const path = await realpath(this.location);
      const st = await stat(path);
      if (!st.isFile()) throw new ModelError('RECSCORE_MODEL_MISSING', this.location, 'is not a file');
      const obj: ModelObject = {
        kind: 'sarModel',
        name: path,
        compressed: false,
        size: st.size,
        version: fileVersion(st),
        location: path,
      };
      return { id: versionId([obj]), objects: [obj], checkedAt: new Date() };
    } catch (e) {
      if (e instanceof ModelError) throw e;
      const code = errCode(e) === 'ENOENT' ? 'RECSCORE_MODEL_MISSING' : 'RECSCORE_MODEL_SOURCE';
      throw new ModelError(code, this.location, `cannot read the SAR model (${errCode(e)})`, { cause: e });
    }
  }

  /** The whole file, one read per GiB. */
  async read(obj: ModelObject, opts: ReadOptions = {}): Promise<Buffer> {
    opts.signal?.throwIfAborted();
    let fh;
    try {
      fh = await open(obj.location, 'r');
    } catch (e) {
      throw new ModelError('RECSCORE_MODEL_MISSING', obj.name, `cannot open (${errCode(e)})`, { cause: e });
    }
    try {
      const st = await fh.stat();
      if (fileVersion(st) !== obj.version)
        throw new ModelError('RECSCORE_MODEL_SOURCE', obj.name, `changed since check (was ${obj.version})`);
      const buf = Buffer.allocUnsafe(obj.size);
      for (let off = 0; off < obj.size; ) {
        opts.signal?.throwIfAborted();
        const { bytesRead } = await fh.read(buf, off, Math.min(1 << 30, obj.size - off), off);
        if (bytesRead === 0)
          throw new ModelError('RECSCORE_MODEL_SOURCE', obj.name, `shrank while being read (${off} of ${obj.size})`);
        off += bytesRead;
        opts.onProgress?.(off, obj.size);
      }
      return buf;
    } finally {
      await fh.close();
    }
  }

  async close(): Promise<void> {}
}
