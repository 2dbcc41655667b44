/**
 * A model version that cannot personalise anything — no whitelist (no candidates), no item factors, no
 * donors, or ensemble weights that are all zero — decodes and packs without a fault, and once swapped in
 * every request falls back with no error anywhere. Such a version is refused before it serves
 * (RECSCORE_MODEL_CONSISTENCY, naming the file), so the version in service keeps serving and
 * `/v1/models` shows why. The minimums are settings (src/config: RECSCORE_MODEL_MIN_*; 0 turns a check
 * off), e.g. for a model that deliberately ships without donors.
 */
import { ModelError } from '../../../errors.js';
import { MODEL_FILES } from './files.js';
import type { TaarModelSet } from './types.js';

export type UsableMinimums = {
  /** GUIDs in the whitelist (TAAR's candidates) */
  whitelist: number;
  /** rows of the item matrix (collaborative recommender) */
  items: number;
  /** donors (similarity recommender) */
  donors: number;
};

export const DEFAULT_MINIMUMS: Readonly<UsableMinimums> = Object.freeze({ whitelist: 1, items: 1, donors: 1 });

/** Throws a ModelError naming the first file that leaves the version unable to personalise. */
export function assertUsable(set: TaarModelSet, min: UsableMinimums = DEFAULT_MINIMUMS): void {
  const refuse = (file: string, problem: string) =>
    new ModelError('RECSCORE_MODEL_CONSISTENCY', file, `${problem}: this version cannot personalise`);
  const short = (n: number, least: number, what: string) => `${n} ${what}, at least ${least} required`;
  if (set.whitelist.length < min.whitelist) {
    throw refuse(MODEL_FILES.whitelist, short(set.whitelist.length, min.whitelist, 'whitelisted GUIDs'));
  }
  const items = set.itemMatrix.ids.length;
  if (items < min.items) throw refuse(MODEL_FILES.itemMatrix, short(items, min.items, 'items'));
  if (set.donors.length < min.donors) throw refuse(MODEL_FILES.donors, short(set.donors.length, min.donors, 'donors'));
  const w = set.ensembleWeights;
  if (!(w.collaborative > 0 || w.similarity > 0 || w.locale > 0)) {
    const weights = `${w.collaborative}/${w.similarity}/${w.locale}`;
    throw refuse(MODEL_FILES.ensembleWeights, `ensemble weights are ${weights} (none positive)`);
  }
}
