/**
 * `recscore serve` children with a model registry (issue #13), for the system tests of the registry: start one
 * on a data folder (the vectors' TAAR model, an admin key, a 1 s registry poll), call its API, wait for a model
 * to finish, run the `recscore` CLI. Children still running when a file ends are killed by `killChildren`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import { tempDir } from './model-dirs.js';
import { listeningUrl } from './serve-child.js';
import { REPO_ROOT, vectorServeArgs } from './vectors.js';

export const CLI = join(REPO_ROOT, 'dist/src/cli/index.js');
export const KEY = 'registry-test-admin-key';
export const dispatcher = new Agent({ headersTimeout: 30_000, bodyTimeout: 30_000 });

export interface Server {
  url: string;
  child: ChildProcess;
  out: () => string;
  err: () => string;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

const children = new Set<ChildProcess>();

export async function killChildren(): Promise<void> {
  for (const c of children) c.kill('SIGKILL');
  await dispatcher.close();
}

export async function serve(dataDir: string, env: Record<string, string> = {}): Promise<Server> {
  const child = spawn(process.execPath, [CLI, 'serve', ...vectorServeArgs('off')], {
    env: {
      ...process.env,
      RECSCORE_LOG_LEVEL: 'warn',
      RECSCORE_RELOAD_INTERVAL: '0',
      RECSCORE_DATA_DIR: dataDir,
      RECSCORE_ADMIN_KEYS: KEY,
      RECSCORE_REGISTRY_POLL: '1',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<void>((r) => child.once('exit', () => (children.delete(child), r())));
  const url = await listeningUrl(child, 60_000, () => err.slice(-2000));
  return {
    url,
    child,
    out: () => out,
    err: () => err,
    async stop(signal = 'SIGTERM') {
      child.kill(signal);
      await exited;
    },
  };
}

export async function api(url: string, method: string, path: string, body?: unknown, key: string | null = KEY) {
  const res = await request(`${url}${path}`, {
    dispatcher,
    method: method as 'GET',
    headers: {
      ...(key === null ? {} : { 'x-api-key': key }),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.body.text();
  return { status: res.statusCode, headers: res.headers, json: text ? JSON.parse(text) : undefined };
}

export async function until<T>(what: string, f: () => Promise<T | undefined>, ms = 120_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export const finished = (url: string, id: string) =>
  until(`model ${id} to finish`, async () => {
    const r = (await api(url, 'GET', `/api/models/${id}`)).json;
    return r.modelStatus === 'Completed' || r.modelStatus === 'Failed' ? r : undefined;
  });

export function cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

export async function dataDir(): Promise<string> {
  const dir = join(await tempDir('recscore-registry-'), 'data');
  mkdirSync(dir);
  copyFileSync(join(REPO_ROOT, 'test/fixtures/sar/data/train.jsonl.gz'), join(dir, 'train.jsonl.gz'));
  copyFileSync(join(REPO_ROOT, 'test/fixtures/sar/data/test.jsonl.gz'), join(dir, 'test.jsonl.gz'));
  return dir;
}
