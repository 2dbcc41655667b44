/**
 * `recscore serve` as a child process: its stdout and stderr collected, with waits for a line to appear.
 */
import { spawn, type ChildProcess, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from './vectors.js';

export const CLI = join(REPO_ROOT, 'dist/src/cli/index.js');

export interface ServeChild {
  child: ChildProcessWithoutNullStreams;
  readonly out: string;
  readonly err: string;
  /** Resolves with the first match of `re` in stdout or stderr; rejects after `ms` or if the child exits first. */
  waitFor(re: RegExp, ms?: number): Promise<RegExpExecArray>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function spawnServe(args: string[], env: Record<string, string> = {}): ServeChild {
  const child = spawn(process.execPath, [CLI, 'serve', ...args], { env: { ...process.env, ...env }, stdio: 'pipe' });
  let out = '';
  let err = '';
  const waiters = new Set<() => void>();
  const poke = () => waiters.forEach((w) => w());
  child.stdout.on('data', (d: Buffer) => ((out += d.toString()), poke()));
  child.stderr.on('data', (d: Buffer) => ((err += d.toString()), poke()));
  let done = false;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => ((done = true), poke(), resolve({ code, signal }))),
  );
  const waitFor = (re: RegExp, ms = 60_000) =>
    new Promise<RegExpExecArray>((resolve, reject) => {
      const check = () => {
        const m = re.exec(out) ?? re.exec(err);
        if (m || done) {
          clearTimeout(timer);
          waiters.delete(check);
          if (m) resolve(m);
          else reject(new Error(`exited before ${re}: ${err.slice(-2000)}`));
        }
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`no ${re} within ${ms} ms: ${err.slice(-2000)}`));
      }, ms);
      waiters.add(check);
      check();
    });
  return {
    child,
    get out() {
      return out;
    },
    get err() {
      return err;
    },
    waitFor,
    exited,
  };
}

/**
 * The URL a `recscore serve` child prints once it listens (`recscore listening on http://…`); rejects after
 * `ms`, or when the child exits first. `context()` adds what to show on failure (its stderr, say).
 */
export function listeningUrl(child: ChildProcess, ms = 60_000, context: () => string = () => ''): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    let out = '';
    const fail = (why: string) => {
      clearTimeout(timer);
      reject(new Error(`${why}: ${out} ${context()}`.trim()));
    };
    const timer = setTimeout(() => fail(`no URL printed within ${ms} ms`), ms);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        child.off('exit', onExit);
        resolve(m[1]);
      }
    });
    const onExit = (code: number | null) => fail(`server exited (${code}) before listening`);
    child.once('exit', onExit);
  });
}
