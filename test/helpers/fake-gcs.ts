/**
 * A small in-memory Google Cloud Storage JSON-API server on 127.0.0.1, for tests that drive the real
 * @google-cloud/storage client. It implements what a reader needs: object listing
 * (`GET /storage/v1/b/:bucket/o?prefix=`), object metadata (`GET …/o/:object`) and media download
 * (`…/o/:object?alt=media[&generation=]`); and for the model registry, simple uploads
 * (`POST /upload/storage/v1/b/:bucket/o`) and `DELETE`, both with `ifGenerationMatch` (412 when it fails),
 * with the headers GCS sends (x-goog-hash, x-goog-generation,
 * x-goog-stored-content-encoding, ETag). Every `put` creates a new generation; old generations stay
 * downloadable unless `versioning: false`, which mimics a bucket without object versioning.
 *
 * Faults are queued with `fault()`; each request takes the first queued fault that matches its kind
 * (and object name, when given) and decrements its count.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

export type RequestKind = 'list' | 'meta' | 'media';

export type FaultSpec =
  | { type: 'status'; status?: number } // answer with this status (default 503) and a GCS error body
  | { type: 'delay'; ms: number } // wait before answering normally
  | { type: 'stall' } // media: send headers and half the body, then nothing
  | { type: 'reset' } // media: send half the body, then destroy the socket
  | { type: 'corrupt' } // media: flip one byte of the body; headers still carry the true hashes
  | { type: 'bad-hash' } // media: x-goog-hash advertises hashes of other bytes
  | { type: 'replace'; bytes: Buffer }; // media: `put` new bytes under the object just before answering

export type Fault = FaultSpec & { on?: RequestKind | 'any'; name?: string; times?: number };

export interface LoggedRequest {
  method: string;
  url: string;
  kind: RequestKind | 'other';
}

interface StoredObject {
  bucket: string;
  name: string;
  generation: number;
  bytes: Buffer;
  md5: string;
  crc32c: string;
  updated: string;
}

// CRC32C (Castagnoli, reflected 0x82F63B78), written here so the fake does not check the client with
// the client's own code.
const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

export function crc32cBase64(bytes: Buffer): string {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  const out = Buffer.alloc(4);
  out.writeUInt32BE((c ^ 0xffffffff) >>> 0);
  return out.toString('base64');
}

export class FakeGcs {
  readonly requests: LoggedRequest[] = [];
  #server: Server;
  #sockets = new Set<Socket>();
  #objects = new Map<string, StoredObject[]>(); // `${bucket}/${name}` -> generations, oldest first
  #buckets = new Set<string>();
  #timers = new Set<NodeJS.Timeout>(); // injected delays, cancelled by close() so a test file exits promptly
  #faults: Fault[] = [];
  #nextGeneration = 1_700_000_000_000_000;
  #versioning: boolean;
  #port = 0;

  private constructor(opts: { versioning?: boolean }) {
    this.#versioning = opts.versioning ?? true;
    this.#server = createServer((req, res) => void this.#handle(req, res));
    this.#server.on('connection', (s) => {
      this.#sockets.add(s);
      s.on('close', () => this.#sockets.delete(s));
    });
  }

  static async start(opts: { versioning?: boolean } = {}): Promise<FakeGcs> {
    const fake = new FakeGcs(opts);
    await new Promise<void>((resolve) => fake.#server.listen(0, '127.0.0.1', resolve));
    fake.#port = (fake.#server.address() as { port: number }).port;
    return fake;
  }

  get endpoint(): string {
    return `http://127.0.0.1:${this.#port}`;
  }

  /** Buckets exist once created or once anything was put in them; listing another one is a 404. */
  createBucket(bucket: string): void {
    this.#buckets.add(bucket);
  }

  /** Stores bytes as a new generation of the object and returns that generation. */
  put(bucket: string, name: string, bytes: Buffer | string): string {
    const b = Buffer.from(bytes);
    const gen = this.#nextGeneration++;
    const obj: StoredObject = {
      bucket,
      name,
      generation: gen,
      bytes: b,
      md5: createHash('md5').update(b).digest('base64'),
      crc32c: crc32cBase64(b),
      updated: new Date().toISOString(),
    };
    this.#buckets.add(bucket);
    const key = `${bucket}/${name}`;
    const gens = this.#versioning ? (this.#objects.get(key) ?? []) : [];
    gens.push(obj);
    this.#objects.set(key, gens);
    return String(gen);
  }

  delete(bucket: string, name: string): void {
    this.#objects.delete(`${bucket}/${name}`);
  }

  fault(f: Fault): void {
    this.#faults.push({ times: 1, on: 'media', ...f });
  }

  clearFaults(): void {
    this.#faults = [];
  }

  /** Requests of one kind seen so far (kind is derived from the URL, not trusted from the client). */
  count(kind: RequestKind): number {
    return this.requests.filter((r) => r.kind === kind).length;
  }

  async close(): Promise<void> {
    for (const t of this.#timers) clearTimeout(t);
    for (const s of this.#sockets) s.destroy();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #take(kind: RequestKind, name: string | undefined): Fault | undefined {
    const i = this.#faults.findIndex(
      (f) => (f.on === 'any' || f.on === kind) && (f.name === undefined || f.name === name) && (f.times ?? 1) > 0,
    );
    if (i < 0) return undefined;
    const f = this.#faults[i];
    f.times = (f.times ?? 1) - 1;
    if (f.times <= 0) this.#faults.splice(i, 1);
    return f;
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.endpoint);
    // The object name is one URL-encoded segment (slashes as %2F), so split the raw path before decoding.
    const m = /^(?:\/download)?\/storage\/v1\/b\/([^/]+)\/o(?:\/([^/]+))?\/?$/.exec(url.pathname);
    const kind: RequestKind | 'other' = !m
      ? 'other'
      : !m[2]
        ? 'list'
        : url.searchParams.get('alt') === 'media'
          ? 'media'
          : 'meta';
    this.requests.push({ method: req.method ?? '', url: req.url ?? '', kind });
    const upload = /^\/upload\/storage\/v1\/b\/([^/]+)\/o\/?$/.exec(url.pathname);
    if (upload && req.method === 'POST') return this.#upload(req, res, decodeURIComponent(upload[1]), url.searchParams);
    if (m?.[2] && req.method === 'DELETE')
      return this.#delete(res, decodeURIComponent(m[1]), decodeURIComponent(m[2]), url.searchParams);
    if (!m || req.method !== 'GET' || kind === 'other') return this.#error(res, 404, 'Not Found');
    const bucket = decodeURIComponent(m[1]);
    const name = m[2] === undefined ? undefined : decodeURIComponent(m[2]);

    const fault = this.#take(kind, name);
    if (fault?.type === 'delay') {
      await new Promise<void>((r) => {
        const t = setTimeout(() => (this.#timers.delete(t), r()), fault.ms);
        this.#timers.add(t);
      });
    }
    if (fault?.type === 'status') return this.#error(res, fault.status ?? 503, 'Injected failure');
    if (fault?.type === 'replace' && name !== undefined) this.put(bucket, name, fault.bytes);

    if (!this.#buckets.has(bucket)) return this.#error(res, 404, 'The specified bucket does not exist.');
    if (kind === 'list') return this.#list(res, bucket, url.searchParams);
    const obj = this.#find(bucket, name!, url.searchParams.get('generation'));
    if (!obj) return this.#error(res, 404, `No such object: ${bucket}/${name}`);
    if (kind === 'meta') return this.#json(res, 200, this.#resource(obj));
    this.#media(req, res, obj, fault);
  }

  /** `ifGenerationMatch` as GCS checks it: 0 = the object must not exist, n = its live generation must be n. */
  #preconditionFails(bucket: string, name: string, q: URLSearchParams): boolean {
    const want = q.get('ifGenerationMatch');
    if (want === null) return false;
    const live = this.#find(bucket, name, null);
    return want === '0' ? live !== undefined : String(live?.generation) !== want;
  }

  // A simple (multipart/related or media) upload: the library's `file.save(…, {resumable: false})`.
  async #upload(req: IncomingMessage, res: ServerResponse, bucket: string, q: URLSearchParams): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks);
    let name = q.get('name') ?? '';
    let bytes = body;
    const boundary = /boundary="?([^";]+)"?/.exec(req.headers['content-type'] ?? '')?.[1];
    if (q.get('uploadType') === 'multipart' && boundary) {
      const sep = Buffer.from(`--${boundary}`);
      const parts: Buffer[] = [];
      let at = body.indexOf(sep);
      while (at >= 0) {
        const next = body.indexOf(sep, at + sep.length);
        if (next < 0) break;
        parts.push(body.subarray(at + sep.length, next));
        at = next;
      }
      const content = (p: Buffer) => {
        const start = p.indexOf('\r\n\r\n') + 4;
        return p.subarray(start, p.length - 2); // the CRLF before the next boundary
      };
      const meta = JSON.parse(content(parts[0]).toString() || '{}') as { name?: string };
      name ||= meta.name ?? '';
      bytes = Buffer.from(content(parts[parts.length - 1]));
    }
    if (!name) return this.#error(res, 400, 'Required object name');
    if (this.#preconditionFails(bucket, name, q)) return this.#error(res, 412, 'Precondition Failed');
    this.put(bucket, name, bytes);
    this.#json(res, 200, this.#resource(this.#find(bucket, name, null)!));
  }

  #delete(res: ServerResponse, bucket: string, name: string, q: URLSearchParams): void {
    if (!this.#find(bucket, name, null)) return this.#error(res, 404, `No such object: ${bucket}/${name}`);
    if (this.#preconditionFails(bucket, name, q)) return this.#error(res, 412, 'Precondition Failed');
    this.delete(bucket, name);
    res.writeHead(204).end();
  }

  #find(bucket: string, name: string, generation: string | null): StoredObject | undefined {
    const gens = this.#objects.get(`${bucket}/${name}`);
    if (!gens?.length) return undefined;
    if (generation === null) return gens[gens.length - 1];
    return gens.find((g) => String(g.generation) === generation);
  }

  #list(res: ServerResponse, bucket: string, q: URLSearchParams): void {
    const prefix = q.get('prefix') ?? '';
    const max = Number(q.get('maxResults') ?? 1000);
    const start = Number(q.get('pageToken') ?? 0);
    const live = [...this.#objects.values()]
      .map((gens) => gens[gens.length - 1])
      .filter((o) => o.bucket === bucket && o.name.startsWith(prefix))
      .sort((a, b) => (a.name < b.name ? -1 : 1));
    const page = live.slice(start, start + max);
    const body: Record<string, unknown> = { kind: 'storage#objects', items: page.map((o) => this.#resource(o)) };
    if (start + max < live.length) body.nextPageToken = String(start + max);
    this.#json(res, 200, body);
  }

  #media(req: IncomingMessage, res: ServerResponse, obj: StoredObject, fault: Fault | undefined): void {
    let body = obj.bytes;
    let hash = `crc32c=${obj.crc32c},md5=${obj.md5}`;
    if (fault?.type === 'corrupt' && body.length > 0) {
      body = Buffer.from(body);
      body[body.length >> 1] ^= 0xff;
    }
    if (fault?.type === 'bad-hash') {
      const other = Buffer.concat([obj.bytes, Buffer.from('x')]);
      hash = `crc32c=${crc32cBase64(other)},md5=${createHash('md5').update(other).digest('base64')}`;
    }
    res.writeHead(200, {
      'content-type': 'application/octet-stream',
      'content-length': String(body.length),
      'x-goog-hash': hash,
      'x-goog-generation': String(obj.generation),
      'x-goog-metageneration': '1',
      'x-goog-stored-content-encoding': 'identity',
      'x-goog-stored-content-length': String(obj.bytes.length),
      etag: `"${Buffer.from(obj.md5, 'base64').toString('hex')}"`,
    });
    if (fault?.type === 'stall' || fault?.type === 'reset') {
      res.write(body.subarray(0, body.length >> 1));
      // Destroy once the half has had time to reach the client, so the client sees bytes then a reset.
      if (fault.type === 'reset') setTimeout(() => req.socket.destroy(), 20);
      return;
    }
    res.end(body);
  }

  #resource(o: StoredObject): Record<string, unknown> {
    const enc = encodeURIComponent(o.name);
    return {
      kind: 'storage#object',
      id: `${o.bucket}/${o.name}/${o.generation}`,
      selfLink: `${this.endpoint}/storage/v1/b/${o.bucket}/o/${enc}`,
      mediaLink: `${this.endpoint}/download/storage/v1/b/${o.bucket}/o/${enc}?generation=${o.generation}&alt=media`,
      name: o.name,
      bucket: o.bucket,
      generation: String(o.generation),
      metageneration: '1',
      contentType: 'application/octet-stream',
      storageClass: 'STANDARD',
      size: String(o.bytes.length),
      md5Hash: o.md5,
      crc32c: o.crc32c,
      etag: `C${o.generation}`,
      timeCreated: o.updated,
      updated: o.updated,
    };
  }

  #json(res: ServerResponse, status: number, body: unknown): void {
    const text = JSON.stringify(body);
    res.writeHead(status, {
      'content-type': 'application/json; charset=UTF-8',
      'content-length': Buffer.byteLength(text),
    });
    res.end(text);
  }

  #error(res: ServerResponse, status: number, message: string): void {
    this.#json(res, status, {
      error: { code: status, message, errors: [{ message, domain: 'global', reason: 'backendError' }] },
    });
  }
}
