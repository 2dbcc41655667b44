import { buildCatalog, compareStrings } from './catalog.js';
import { buildCoinstall } from './coinstall.js';
import { buildDonors } from './donors.js';
import { buildEnsembleWeights } from './ensemble-weights.js';
import { buildAddonMapping, buildItemMatrix } from './item-matrix.js';
import { buildLocaleTop10 } from './locale-top10.js';
import { buildLrCurves } from './lr-curves.js';
import { validateSynthOptions } from './options.js';
import { buildRanking } from './ranking.js';
import type { SynthOptions, SynthOutput } from './types.js';
import { LOCALES } from './vocab.js';

/**
 * A complete synthetic TAAR model set (SPEC §5), deterministic in `opts.seed`: the same options give
 * the same values, and each file has its own PRNG stream, so changing `donors` changes only donors.json.
 * Throws RecscoreError RECSCORE_BAD_OPTION for invalid options.
 *
 * @example const set = generateModelSet({ ...SYNTH_PRESETS.demo.model, seed: 1 });
 */
export function generateModelSet(opts: SynthOptions): SynthOutput {
  const o = validateSynthOptions(opts);
  const cat = buildCatalog(o);
  const locales = LOCALES.slice(0, o.locales);
  return {
    itemMatrix: buildItemMatrix(cat, o),
    addonMapping: buildAddonMapping(cat, o),
    whitelist: cat.whitelistIndex.map((i) => cat.guids[i]).sort(compareStrings),
    donors: buildDonors(cat, o, locales),
    lrCurves: buildLrCurves(o),
    locale: buildLocaleTop10(cat, o, locales),
    ensembleWeights: buildEnsembleWeights(o),
    coinstall: buildCoinstall(cat, o),
    ranking: buildRanking(cat, o),
  };
}
