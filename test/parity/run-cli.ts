/**
 * Runs the built `recscore` CLI (dist/src/cli/index.js) in a child process with a hard timeout, the way
 * an operator runs it, and splits its stderr into JSON log records and everything else (error lines).
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from '../helpers/vectors.js';

export const CLI = join(REPO_ROOT, 'dist/src/cli/index.js');

export interface CliRun {
  /** exit code, or null when the process was killed (timeout) */
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[], opts: { timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      {
        timeout: opts.timeoutMs ?? 30_000,
        killSignal: 'SIGKILL',
        maxBuffer: 256 << 20,
        env: { ...process.env, ...opts.env },
      },
      (err, stdout, stderr) => {
        const e = err as (Error & { code?: unknown; signal?: NodeJS.Signals | null }) | null;
        resolve({
          code: e ? (typeof e.code === 'number' ? e.code : null) : 0,
          signal: e?.signal ?? null,
          stdout,
          stderr,
        });
      },
    );
  });
}

/** stderr lines that are not structured log records (src/log.ts writes one JSON object per line). */
export function nonLogLines(stderr: string): string[] {
  return stderr.split('\n').filter((line) => {
    if (line === '') return false;
    try {
      const rec = JSON.parse(line) as { level?: unknown; msg?: unknown };
      return !(typeof rec === 'object' && rec !== null && typeof rec.level === 'string' && typeof rec.msg === 'string');
    } catch {
      return true;
    }
  });
}

/** Parses a JSON-lines stdout, naming the line that fails. */
export function parseJsonLines<T>(stdout: string): T[] {
  return stdout
    .split('\n')
    .filter((l) => l !== '')
    .map((l, i) => {
      try {
        return JSON.parse(l) as T;
      } catch (e) {
        throw new Error(`stdout line ${i + 1} is not JSON (${(e as Error).message}): ${l.slice(0, 200)}`);
      }
    });
}

/** A short description of the first few mismatches, or '' when there are none. */
export function describeMismatches(mismatches: string[], max = 5): string {
  if (mismatches.length === 0) return '';
  const more = mismatches.length > max ? `\n… and ${mismatches.length - max} more` : '';
  return `${mismatches.length} mismatch(es):\n${mismatches.slice(0, max).join('\n')}${more}`;
}
