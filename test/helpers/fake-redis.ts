/**
 * A misbehaving Redis for fault tests, on a free port of 127.0.0.1. It either relays to a real server
 * (`upstream` port) or answers every command itself through `respond`, which returns the raw bytes to send
 * (any bytes: a malformed reply is the point). `inject` writes bytes to every open connection at once,
 * e.g. an extra reply while the client is idle.
 *
 *   const fake = await startFakeRedis({ upstream: redis.port });  // behaves like redis until told otherwise
 *   fake.respond(() => '$-1\r\n$-1\r\n');                          // two replies to every command
 *   fake.inject('$-1\r\n');                                        // one reply nobody asked for
 *   fake.relay();                                                  // back to the real server, new connections only
 *   await fake.close();
 *
 * In `respond` mode the commands are parsed (RESP arrays of bulk strings, as clients send them), and a
 * handler may return null to stay silent or call `sock.destroy()` itself.
 */
import { connect, createServer, type Socket } from 'node:net';

export type Responder = (command: string[], sock: Socket) => string | Buffer | null;

export interface FakeRedis {
  readonly port: number;
  readonly url: string;
  /** Commands received in `respond` mode, in order. */
  readonly commands: string[][];
  /** Connections accepted so far. */
  readonly accepted: number;
  /** Bytes relayed from the upstream server to clients so far. */
  readonly relayedBytes: number;
  respond(handler: Responder): void;
  /** Relays new connections to `upstream` again (open ones are dropped so that clients reconnect). */
  relay(): void;
  inject(bytes: string | Buffer): void;
  /** Drops every open connection. */
  dropAll(): void;
  close(): Promise<void>;
}

/** Answers the handshake ioredis sends (INFO for the ready check, CLIENT SETINFO) like an empty redis. */
export function handshake(command: string[]): string | null {
  const name = command[0]?.toUpperCase();
  if (name === 'INFO') return bulk('# Server\r\nredis_version:7.0.0\r\nloading:0\r\n');
  if (name === 'CLIENT' || name === 'SELECT') return '+OK\r\n';
  if (name === 'PING') return '+PONG\r\n';
  if (name === 'QUIT') return '+OK\r\n';
  return null;
}

export function bulk(s: string | null): string {
  return s === null ? '$-1\r\n' : `$${Buffer.byteLength(s)}\r\n${s}\r\n`;
}

/** Incremental parser of the client side of RESP (arrays of bulk strings). */
function commandReader(onCommand: (c: string[]) => void): (chunk: Buffer) => void {
  let buf = Buffer.alloc(0);
  return (chunk) => {
    buf = Buffer.concat([buf, chunk]);
    for (;;) {
      let at = 0;
      const line = () => {
        const end = buf.indexOf('\r\n', at);
        if (end < 0) return null;
        const s = buf.toString('latin1', at, end);
        at = end + 2;
        return s;
      };
      const head = line();
      if (head === null || head[0] !== '*') return;
      const args: string[] = [];
      let complete = true;
      for (let i = 0; i < Number(head.slice(1)); i++) {
        const len = line();
        if (len === null || buf.length < at + Number(len.slice(1)) + 2) {
          complete = false;
          break;
        }
        args.push(buf.toString('utf8', at, at + Number(len.slice(1))));
        at += Number(len.slice(1)) + 2;
      }
      if (!complete) return;
      buf = buf.subarray(at);
      onCommand(args);
    }
  };
}

export async function startFakeRedis(opts: { upstream?: number } = {}): Promise<FakeRedis> {
  let handler: Responder | null = null;
  const commands: string[][] = [];
  const clients = new Set<Socket>();
  let accepted = 0;
  let relayedBytes = 0;

  const server = createServer((sock) => {
    accepted += 1;
    clients.add(sock);
    sock.on('close', () => clients.delete(sock));
    sock.on('error', () => {});
    const h = handler;
    if (h) {
      sock.on(
        'data',
        commandReader((c) => {
          commands.push(c);
          const out = h(c, sock) ?? null;
          if (out !== null && !sock.destroyed) sock.write(out);
        }),
      );
      return;
    }
    if (opts.upstream === undefined) throw new Error('fake redis: no responder and no upstream');
    const up = connect({ host: '127.0.0.1', port: opts.upstream });
    up.on('error', () => sock.destroy());
    sock.on('close', () => up.destroy());
    up.on('close', () => sock.destroy());
    up.on('data', (d: Buffer) => (relayedBytes += d.length));
    sock.pipe(up);
    up.pipe(sock);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;

  const dropAll = () => clients.forEach((s) => s.destroy());
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    commands,
    get accepted() {
      return accepted;
    },
    get relayedBytes() {
      return relayedBytes;
    },
    // A connection keeps the mode it was accepted in; drop the open ones so that the change applies.
    respond(h) {
      handler = h;
      dropAll();
    },
    relay() {
      handler = null;
      dropAll();
    },
    inject(bytes) {
      clients.forEach((s) => s.write(bytes));
    },
    dropAll,
    close() {
      dropAll();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
