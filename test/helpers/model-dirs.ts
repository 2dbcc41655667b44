/**
 * Model folders for lifecycle tests: copies of the vectors' model set, variants with another version, and
 * broken variants (one defect each) — all in a temp dir the caller removes.
 */
import { cp, mkdtemp, readFile, rm, symlink, rename, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bzip2Available } from './bzip2.js';
import { VECTOR_MODELS } from './vectors.js';

export async function tempDir(prefix = 'recscore-test-'): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

/** A copy of the vectors' models; `ensembleWeights` replaces the ensemble file (plain JSON) to make another version. */
export async function modelCopy(
  dir: string,
  ensembleWeights?: { collaborative: number; similarity: number; locale: number },
): Promise<string> {
  await cp(VECTOR_MODELS, dir, { recursive: true });
  if (ensembleWeights) {
    await rm(join(dir, 'taar/ensemble/ensemble_weight.json.bz2'), { force: true });
    await writeFile(
      join(dir, 'taar/ensemble/ensemble_weight.json'),
      JSON.stringify({ ensemble_weights: ensembleWeights }),
    );
  }
  return dir;
}

export type Defect =
  | 'truncated-bz2'
  | 'garbage-bz2'
  | 'invalid-json'
  | 'wrong-schema'
  | 'nan'
  | 'dimension-mismatch'
  | 'missing-file';

/** Breaks one file of a model copy; returns the file it broke. */
export async function breakModel(dir: string, defect: Defect): Promise<string> {
  const matrixBz = join(dir, 'addon_recommender/item_matrix.json.bz2');
  const donorsBz = join(dir, 'taar/similarity/donors.json.bz2');
  switch (defect) {
    case 'truncated-bz2': {
      const b = await readFile(matrixBz);
      await writeFile(matrixBz, b.subarray(0, b.length >> 1));
      return 'addon_recommender/item_matrix.json.bz2';
    }
    case 'garbage-bz2':
      await writeFile(donorsBz, Buffer.from('BZh9 this is not bzip2 data at all'));
      return 'taar/similarity/donors.json.bz2';
    case 'invalid-json':
      await rm(join(dir, 'taar/locale/top10_dict.json.bz2'));
      await writeFile(join(dir, 'taar/locale/top10_dict.json'), '{"en-US": [["a@b", 0.5]');
      return 'taar/locale/top10_dict.json';
    case 'wrong-schema':
      await rm(join(dir, 'taar/similarity/lr_curves.json.bz2'));
      await writeFile(join(dir, 'taar/similarity/lr_curves.json'), JSON.stringify([[0.1, 0.2, 0.3]]));
      return 'taar/similarity/lr_curves.json';
    case 'nan':
      await rm(join(dir, 'taar/ensemble/ensemble_weight.json.bz2'));
      // Python's json.dumps writes NaN for float('nan'): not JSON, must be rejected.
      await writeFile(
        join(dir, 'taar/ensemble/ensemble_weight.json'),
        '{"ensemble_weights": {"collaborative": NaN, "similarity": 1, "locale": 1}}',
      );
      return 'taar/ensemble/ensemble_weight.json';
    case 'dimension-mismatch':
      await rm(matrixBz);
      await writeFile(
        join(dir, 'addon_recommender/item_matrix.json'),
        JSON.stringify([
          { id: 1, features: [0.1, 0.2] },
          { id: 2, features: [0.1] },
        ]),
      );
      return 'addon_recommender/item_matrix.json';
    case 'missing-file':
      await rm(join(dir, 'taar/lite/guid_install_ranking.json.bz2'));
      return 'taar/lite/guid_install_ranking.json';
  }
}

/** Points `link` at `target` atomically (a new link renamed over the old one), as an operator would. */
export async function flipSymlink(link: string, target: string): Promise<void> {
  const tmp = `${link}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
  await symlink(target, tmp);
  await rename(tmp, link);
}

export { bzip2Available };
