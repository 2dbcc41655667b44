/**
 * Streams usage events from one file or a folder of files (sorted by name, hidden files skipped), each
 * optionally gzip- or bzip2-compressed (recognised by magic bytes, not by name). A file is JSONL when its
 * first non-blank line starts with `{`, otherwise Product Recommendations CSV. Bad lines are counted in
 * the report and skipped; events go to `sink` one at a time, so memory does not grow with the log.
 */
import { createReadStream, promises as fsp } from 'node:fs';
import { join, relative } from 'node:path';
import { pipeline, Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { createGunzip } from 'node:zlib';
import { RecscoreError } from '../../../../errors.js';
import { bz2Chunks } from '../../../decode/bz2.js';
import { recordError, type ParseReport } from './codes.js';
import { isCsvHeader, parseCsvLine, parseJsonLine, type ParsedEvent } from './line.js';

export interface ReadOptions {
  /** Called as compressed bytes are read: (read so far, total of all files). */
  onBytes?(read: number, total: number): void;
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
  const files = await listEventFiles(path);
  const total = files.reduce((s, f) => s + f.size, 0);
  let done = 0;
  for (const f of files) {
    report.files++;
    let inFile = 0;
    const onBytes = (n: number) => {
      inFile += n;
      opts.onBytes?.(done + inFile, total);
    };
    await readOneFile(f.path, f.name, report, sink, onBytes);
    done += f.size;
  }
}

async function* decompressed(path: string, name: string, onBytes: (n: number) => void): AsyncGenerator<Buffer> {
  const raw = createReadStream(path, { highWaterMark: 1 << 20 });
  const it = raw[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const first = await it.next().catch((e: NodeJS.ErrnoException) => {
    throw new RecscoreError('RECSCORE_SAR_INPUT', `cannot read ${name}: ${e.code ?? e.message}`);
  });
  if (first.done) return;
  const head = first.value;
  async function* rest(): AsyncGenerator<Buffer> {
    onBytes(head.length);
    yield head;
    for (let r = await it.next(); !r.done; r = await it.next()) {
      onBytes(r.value.length);
      yield r.value;
    }
  }
  if (head[0] === 0x1f && head[1] === 0x8b) {
    const gunzip = createGunzip();
    const out = pipeline(Readable.from(rest()), gunzip, () => {});
    try {
      for await (const c of out) yield c as Buffer;
    } catch (e) {
      throw new RecscoreError('RECSCORE_SAR_INPUT', `${name}: corrupt gzip data (${(e as Error).message})`);
    }
  } else if (head.toString('latin1', 0, 3) === 'BZh') {
    try {
      yield* bz2Chunks(name, rest());
    } catch (e) {
      throw new RecscoreError('RECSCORE_SAR_INPUT', (e as Error).message);
    }
  } else yield* rest();
}

async function readOneFile(
  path: string,
  name: string,
  report: ParseReport,
  sink: (e: ParsedEvent) => void,
  onBytes: (n: number) => void,
) {
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
  for await (const chunk of decompressed(path, name, onBytes)) {
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
