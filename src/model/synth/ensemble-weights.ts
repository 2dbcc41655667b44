import type { EnsembleWeights } from '../kinds/taar/types.js';
import { Prng } from './prng.js';
import type { SynthOptions } from './types.js';

/**
 * SPEC §5.7: three positive logistic-regression coefficients, rounded to 10 decimals like the
 * vectors' `{collaborative: 0.68…, similarity: 0.021…, locale: 9.22…}`.
 */
export function buildEnsembleWeights(opts: SynthOptions): { ensemble_weights: EnsembleWeights } {
  const prng = new Prng(opts.seed, 'ensemble');
  const round10 = (x: number) => Number(x.toFixed(10));
  return {
    ensemble_weights: {
      collaborative: round10(prng.uniform(0.3, 1.2)),
      similarity: round10(prng.uniform(0.01, 0.05)),
      locale: round10(prng.uniform(3, 12)),
    },
  };
}
