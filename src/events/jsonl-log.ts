/**
 * The embedded event log: append-only JSONL files `<dir>/events-YYYY-MM-DD.jsonl`, one per UTC day of
 * arrival, one line per accepted batch (its format: log-line.ts).
 *
 * A batch is one line, so a crash mid-write tears at most that line, whose batch was never acknowledged;
 * readers skip a line that does not parse and report it. Before appending to a file that ends in a torn
 * line, the writer ends that line, so the next batch starts on a fresh one. Writes are group-committed:
 * the batches that arrive while one write + fdatasync runs go out together in the next, and each append()
 * resolves after the fdatasync covering its line (a group of unsynced lines only, the served log's, is
 * written without one).
 */
import { createReadStream } from 'node:fs';
import { mkdir, open, readdir, stat, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { RecscoreError } from '../errors.js';
import type { Logger } from '../log.js';
import { dayOf } from './day.js';
import type { LogLine } from './log-line.js';

export type { LogLine };

/** Where an appended line ends: its file (by arrival day) and the byte offset just after its newline. */
export interface LogPosition {
  day: string;
  end: number;
}

interface Pending {
  day: string;
  bytes: Buffer;
  sync: boolean;
  resolve: (pos: LogPosition) => void;
  reject: (e: Error) => void;
}

const FILE = /^events-(\d{4}-\d{2}-\d{2})\.jsonl$/;

export class JsonlLog {
  readonly dir: string;
  readonly #log: Logger;
  #handle: { day: string; fh: FileHandle; size: number } | null = null;
  #queue: Pending[] = [];
  #flushing = false;
  #closed = false;

  constructor(dir: string, log: Logger) {
    this.dir = dir;
    this.#log = log;
  }

  async init(): Promise<void> {
    await mkdir(this.dir, { recursive: true });
  }

  fileOf(day: string): string {
    return join(this.dir, `events-${day}.jsonl`);
  }

  /** Days that have a file, ascending. */
  async days(): Promise<string[]> {
    const names = await readdir(this.dir).catch(() => [] as string[]);
    return names
      .map((n) => FILE.exec(n)?.[1])
      .filter((d): d is string => d !== undefined)
      .sort();
  }

  /**
   * Appends one line (log-line.ts's encodeLine: one JSON object and its newline) received at `r` (epoch ms:
   * its file); resolves once it is on disk (fdatasync'd; with `sync` false, once written), with where it ends.
   */
  append(r: number, text: string, sync = true): Promise<LogPosition> {
    if (this.#closed) return Promise.reject(new RecscoreError('RECSCORE_EVENT_STORE', 'event log is closed'));
    const bytes = Buffer.from(text);
    return new Promise((resolve, reject) => {
      this.#queue.push({ day: dayOf(r), bytes, sync, resolve, reject });
      if (!this.#flushing) void this.#flush();
    });
  }

  async #flush(): Promise<void> {
    this.#flushing = true;
    while (this.#queue.length > 0) {
      const day = this.#queue[0].day;
      const group = [];
      while (this.#queue.length > 0 && this.#queue[0].day === day) group.push(this.#queue.shift()!);
      try {
        const h = await this.#handleFor(day);
        const buf = group.length === 1 ? group[0].bytes : Buffer.concat(group.map((p) => p.bytes));
        let off = 0;
        while (off < buf.length) off += (await h.fh.write(buf, off)).bytesWritten;
        if (group.some((p) => p.sync)) await h.fh.datasync();
        let end = h.size;
        h.size += buf.length;
        for (const p of group) p.resolve({ day, end: (end += p.bytes.length) });
      } catch (e) {
        // The file may now end in part of this group: reopen (and end that line) before the next write.
        await this.#closeHandle();
        const err = new RecscoreError(
          'RECSCORE_EVENT_STORE',
          `event log write failed: ${(e as Error).message}`,
          undefined,
          { cause: e },
        );
        this.#log.error('event log write failed', { error: e, file: this.fileOf(day) });
        for (const p of group) p.reject(err);
      }
    }
    this.#flushing = false;
  }

  async #handleFor(day: string): Promise<{ day: string; fh: FileHandle; size: number }> {
    if (this.#handle?.day === day) return this.#handle;
    await this.#closeHandle();
    const path = this.fileOf(day);
    const fh = await open(path, 'a+');
    let { size } = await fh.stat();
    if (size > 0) {
      const last = Buffer.alloc(1);
      await fh.read(last, 0, 1, size - 1);
      if (last[0] !== 0x0a) {
        await fh.write('\n');
        await fh.datasync();
        size++;
        this.#log.warn('event log ended in a torn line (a crash mid-write); ended it, readers skip it', { file: path });
      }
    }
    this.#handle = { day, fh, size };
    return this.#handle;
  }

  async #closeHandle(): Promise<void> {
    const h = this.#handle;
    this.#handle = null;
    await h?.fh.close().catch(() => {});
  }

  /** Size of a day's file in bytes (0 when absent). */
  async sizeOf(day: string): Promise<number> {
    return (await stat(this.fileOf(day)).catch(() => null))?.size ?? 0;
  }

  /**
   * Lines of one day's file from byte `start` (a line boundary; `line` numbers in the report count from
   * there); unparsable lines are skipped and reported.
   */
  async *lines(
    day: string,
    report?: { skipped: Array<{ file: string; line: number }> },
    start = 0,
  ): AsyncIterable<LogLine> {
    const path = this.fileOf(day);
    if (!(await stat(path).catch(() => null))) return;
    const rl = createInterface({ input: createReadStream(path, { start }), crlfDelay: Infinity });
    let n = 0;
    for await (const text of rl) {
      n++;
      if (text === '') continue;
      let line: LogLine | undefined;
      try {
        line = JSON.parse(text) as LogLine;
      } catch {
        line = undefined;
      }
      if (!line || typeof line.b !== 'string' || !Array.isArray(line.e)) {
        report?.skipped.push({ file: path, line: n });
        continue;
      }
      yield line;
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    while (this.#flushing) await new Promise((r) => setTimeout(r, 5));
    await this.#closeHandle();
  }
}
