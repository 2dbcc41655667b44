/**
 * Keeps a misbehaving Redis server from ending the process through ioredis 5.
 *
 * ioredis parses replies inside its socket 'data' listener and matches each reply to the oldest waiting
 * command. A reply that no command waits for (a server answering twice, or bytes sent while the client is
 * idle) makes it throw from that listener — `reply.toString()` on a nil reply, or "Command queue state
 * error" (ioredis issue #1981, open in 5.11.1) — and an exception thrown by a socket listener is uncaught:
 * the process exits. A declared bulk length of gigabytes is buffered until the command times out.
 *
 * The guard wraps the data listeners of every new connection (ioredis attaches its parser before it emits
 * 'connect', and builds a new one per connection). A connection that receives bytes while no command is
 * waiting, whose parser throws, or that buffers more than `maxReplyBytes` of one reply is destroyed with a
 * `RedisProtocolError`: ioredis then fails the commands in flight (a store error for their requests, which
 * the breaker counts) and reconnects. A fresh connection is the only state known to be in step again.
 */
import type { Redis } from 'ioredis';
import type { Socket } from 'node:net';

export class RedisProtocolError extends Error {
  constructor(problem: string, options?: { cause?: unknown }) {
    super(`redis protocol error: ${problem}`, options);
    this.name = 'RedisProtocolError';
  }
}

export interface ReplyGuardOptions {
  /** Bytes one reply may take before the connection is dropped. */
  maxReplyBytes: number;
  /** Called once per destroyed connection (for logs). */
  onViolation?(err: RedisProtocolError): void;
}

type DataListener = (chunk: Buffer) => void;
// ioredis's queue of commands awaiting a reply; not in its typings, present on every client since v4.
type WithQueue = { commandQueue?: { length: number }; stream?: Socket };

export function guardReplies(client: Redis, opts: ReplyGuardOptions): void {
  const guarded = new WeakSet<Socket>();
  client.on('connect', () => {
    const stream = (client as unknown as WithQueue).stream;
    if (!stream || guarded.has(stream)) return;
    guarded.add(stream);
    wrapDataListeners(client as unknown as WithQueue, stream, opts);
  });
}

function wrapDataListeners(client: WithQueue, stream: Socket, opts: ReplyGuardOptions): void {
  const inner = stream.listeners('data') as DataListener[];
  stream.removeAllListeners('data');
  let partial = 0; // bytes received since the last completed reply
  let failed = false;
  const fail = (err: RedisProtocolError) => {
    failed = true;
    opts.onViolation?.(err);
    stream.destroy(err);
  };
  stream.on('data', (chunk: Buffer) => {
    if (failed) return;
    const waiting = client.commandQueue?.length ?? 0;
    if (waiting === 0) return fail(new RedisProtocolError(`${chunk.length} bytes arrived while no command waited`));
    try {
      for (const listener of inner) listener.call(stream, chunk);
    } catch (e) {
      return fail(new RedisProtocolError(`unexpected reply (${(e as Error).message})`, { cause: e }));
    }
    const left = client.commandQueue?.length ?? 0;
    partial = left < waiting ? 0 : partial + chunk.length;
    if (partial > opts.maxReplyBytes) fail(new RedisProtocolError(`a reply passed ${opts.maxReplyBytes} bytes`));
  });
}
