import { positiveHash } from '../kinds/taar/addon-hash.js';
import type { ItemRow } from '../kinds/taar/types.js';
import { type Catalog, TOPICS } from './catalog.js';
import { float32Shortest } from './float-text.js';
import { Prng } from './prng.js';
import type { SynthMappingEntry, SynthOptions } from './types.js';
import { addonName } from './guids.js';

/**
 * ALS-like item factors (SPEC §5.1): each row is its topic's centroid plus noise, so add-ons of one
 * topic score each other highly. Spread matches the vectors (mean ≈ 0, sd ≈ 0.145, a few |x| < 1e-3).
 */
export function buildItemMatrix(cat: Catalog, opts: SynthOptions): ItemRow[] {
  const prng = new Prng(opts.seed, 'item-matrix');
  const centroids: number[][] = [];
  for (let t = 0; t < TOPICS; t++) {
    centroids.push(Array.from({ length: opts.factors }, () => prng.normal(0, 0.11)));
  }
  return cat.itemIndex.map((i) => {
    const c = centroids[cat.topic[i]];
    const spread = 0.08 * prng.logNormal(0, 0.35); // per-row scale gives the vectors' heavier tails
    const features = new Array<number>(opts.factors);
    for (let f = 0; f < opts.factors; f++) features[f] = float32Shortest(c[f] + prng.normal(0, spread));
    return { id: positiveHash(cat.guids[i]), features };
  });
}

/** Shares seen in the vectors: 16 of 1,900 rows unmapped, 67 of 1,884 entries legacy (SPEC §12.2). */
const UNMAPPED_SHARE = 0.0085;
const LEGACY_SHARE = 0.035;

/**
 * SPEC §5.2. A few rows get no entry and a few are legacy (`isWebextension: false`): TAAR never
 * recommends those. Whitelisted add-ons are always mapped web extensions, as production's are.
 */
export function buildAddonMapping(cat: Catalog, opts: SynthOptions): Record<string, SynthMappingEntry> {
  const prng = new Prng(opts.seed, 'addon-mapping');
  const mapping: Record<string, SynthMappingEntry> = {};
  for (const i of cat.itemIndex) {
    const whitelisted = cat.isWhitelisted[i] === 1;
    const unmapped = prng.chance(UNMAPPED_SHARE);
    const legacy = prng.chance(LEGACY_SHARE);
    const name = addonName(prng);
    if (unmapped && !whitelisted) continue;
    const id = cat.guids[i];
    mapping[String(positiveHash(id))] = { name, id, isWebextension: whitelisted || !legacy };
  }
  return mapping;
}
