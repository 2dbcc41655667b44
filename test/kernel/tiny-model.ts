/**
 * Hand-written TaarModelSet values for edge-case tests: every file present and minimal, so a test states
 * only what it is about.
 */
import { positiveHash } from '../../src/model/kinds/taar/addon-hash.js';
import { itemMatrixFromRows } from '../../src/model/kinds/taar/item-matrix.js';
import type { AddonMappingEntry, Donor, TaarModelSet } from '../../src/model/kinds/taar/types.js';

export function tinySet(parts: Partial<TaarModelSet> = {}): TaarModelSet {
  return {
    itemMatrix: itemMatrixFromRows([]),
    addonMapping: new Map(),
    whitelist: [],
    donors: [],
    lrCurves: [[0, 1, 1]],
    locale: new Map(),
    ensembleWeights: { collaborative: 1, similarity: 1, locale: 1 },
    coinstall: new Map(),
    ranking: new Map(),
    ...parts,
  };
}

/** Item rows keyed by positive_hash(guid); `web: false` rows are in the matrix but never recommended. */
export function itemRows(
  rows: Array<{ guid: string; features: number[]; web?: boolean }>,
): Pick<TaarModelSet, 'itemMatrix' | 'addonMapping'> {
  const addonMapping = new Map<string, AddonMappingEntry>();
  const itemMatrix = itemMatrixFromRows(
    rows.map(({ guid, features, web = true }) => {
      const id = positiveHash(guid);
      addonMapping.set(String(id), { id: guid, isWebextension: web });
      return { id, features };
    }),
  );
  return { itemMatrix, addonMapping };
}

export function donor(
  activeAddons: string[],
  continuous: Donor['continuous'] = [1, 1, 1, 1, 1],
  categorical: Donor['categorical'] = ['x', 'y', 'z'],
): Donor {
  return { activeAddons, continuous, categorical };
}
