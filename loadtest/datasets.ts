/**
 * The data the scenarios serve: synthetic model sets + profiles generated once (src/model/synth/cache.ts)
 * and reused, the client ids and TAAR-lite GUIDs to request, and the two-version model folder of the
 * swap scenario (`current` → a | b, flipped atomically as operators do with `ln -sfn`).
 */
import { existsSync, readFileSync } from 'node:fs';
import { cp, mkdir, readlink, rename, rm, symlink } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RecscoreError } from '../src/errors.js';
import { MODEL_FILES } from '../src/model/kinds/taar/files.js';
import { ensureSynthData } from '../src/model/synth/cache.js';

/** The repository root (this file is dist/loadtest/datasets.js once built). */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CACHE = join(REPO_ROOT, '.cache', 'loadtest');

export interface DataSet {
  name: string;
  models: string;
  profiles: string;
  clientIds: string[];
  guids: string[];
}

function clientIdsOf(profiles: string): string[] {
  const ids: string[] = [];
  for (const line of readFileSync(profiles, 'utf8').split('\n')) {
    const m = /"client_id"\s*:\s*"([^"]+)"/.exec(line);
    if (m) ids.push(m[1]);
  }
  if (ids.length === 0) throw new RecscoreError('RECSCORE_CONFIG', `${profiles}: no client_id found`);
  return ids;
}

function guidsOf(models: string): string[] {
  const file = join(models, MODEL_FILES.coinstall);
  if (!existsSync(file))
    throw new RecscoreError(
      'RECSCORE_CONFIG',
      `${file} is missing (the load test reads the plain JSON the synthetic generator writes)`,
    );
  return Object.keys(JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>);
}

async function dataSet(name: string, dir: string, preset: string): Promise<DataSet> {
  const { models, profiles } = await ensureSynthData(dir, preset);
  return { name, models, profiles, clientIds: clientIdsOf(profiles), guids: guidsOf(models) };
}

/** The demo set, shared with `recscore serve --demo` (RECSCORE_DEMO_DIR or .cache/demo). */
export function demoData(): Promise<DataSet> {
  return dataSet('demo', resolve(REPO_ROOT, process.env.RECSCORE_DEMO_DIR ?? '.cache/demo'), 'demo');
}

/** The `large` preset: 95k items × 20 factors, 20k donors, 20k profiles (about 5 s to generate once). */
export function largeData(): Promise<DataSet> {
  return dataSet('large', join(CACHE, 'large'), 'large');
}

export interface SwapFolder {
  /** the symlink the server is started on */
  link: string;
  /** points `link` at the other version; returns the folder name now current */
  flip(): Promise<'a' | 'b'>;
}

/**
 * Two copies of a model folder (different paths and mtimes, hence two model version ids) and a
 * `current` link to the first. A flip writes a new link beside it and renames it over `current`.
 */
export async function swapFolder(models: string): Promise<SwapFolder> {
  const root = join(CACHE, 'swap');
  await rm(root, { recursive: true, force: true });
  await mkdir(root, { recursive: true });
  await cp(models, join(root, 'a'), { recursive: true });
  await cp(models, join(root, 'b'), { recursive: true });
  const link = join(root, 'current');
  await symlink('a', link);
  return {
    link,
    async flip() {
      const next = (await readlink(link)) === 'a' ? 'b' : 'a';
      const tmp = `${link}.next`;
      await rm(tmp, { force: true });
      await symlink(next, tmp);
      await rename(tmp, link);
      return next;
    },
  };
}
