import { type Catalog, TOPICS } from './catalog.js';
import { Prng } from './prng.js';
import { WeightedSampler, clampInt, zipfWeights } from './sampling.js';
import type { SynthDonor, SynthOptions } from './types.js';
import { CITIES, OS_NAMES, OS_WEIGHTS } from './vocab.js';

/** One engagement count: share of zeros, then log-normal around `median` (fitted to the vectors' donors). */
interface CountShape {
  zero: number;
  median: number;
  sigma: number;
  max: number;
}

export const ENGAGEMENT = {
  subsession_length: { zero: 0.02, median: 15_706, sigma: 0.96, max: 259_200 },
  bookmark_count: { zero: 0.13, median: 27, sigma: 0.86, max: 20_000 },
  tab_open_count: { zero: 0.033, median: 24, sigma: 0.92, max: 5_000 },
  total_uri: { zero: 0.034, median: 154, sigma: 0.9, max: 50_000 },
  unique_tlds: { zero: 0.033, median: 18, sigma: 0.64, max: 2_000 },
} as const satisfies Record<string, CountShape>;

export type EngagementKey = keyof typeof ENGAGEMENT;
export const ENGAGEMENT_KEYS = Object.keys(ENGAGEMENT) as EngagementKey[];

export function drawCount(prng: Prng, shape: CountShape): number {
  if (prng.chance(shape.zero)) return 0;
  return clampInt(prng.logNormal(Math.log(shape.median), shape.sigma), 1, shape.max);
}

/** Locale popularity: the vocabulary's order, Zipf-like. */
export function localeSampler(locales: readonly string[]): WeightedSampler {
  return new WeightedSampler(zipfWeights(locales.length, 0.8));
}

export const osSampler = (): WeightedSampler => new WeightedSampler(OS_WEIGHTS);

/**
 * SPEC §5.4 donors. As production picks donors from 20 clusters of add-on sets, each donor belongs to a
 * cluster (= topic) whose whitelisted add-ons it favours; a cluster also has a home city and locale, so
 * donors of one cluster sit close in the similarity distance.
 */
export function buildDonors(cat: Catalog, opts: SynthOptions, locales: readonly string[]): SynthDonor[] {
  const prng = new Prng(opts.seed, 'donors');
  const wl = cat.whitelistIndex;
  const tastes: WeightedSampler[] = [];
  const homes: Array<{ city: string; locale: string }> = [];
  const locSampler = localeSampler(locales);
  for (let t = 0; t < TOPICS; t++) {
    // sqrt flattens Zipf so that donors are not all made of the same few top add-ons
    tastes.push(new WeightedSampler(wl.map((i) => Math.sqrt(cat.popularity[i]) * (cat.topic[i] === t ? 12 : 1))));
    homes.push({ city: prng.pick(CITIES), locale: locales[locSampler.sample(prng)] });
  }
  const os = osSampler();
  const donors: SynthDonor[] = [];
  for (let d = 0; d < opts.donors; d++) {
    const cluster = prng.int(TOPICS);
    const n = Math.min(wl.length, clampInt(prng.normal(6.5, 2.1), 3, 14));
    let picks = tastes[cluster].sampleDistinct(prng, n);
    if (picks.length < n) picks = fillDistinct(prng, picks, n, wl.length);
    const home = homes[cluster];
    donors.push({
      active_addons: picks.map((k) => cat.guids[wl[k]]),
      geo_city: prng.chance(0.35) ? home.city : prng.pick(CITIES),
      subsession_length: drawCount(prng, ENGAGEMENT.subsession_length),
      locale: prng.chance(0.45) ? home.locale : locales[locSampler.sample(prng)],
      os: OS_NAMES[os.sample(prng)],
      bookmark_count: drawCount(prng, ENGAGEMENT.bookmark_count),
      tab_open_count: drawCount(prng, ENGAGEMENT.tab_open_count),
      total_uri: drawCount(prng, ENGAGEMENT.total_uri),
      unique_tlds: drawCount(prng, ENGAGEMENT.unique_tlds),
    });
  }
  return donors;
}

/** Tops a short rejection draw up with uniform picks, so every donor has its ≥ 3 add-ons. */
function fillDistinct(prng: Prng, picks: number[], n: number, size: number): number[] {
  const seen = new Set(picks);
  const out = [...picks];
  while (out.length < n) {
    const k = prng.int(size);
    if (!seen.has(k)) {
      seen.add(k);
      out.push(k);
    }
  }
  return out;
}
