import { type Catalog, TOPICS } from './catalog.js';
import { Prng } from './prng.js';
import { WeightedSampler } from './sampling.js';
import type { SynthOptions } from './types.js';

/** The ETL keeps the top 40 co-installed add-ons per row (SPEC §12.2). */
export const COINSTALL_ROW_MAX = 40;

/**
 * SPEC §5.8 TAAR-lite co-installs for `coinstallKeys` add-ons: the whitelist first, then the most
 * popular others (as the vectors' 600 keys). A row holds up to 40 other GUIDs, drawn by popularity and
 * favouring the key's topic; counts fall Zipf-like with the partner's popularity; the key is never in
 * its own row. Key order and row order are shuffled: TAAR's tie-breaks depend on file order.
 */
export function buildCoinstall(cat: Catalog, opts: SynthOptions): Record<string, Record<string, number>> {
  const prng = new Prng(opts.seed, 'coinstall');
  const n = cat.guids.length;
  const weight = (i: number) => cat.popularity[i] ** 0.8;
  const global = new WeightedSampler(Float64Array.from({ length: n }, (_, i) => weight(i)));
  const members: number[][] = Array.from({ length: TOPICS }, () => []);
  for (let i = 0; i < n; i++) members[cat.topic[i]].push(i);
  const byTopic = members.map((m) => new WeightedSampler(m.map(weight)));
  const rank = new Int32Array(n);
  cat.byPopularity.forEach((i, r) => (rank[i] = r));

  const keys = [...cat.whitelistIndex].sort((a, b) => rank[a] - rank[b]);
  for (let r = 0; r < n && keys.length < opts.coinstallKeys; r++) {
    const i = cat.byPopularity[r];
    if (cat.isWhitelisted[i] === 0) keys.push(i);
  }
  keys.length = Math.min(keys.length, opts.coinstallKeys);
  prng.shuffle(keys);

  const out: Record<string, Record<string, number>> = {};
  for (const key of keys) {
    const size = Math.min(n - 1, prng.chance(0.9) ? COINSTALL_ROW_MAX : prng.intBetween(2, COINSTALL_ROW_MAX - 1));
    const topic = cat.topic[key];
    const seen = new Set<number>([key]);
    const partners: number[] = [];
    for (let tries = 0; partners.length < size && tries < 20 * size + 50; tries++) {
      const fromTopic = prng.chance(0.6) && members[topic].length > 0;
      const i = fromTopic ? members[topic][byTopic[topic].sample(prng)] : global.sample(prng);
      if (seen.has(i)) continue;
      seen.add(i);
      partners.push(i);
    }
    partners.sort((a, b) => rank[a] - rank[b]);
    // Popular keys have large counts (the vectors' max is 1,579); the ETL keeps pairs seen ≥ 2 times.
    const top = (6 + 30 * prng.logNormal(0, 0.4)) * (1 + 15 * cat.popularity[key]);
    const counted = partners.map((i, j): [string, number] => [
      cat.guids[i],
      Math.max(2, Math.round(top * (j + 1) ** -0.6 * prng.logNormal(0, 0.25))),
    ]);
    prng.shuffle(counted);
    const row: Record<string, number> = {};
    for (const [g, c] of counted) row[g] = c;
    out[cat.guids[key]] = row;
  }
  return out;
}
