/**
 * What `GET /__version__` answers (Dockerflow, as TAAR serves it): `{source, version, commit, build}`.
 *
 * Read once at start, without running git: a `version.json` at the repository root (what a CI build
 * writes into an image, Dockerflow's convention) wins field by field; otherwise `version` comes from
 * package.json and `commit` from `.git` (HEAD, a loose ref or packed-refs; a worktree's `.git` file is
 * followed). A clone without `.git` and without version.json still answers, with `commit: "unknown"`.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface VersionInfo {
  source: string;
  version: string;
  commit: string;
  build: string;
}

// dist/src/server/version.js → the repository root, three levels up.
const DEFAULT_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

function readJson(file: string): Record<string, unknown> | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** The commit checked out at `root`, from the files git keeps (undefined without a readable `.git`). */
export function gitCommit(root: string): string | undefined {
  try {
    let gitDir = join(root, '.git');
    if (!existsSync(gitDir)) return undefined;
    if (statSync(gitDir).isFile()) {
      const target = /^gitdir:\s*(.+)\s*$/m.exec(readFileSync(gitDir, 'utf8'))?.[1];
      if (!target) return undefined;
      gitDir = isAbsolute(target) ? target : resolve(root, target);
    }
    const head = readFileSync(join(gitDir, 'HEAD'), 'utf8').trim();
    if (/^[0-9a-f]{40,64}$/.test(head)) return head;
    const ref = /^ref:\s*(\S+)$/.exec(head)?.[1];
    if (!ref) return undefined;
    // A worktree keeps HEAD in its own folder but refs in the common one.
    const commondir = join(gitDir, 'commondir');
    const common = existsSync(commondir) ? resolve(gitDir, readFileSync(commondir, 'utf8').trim()) : gitDir;
    for (const dir of [gitDir, common]) {
      const loose = join(dir, ref);
      if (existsSync(loose)) return readFileSync(loose, 'utf8').trim();
    }
    const packed = join(common, 'packed-refs');
    if (existsSync(packed)) {
      for (const line of readFileSync(packed, 'utf8').split('\n')) {
        const [hash, name] = line.trim().split(' ');
        if (name === ref && hash) return hash;
      }
    }
  } catch {
    /* an unreadable .git is the same as none */
  }
  return undefined;
}

export function readVersionInfo(root = DEFAULT_ROOT): VersionInfo {
  const file = readJson(join(root, 'version.json')) ?? {};
  const pkg = readJson(join(root, 'package.json')) ?? {};
  const repo = pkg.repository;
  const repoUrl = typeof repo === 'string' ? repo : str((repo as { url?: unknown } | undefined)?.url);
  return {
    source: str(file.source) ?? repoUrl ?? str(pkg.homepage) ?? '',
    version: str(file.version) ?? str(pkg.version) ?? 'unknown',
    commit: str(file.commit) ?? gitCommit(root) ?? 'unknown',
    build: str(file.build) ?? '',
  };
}
