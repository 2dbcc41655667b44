import { type Catalog, TOPICS } from './catalog.js';
import { Prng } from './prng.js';
import type { SynthOptions } from './types.js';

/** TAAR's locale ETL keeps the top 10 per locale and adds Laplace noise with ε = 0.4 (SPEC §5.6). */
export const LOCALE_TOP_N = 10;
const LAPLACE_SCALE = 1 / 0.4;

/**
 * SPEC §5.6 as `mozetl:taar_locale.py` makes it: per locale, noisy install counts over the whitelist,
 * shifted by their minimum and divided by their sum (so a top-10 list sums to < 1), top 10 by weight
 * descending. Each locale leans towards two topics, so the lists differ between locales.
 */
export function buildLocaleTop10(
  cat: Catalog,
  opts: SynthOptions,
  locales: readonly string[],
): Record<string, Array<[string, number]>> {
  const prng = new Prng(opts.seed, 'locale');
  const wl = cat.whitelistIndex;
  let popSum = 0;
  for (const i of wl) popSum += cat.popularity[i];
  const out: Record<string, Array<[string, number]>> = {};
  locales.forEach((loc, li) => {
    const clients = Math.round(40_000 / Math.pow(li + 1, 0.8));
    const liked = [prng.int(TOPICS), prng.int(TOPICS)];
    const counts = wl.map((i) => {
      const boost = liked.includes(cat.topic[i]) ? 4 : 1;
      const expected = (clients * cat.popularity[i] * boost) / popSum;
      return expected * prng.logNormal(0, 0.3) + prng.laplace(LAPLACE_SCALE);
    });
    let min = Infinity;
    for (const c of counts) if (c < min) min = c; // no spread: whitelists may be large
    const shifted = counts.map((c) => c - min);
    let sum = 0;
    for (const c of shifted) sum += c;
    const weighted = wl.map((i, k): [string, number] => [cat.guids[i], sum > 0 ? shifted[k] / sum : 1 / wl.length]);
    // Array.prototype.sort is stable: ties keep whitelist order, as Python's sort would.
    out[loc] = weighted.sort((a, b) => b[1] - a[1]).slice(0, LOCALE_TOP_N);
  });
  return out;
}
