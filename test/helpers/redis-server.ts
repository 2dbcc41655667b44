/**
 * A private redis-server for fault tests: started on a free port of 127.0.0.1, nothing persisted, killed
 * with the test process at the latest.
 *
 *   const r = await startRedis();   // r.url = redis://127.0.0.1:<port>
 *   r.kill();                       // SIGKILL: the connection drops as in a crash
 *   await r.restart();              // same port, empty data set
 *   await r.stop();                 // SIGTERM and wait for the exit
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, connect } from 'node:net';

export const REDIS_SERVER_BIN = '/usr/bin/redis-server';

export interface RedisHandle {
  readonly port: number;
  readonly url: string;
  /** Ends the server (SIGTERM) and waits until it has exited. */
  stop(): Promise<void>;
  /** SIGKILL, at once; the exit happens shortly after. */
  kill(): void;
  /** Starts a new server on the same port (after stop or kill) and waits until it answers PING. */
  restart(): Promise<void>;
}

/** A port that was free a moment ago: listen on port 0, read it, close. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** True when something on the port answers PING with +PONG within `timeoutMs`. */
export function pingRedis(port: number, timeoutMs = 200): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = connect({ host: '127.0.0.1', port });
    let buf = '';
    const finish = (ok: boolean) => {
      clearTimeout(timer);
      sock.destroy();
      resolve(ok);
    };
    const timer = setTimeout(() => finish(false), timeoutMs);
    sock.on('connect', () => sock.write('PING\r\n'));
    sock.on('data', (d) => {
      buf += d.toString('latin1');
      if (buf.includes('\r\n')) finish(buf.startsWith('+PONG'));
    });
    sock.on('error', () => finish(false));
  });
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

const live = new Set<ChildProcess>();
process.once('exit', () => live.forEach((c) => c.kill('SIGKILL')));

async function spawnOn(port: number): Promise<ChildProcess> {
  const child = spawn(
    REDIS_SERVER_BIN,
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', '/tmp'],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  live.add(child);
  child.once('exit', () => live.delete(child));
  let stderr = '';
  child.stderr?.on('data', (d) => (stderr += d));
  const deadline = Date.now() + 5000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`redis-server on port ${port} exited (${child.exitCode}): ${stderr}`);
    if (await pingRedis(port)) return child;
    await new Promise((r) => setTimeout(r, 20));
  }
  child.kill('SIGKILL');
  throw new Error(`redis-server on port ${port} did not answer PING within 5 s`);
}

export async function startRedis(): Promise<RedisHandle> {
  const port = await freePort();
  let child = await spawnOn(port);
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    async stop() {
      child.kill('SIGTERM');
      await exited(child);
    },
    kill() {
      child.kill('SIGKILL');
    },
    async restart() {
      child.kill('SIGKILL');
      await exited(child);
      child = await spawnOn(port);
    },
  };
}
