import { open, rename, rm, type FileHandle } from 'node:fs/promises';

const CHUNK_CHARS = 1 << 20;

/**
 * Buffered text output for large JSON files: pieces are joined into ~1 MiB chunks, so a 1M-row item
 * matrix never exists as one string. Writes go to `<path>.tmp`, renamed on close, so a reader of the
 * folder never sees half a file.
 */
export class ChunkSink {
  readonly path: string;
  #fh: FileHandle;
  #parts: string[] = [];
  #chars = 0;

  private constructor(path: string, fh: FileHandle) {
    this.path = path;
    this.#fh = fh;
  }

  static async open(path: string): Promise<ChunkSink> {
    return new ChunkSink(path, await open(`${path}.tmp`, 'w'));
  }

  async write(s: string): Promise<void> {
    this.#parts.push(s);
    this.#chars += s.length;
    if (this.#chars >= CHUNK_CHARS) await this.#flush();
  }

  async close(): Promise<void> {
    await this.#flush();
    await this.#fh.close();
    await rename(`${this.path}.tmp`, this.path);
  }

  /** Closes and deletes the temporary file after a failure. */
  async abort(): Promise<void> {
    await this.#fh.close().catch(() => undefined);
    await rm(`${this.path}.tmp`, { force: true });
  }

  async #flush(): Promise<void> {
    if (this.#parts.length === 0) return;
    const buf = Buffer.from(this.#parts.join(''), 'utf8');
    this.#parts = [];
    this.#chars = 0;
    for (let off = 0; off < buf.length; ) {
      const { bytesWritten } = await this.#fh.write(buf, off, buf.length - off);
      off += bytesWritten;
    }
  }
}
