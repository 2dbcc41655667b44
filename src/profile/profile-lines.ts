/**
 * Reads a profile file (`.jsonl`, or `.jsonl.bz2` through unbzip2-stream) one record at a time, without
 * holding the file in memory. Shared by the embedded store and `recscore profiles load`.
 *
 * Each non-blank line is one of:
 *   {"client_id": …, "installed_addons": […], …}          a client_info object (SPEC §4)
 *   {"client_id": …, "profile": {…} | null, …}            the vectors' profiles.jsonl; `null` = no profile: skipped
 *   {"client_id": …, "payload": {…}}                       a raw BigTable payload (profiles_raw.jsonl), mapped
 *                                                          with payloadToClientInfo in 'both' mode
 * A line that is not such an object (bad JSON, no valid client_id, …) stops the read with
 * `RECSCORE_PROFILE_INVALID` naming the file and line. A well-formed line whose profile has the wrong shape
 * is yielded with `error` set, so that each caller decides: the embedded store answers it from get(), the
 * loader refuses the file.
 */
import { createReadStream } from 'node:fs';
import { PassThrough, pipeline, type Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import bz2 from 'unbzip2-stream';
import { RecscoreError, isRecscoreError } from '../errors.js';
import type { ClientInfo } from './client-info.js';
import { payloadToClientInfo } from './payload.js';
import { isValidClientId, parseClientInfo } from './validate.js';

export type ProfileRecord =
  | { line: number; clientId: string; info: ClientInfo; error?: undefined }
  | { line: number; clientId: string; info?: undefined; error: RecscoreError };

export interface ReadOptions {
  /** Called after each chunk of the file is read, with the compressed bytes read so far. */
  onBytes?(bytesRead: number): void;
}

// A line longer than this is not a profile; stopping early keeps a corrupt file from eating memory.
const MAX_LINE_CHARS = 16 * 1024 * 1024;

function openText(path: string): { text: Readable; bytesRead(): number } {
  const file = createReadStream(path);
  const bytesRead = () => file.bytesRead;
  if (!path.endsWith('.bz2')) return { text: file, bytesRead };
  // unbzip2-stream is an old-style stream; pipeline forwards its errors into an async-iterable stream.
  const text = new PassThrough();
  pipeline(file, bz2(), text, () => {});
  return { text, bytesRead };
}

function lineError(path: string, line: number, problem: string, cause?: unknown): RecscoreError {
  return new RecscoreError('RECSCORE_PROFILE_INVALID', `${path}:${line}: ${problem}`, { file: path, line }, { cause });
}

function isDict(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** One parsed line, or null for a line to skip. */
export function parseProfileLine(text: string, path: string, line: number): ProfileRecord | null {
  if (text.trim() === '') return null;
  let obj: unknown;
  try {
    obj = JSON.parse(text);
  } catch (e) {
    throw lineError(path, line, `not JSON (${(e as Error).message})`, e);
  }
  if (!isDict(obj)) throw lineError(path, line, 'not a JSON object');
  const clientId = obj.client_id;
  if (!isValidClientId(clientId))
    throw lineError(path, line, `client_id ${JSON.stringify(clientId)} is not a valid client id`);
  const wrap = (make: () => ClientInfo): ProfileRecord => {
    try {
      return { line, clientId, info: make() };
    } catch (e) {
      if (!isRecscoreError(e)) throw e;
      const err = new RecscoreError(e.code, `${path}:${line}: ${e.message}`, { ...e.details, file: path, line });
      return { line, clientId, error: err };
    }
  };
  if (Object.hasOwn(obj, 'profile')) {
    if (obj.profile === null) return null;
    if (!isDict(obj.profile)) throw lineError(path, line, '"profile" is neither an object nor null');
    const profile = obj.profile;
    return wrap(() => parseClientInfo(profile, clientId));
  }
  if (Object.hasOwn(obj, 'payload')) return wrap(() => payloadToClientInfo(clientId, obj.payload));
  return wrap(() => parseClientInfo(obj, clientId));
}

/** Yields every profile record of the file in file order. */
export async function* readProfileFile(path: string, opts: ReadOptions = {}): AsyncGenerator<ProfileRecord> {
  const decoder = new StringDecoder('utf8');
  const { text, bytesRead } = openText(path);
  let pending = '';
  let line = 0;
  try {
    for await (const chunk of text) {
      pending += decoder.write(chunk as Buffer);
      let start = 0;
      let nl: number;
      while ((nl = pending.indexOf('\n', start)) >= 0) {
        line += 1;
        const rec = parseProfileLine(pending.slice(start, nl), path, line);
        start = nl + 1;
        if (rec) yield rec;
      }
      pending = pending.slice(start);
      if (pending.length > MAX_LINE_CHARS)
        throw lineError(path, line + 1, `line longer than ${MAX_LINE_CHARS} characters`);
      opts.onBytes?.(bytesRead());
    }
  } catch (e) {
    if (isRecscoreError(e)) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'EISDIR' || code === 'EACCES') {
      throw new RecscoreError('RECSCORE_CONFIG', `${path}: cannot open (${code})`, { file: path }, { cause: e });
    }
    throw new RecscoreError(
      'RECSCORE_PROFILE_INVALID',
      `${path}: cannot be read (${(e as Error).message})`,
      { file: path },
      { cause: e },
    );
  } finally {
    text.destroy();
  }
  pending += decoder.end();
  if (pending.trim() !== '') {
    const rec = parseProfileLine(pending, path, line + 1);
    if (rec) yield rec;
  }
}
