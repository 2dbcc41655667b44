import { POSITIVE_HASH_SPACE, positiveHash } from '../kinds/taar/addon-hash.js';
import { newGuid } from './guids.js';
import { Prng } from './prng.js';
import { zipfWeights } from './sampling.js';
import type { SynthOptions } from './types.js';

/** Latent interest groups: they shape item factors, donor clusters and co-installs alike. */
export const TOPICS = 20;

/**
 * The synthetic add-on world every model file is drawn from: the GUID universe, which GUIDs have an
 * item-matrix row, their popularity (Zipf over a random permutation) and topic, and the whitelist.
 */
export interface Catalog {
  guids: string[];
  /** Item-matrix rows in file order, as indices into `guids`; their positive hashes are distinct. */
  itemIndex: number[];
  isItem: Uint8Array;
  topic: Uint8Array;
  /** Indices into `guids`, most popular first. */
  byPopularity: Int32Array;
  /** Zipf weight by index into `guids`. */
  popularity: Float64Array;
  /** Whitelisted GUID indices in the order picked, roughly most popular first (the file is sorted later). */
  whitelistIndex: number[];
  isWhitelisted: Uint8Array;
}

export function buildCatalog(opts: SynthOptions): Catalog {
  const prng = new Prng(opts.seed, 'catalog');
  const guids: string[] = [];
  const itemIndex: number[] = [];
  const taken = new Set<string>();
  const hashTaken = new Uint8Array(POSITIVE_HASH_SPACE);
  // A GUID whose hash an earlier row already has stays in the universe (a realistic collision, SPEC §3.3)
  // but gets no row, so item ids are unique; the universe grows past `guids` if that leaves rows short.
  while (guids.length < opts.guids || itemIndex.length < opts.items) {
    const g = newGuid(prng, taken);
    taken.add(g);
    const idx = guids.push(g) - 1;
    const h = positiveHash(g);
    if (itemIndex.length < opts.items && hashTaken[h] === 0) {
      hashTaken[h] = 1;
      itemIndex.push(idx);
    }
  }
  const n = guids.length;
  const isItem = new Uint8Array(n);
  for (const i of itemIndex) isItem[i] = 1;

  const topic = new Uint8Array(n);
  for (let i = 0; i < n; i++) topic[i] = prng.int(TOPICS);

  const order = prng.shuffle(Array.from({ length: n }, (_, i) => i));
  const byPopularity = Int32Array.from(order);
  const zipf = zipfWeights(n, 1);
  const popularity = new Float64Array(n);
  for (let r = 0; r < n; r++) popularity[byPopularity[r]] = zipf[r];

  const { whitelistIndex, isWhitelisted } = pickWhitelist(prng, byPopularity, opts.whitelist);
  return { guids, itemIndex, isItem, topic, byPopularity, popularity, whitelistIndex, isWhitelisted };
}

/** Popular add-ons, not strictly the top ones: the vectors' whitelist spans popularity ranks 1–515 of 2,000. */
function pickWhitelist(prng: Prng, byPopularity: Int32Array, size: number) {
  const isWhitelisted = new Uint8Array(byPopularity.length);
  const whitelistIndex: number[] = [];
  for (let pass = 0; whitelistIndex.length < size; pass++) {
    for (let r = 0; r < byPopularity.length && whitelistIndex.length < size; r++) {
      const i = byPopularity[r];
      if (isWhitelisted[i] === 0 && (pass > 0 || prng.chance(0.4))) {
        isWhitelisted[i] = 1;
        whitelistIndex.push(i);
      }
    }
  }
  return { whitelistIndex, isWhitelisted };
}

/** Ascending code-point order (ASCII GUIDs: plain `<` agrees), as the whitelist ETL sorts (SPEC §5.3). */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
