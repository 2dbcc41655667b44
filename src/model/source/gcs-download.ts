/**
 * One download attempt of one pinned GCS object generation, bounded and verified.
 *
 * Why not `file.download()`: the client's `timeout` covers response headers only, so a body that stalls
 * halfway hangs forever; and it checks CRC32C only when `x-goog-stored-content-encoding` is present. Here
 * every attempt has an overall deadline and an inactivity timer, and the bytes are checked against the
 * size and hash pinned by the listing (and any `x-goog-hash` header) before they are returned.
 */
import { createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { CRC32C, type File } from '@google-cloud/storage';
import type { ModelObject } from './source.js';

export interface DownloadLimits {
  /** Abort when no byte (or header) arrives for this long. */
  idleTimeoutMs: number;
  /** Abort an attempt that has not finished within this long, however steadily bytes trickle in. */
  deadlineMs: number;
}

/** A failed attempt; `transient` says whether another attempt may succeed. */
export class DownloadFailure extends Error {
  constructor(message: string, readonly transient: boolean) {
    super(message);
    this.name = 'DownloadFailure';
  }
}

export function downloadOnce(
  file: File,
  obj: ModelObject,
  limits: DownloadLimits,
  opts: { signal?: AbortSignal; onBytes?(received: number): void } = {},
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    // validation off: we verify ourselves; decompress off: hashes cover the stored bytes.
    const stream = file.createReadStream({ validation: false, decompress: false });
    const chunks: Buffer[] = [];
    let received = 0;
    let headers: Record<string, string | string[] | undefined> = {};
    // md5 is native and ~3x faster than the client's JS CRC32C; composite objects have only a CRC32C.
    const algo: 'md5' | 'crc32c' = obj.hashes?.md5 ? 'md5' : 'crc32c';
    const hasher = algo === 'md5' ? createHash('md5') : new CRC32C();
    let settled = false;

    const finish = (err: unknown, bytes?: Buffer) => {
      if (settled) return;
      settled = true;
      clearTimeout(idle);
      clearTimeout(deadline);
      opts.signal?.removeEventListener('abort', onAbort);
      if (err === undefined) return resolve(bytes!);
      // The 'error' listener below stays attached, so late errors from the torn-down request are absorbed.
      stream.destroy();
      reject(err);
    };
    const idle = setTimeout(() => finish(new DownloadFailure(`no data for ${limits.idleTimeoutMs} ms (${received} of ${obj.size} bytes)`, true)), limits.idleTimeoutMs);
    const deadline = setTimeout(() => finish(new DownloadFailure(`not complete within ${limits.deadlineMs} ms (${received} of ${obj.size} bytes)`, true)), limits.deadlineMs);
    const onAbort = () => finish(opts.signal!.reason);
    opts.signal?.addEventListener('abort', onAbort, { once: true });

    stream.on('response', (res: { headers?: Record<string, string | string[] | undefined> }) => {
      headers = res.headers ?? {};
      idle.refresh();
    });
    stream.on('data', (chunk: Buffer) => {
      if (settled) return;
      idle.refresh();
      chunks.push(chunk);
      received += chunk.length;
      hasher.update(chunk);
      if (received > obj.size) return finish(new DownloadFailure(`more bytes than the ${obj.size} listed`, true));
      opts.onBytes?.(received);
    });
    stream.on('error', (err) => finish(err));
    stream.on('end', () => {
      if (settled) return;
      const digest = hasher instanceof CRC32C ? hasher.toString() : hasher.digest('base64');
      const problem = verify(obj, headers, received, algo, digest);
      if (problem) return finish(problem);
      const raw = Buffer.concat(chunks, received);
      try {
        // An object stored with Content-Encoding: gzip arrives as stored; TAAR's client would decompress it.
        finish(undefined, header(headers, 'content-encoding') === 'gzip' ? gunzipSync(raw) : raw);
      } catch (e) {
        finish(new DownloadFailure(`stored gzip encoding does not decompress: ${(e as Error).message}`, false));
      }
    });
  });
}

function verify(
  obj: ModelObject,
  headers: Record<string, string | string[] | undefined>,
  received: number,
  algo: 'md5' | 'crc32c',
  digest: string,
): DownloadFailure | undefined {
  const generation = header(headers, 'x-goog-generation');
  if (generation !== undefined && generation !== obj.version) {
    return new DownloadFailure(`server sent generation ${generation}, not the pinned ${obj.version}`, false);
  }
  if (received !== obj.size) return new DownloadFailure(`truncated: ${received} of ${obj.size} bytes`, true);
  // Both the hash pinned by the listing and the one the download response advertises must match.
  const sent = parseGoogHash(header(headers, 'x-goog-hash'));
  for (const want of [obj.hashes?.[algo], sent[algo]]) {
    if (want !== undefined && want !== digest) return new DownloadFailure(`${algo} mismatch: expected ${want}, got ${digest}`, true);
  }
  return undefined;
}

/** `x-goog-hash: crc32c=…,md5=…` (the header may also arrive repeated, which Node joins with ", "). */
export function parseGoogHash(value: string | undefined): { md5?: string; crc32c?: string } {
  const out: { md5?: string; crc32c?: string } = {};
  for (const part of (value ?? '').split(',')) {
    const i = part.indexOf('=');
    const k = part.slice(0, i).trim();
    if (k === 'md5' || k === 'crc32c') out[k] = part.slice(i + 1).trim();
  }
  return out;
}

function header(h: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const v = h[name];
  return Array.isArray(v) ? v.join(',') : v;
}
