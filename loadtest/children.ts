/**
 * Child processes of the load test (servers under test, the ceiling, the slow proxy). Each runs under
 * child-guard.js, so it dies with this process even on SIGKILL; every child is also recorded here and
 * killed by `killAllChildren()` (called on exit, on signals and by the run's watchdog). Children listen
 * on port 0 and print `listening on <url>`, so no port is ever guessed or shared.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface ChildHandle {
  readonly name: string;
  readonly pid: number;
  /** what the child printed after `listening on ` (http://… or tcp://…) */
  readonly url: string;
  /** last lines of its stderr, for error messages */
  stderrTail(): string;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once it has exited. */
  stop(graceMs?: number): Promise<void>;
}

export interface StartChildOptions {
  env?: Record<string, string>;
  /** how long the child may take to print its URL */
  timeoutMs?: number;
}

const GUARD = fileURLToPath(new URL('./child-guard.js', import.meta.url));
const live = new Set<ChildProcess>();

export function killAllChildren(): void {
  for (const c of live) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  live.clear();
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/** Starts `node child-guard.js entry …args` and waits until it prints `listening on URL`. */
export async function startChild(
  name: string,
  entry: string,
  args: string[],
  opts: StartChildOptions = {},
): Promise<ChildHandle> {
  const child = spawn(process.execPath, [GUARD, entry, ...args], {
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    env: { ...process.env, RECSCORE_LOG_LEVEL: 'warn', ...opts.env },
  });
  live.add(child);
  child.once('exit', () => live.delete(child));
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  const tail = () => stderr.trim().split('\n').slice(-5).join('\n');

  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(
      () => fail(new Error(`${name}: no "listening on" within ${opts.timeoutMs ?? 60_000} ms\n${tail()}`)),
      opts.timeoutMs ?? 60_000,
    );
    const onExit = (code: number | null, signal: string | null) =>
      fail(new Error(`${name} exited (${code ?? signal}) before listening\n${tail()}`));
    const fail = (e: Error) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(e);
    };
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = /listening on ((?:http|tcp):\/\/[\w.:[\]]+)/.exec(out);
      if (!m) return;
      clearTimeout(timer);
      child.off('exit', onExit);
      child.stdout!.off('data', onData);
      resolve(m[1]);
    };
    child.stdout!.on('data', onData);
    child.once('exit', onExit);
  });
  child.stdout!.resume(); // keep draining: a full pipe would block the child

  return {
    name,
    pid: child.pid!,
    url,
    stderrTail: tail,
    async stop(graceMs = 5_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited(child);
      clearTimeout(timer);
    },
  };
}

/** GET `url` → status and body text, bounded by `timeoutMs`. */
export async function getText(url: string, timeoutMs = 5_000): Promise<{ status: number; text: string }> {
  const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  return { status: res.status, text: await res.text() };
}

/** Polls `url` until it answers 200 (e.g. recscore's /ready), within `timeoutMs`. */
export async function waitReady(url: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    try {
      const { status } = await getText(url, 2_000);
      if (status === 200) return;
      last = `status ${status}`;
    } catch (e) {
      last = (e as Error).message;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} not ready within ${timeoutMs} ms (${last})`);
}
