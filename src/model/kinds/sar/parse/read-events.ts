/**
 * Streams usage events from one file or a folder of files (sorted by name, hidden files skipped), or from
 * one GCS object or every object under a `gs://bucket/prefix` (src/model/source/gcs-objects.ts), each
 * optionally gzip- or bzip2-compressed (recognised by magic bytes, not by name). A file is JSONL when its
 * first non-blank line starts with `{`, otherwise Product Recommendations CSV. Bad lines are counted in
 * the report and skipped; events go to `sink` one at a time, so memory does not grow with the log.
 * `events:FROM..TO` reads the feedback event log instead (store-usage.ts).
 */
import { createReadStream, promises as fsp } from 'node:fs';
import { join, relative } from 'node:path';
import { pipeline, Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { createGunzip } from 'node:zlib';
import { ModelError, RecscoreError } from '../../../../errors.js';
import { bz2Chunks } from '../../../decode/bz2.js';
import { GcsObjectReader } from '../../../source/gcs-objects.js';
import type { GcsSourceOptions } from '../../../source/gcs-options.js';
import { recordError, type ParseReport } from './codes.js';
import { isEventsUsage } from '../../../../events/usage.js';
import { readStoreUsage, type EventsInput } from './store-usage.js';
import { isCsvHeader, parseCsvLine, parseJsonLine, type ParsedEvent } from './line.js';

export interface ReadOptions {
  /** Called as compressed bytes are read: (read so far, total of all files). */
  onBytes?(read: number, total: number): void;
  /** Client and timing settings for `gs://` input (endpoint, retries, deadlines). */
  gcs?: Omit<GcsSourceOptions, 'kinds'>;
  /** The event store and weights of `events:FROM..TO` input (default: the event settings). */
  events?: EventsInput;
}

interface EventFile {
  /** How the parse report names it: a path relative to the folder, or the object's `gs://` URL. */
  name: string;
  size: number;
  open(): AsyncIterable<Buffer>;
}

export async function listEventFiles(path: string): Promise<Array<{ path: string; name: string; size: number }>> {
  let st;
  try {
    st = await fsp.stat(path);
  } catch (e) {
    throw new RecscoreError(
      'RECSCORE_SAR_INPUT',
      `cannot read events at ${path}: ${(e as NodeJS.ErrnoException).code ?? e}`,
    );
  }
  if (st.isFile()) return [{ path, name: path, size: st.size }];
  const out: Array<{ path: string; name: string; size: number }> = [];
  const walk = async (dir: string) => {
    for (const ent of (await fsp.readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      if (ent.name.startsWith('.')) continue;
      const p = join(dir, ent.name);
      if (ent.isDirectory()) await walk(p);
      else if (ent.isFile()) out.push({ path: p, name: relative(path, p), size: (await fsp.stat(p)).size });
    }
  };
  await walk(path);
  if (out.length === 0) throw new RecscoreError('RECSCORE_SAR_INPUT', `no event files in ${path}`);
  return out;
}

export async function readEvents(
  path: string,
  report: ParseReport,
  sink: (e: ParsedEvent) => void,
  opts: ReadOptions = {},
): Promise<void> {
  if (isEventsUsage(path)) return readStoreUsage(path, report, sink, opts.events);
  const files: EventFile[] = path.startsWith('gs://')
    ? await listGcsEventFiles(path, opts)
    : (await listEventFiles(path)).map((f) => ({
        name: f.name,
        size: f.size,
        open: () => createReadStream(f.path, { highWaterMark: 1 << 20 }),
      }));
  const total = files.reduce((s, f) => s + f.size, 0);
  let done = 0;
  for (const f of files) {
    report.files++;
    let inFile = 0;
    const onBytes = (n: number) => {
      inFile += n;
      opts.onBytes?.(done + inFile, total);
    };
    await readOneFile(f, report, sink, onBytes);
    done += f.size;
  }
}

async function listGcsEventFiles(url: string, opts: ReadOptions): Promise<EventFile[]> {
  const reader = new GcsObjectReader(url, opts.gcs);
  return (await reader.list()).map((obj) => ({
    name: obj.location,
    size: obj.size,
    open: () => reader.stream(obj),
  }));
}

/** A read failure as a SAR input error naming the file or the object's gs:// URL. */
function readFailure(name: string, e: NodeJS.ErrnoException): RecscoreError {
  if (e instanceof ModelError) {
    const problem = e.message.slice(e.file.length + 2); // `${file}: ${problem}`, file being the bare object name
    return new RecscoreError('RECSCORE_SAR_INPUT', `cannot read ${name}: ${problem}`, undefined, { cause: e });
  }
  return new RecscoreError('RECSCORE_SAR_INPUT', `cannot read ${name}: ${e.code ?? e.message}`, undefined, {
    cause: e,
  });
}

const isReadFailure = (e: unknown) => e instanceof RecscoreError && e.code === 'RECSCORE_SAR_INPUT';

async function* decompressed(file: EventFile, onBytes: (n: number) => void): AsyncGenerator<Buffer> {
  const { name } = file;
  const it = file.open()[Symbol.asyncIterator]();
  const first = await it.next().catch((e: NodeJS.ErrnoException) => {
    throw readFailure(name, e);
  });
  if (first.done) return;
  const head = first.value;
  async function* rest(): AsyncGenerator<Buffer> {
    onBytes(head.length);
    yield head;
    try {
      for (let r = await it.next(); !r.done; r = await it.next()) {
        onBytes(r.value.length);
        yield r.value;
      }
    } catch (e) {
      throw readFailure(name, e as NodeJS.ErrnoException);
    } finally {
      // A decompressor that fails stops pulling: end the download now, or its timers hold the process open.
      await it.return?.();
    }
  }
  if (head[0] === 0x1f && head[1] === 0x8b) {
    const gunzip = createGunzip();
    const out = pipeline(Readable.from(rest()), gunzip, () => {});
    try {
      for await (const c of out) yield c as Buffer;
    } catch (e) {
      if (isReadFailure(e)) throw e;
      throw new RecscoreError('RECSCORE_SAR_INPUT', `${name}: corrupt gzip data (${(e as Error).message})`);
    }
  } else if (head.toString('latin1', 0, 3) === 'BZh') {
    try {
      yield* bz2Chunks(name, rest());
    } catch (e) {
      if (isReadFailure(e)) throw e;
      throw new RecscoreError('RECSCORE_SAR_INPUT', (e as Error).message);
    }
  } else yield* rest();
}

async function readOneFile(
  file: EventFile,
  report: ParseReport,
  sink: (e: ParsedEvent) => void,
  onBytes: (n: number) => void,
) {
  const { name } = file;
  const decoder = new StringDecoder('utf8');
  let carry = '';
  let lineNo = 0;
  let json: boolean | undefined;
  const handle = (raw: string) => {
    lineNo++;
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.trim() === '') {
      report.blankLines++;
      return;
    }
    if (json === undefined) {
      json = line.trimStart().startsWith('{');
      if (!json && isCsvHeader(line)) return;
    }
    report.totalLines++;
    const r = json ? parseJsonLine(line) : parseCsvLine(line);
    if (typeof r === 'string') recordError(report, r, name, lineNo);
    else {
      report.successfulLines++;
      sink(r);
    }
  };
  for await (const chunk of decompressed(file, onBytes)) {
    const text = carry + decoder.write(chunk);
    let start = 0;
    for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', start)) {
      handle(text.slice(start, nl));
      start = nl + 1;
    }
    carry = text.slice(start);
  }
  carry += decoder.end();
  if (carry !== '') handle(carry);
}
