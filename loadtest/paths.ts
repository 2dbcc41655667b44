/**
 * Request paths of the scenarios. Choices come from a seeded generator, so a run requests the same
 * sequence each time (per generator) and a difference between runs is the server's, not the dice's.
 */
import type { DataSet } from './datasets.js';

import { seededRandom } from '../src/seeded-random.js';

export { seededRandom };

export const recommendPath = (clientId: string) => `/v1/api/recommendations/${clientId}/`;
export const relatedPath = (guid: string) => `/taarlite/api/v1/addon_recommendations/${encodeURIComponent(guid)}/`;

/** A 64-hex id that is no profile's and no TAAR test id (those repeat one character). */
export function unknownClientId(random: () => number): string {
  let id = '';
  while (id.length < 64)
    id += Math.floor(random() * 0x100000000)
      .toString(16)
      .padStart(8, '0');
  return id.slice(0, 63) + (id[0] === 'f' ? 'e' : 'f');
}

export function recommendPaths(data: DataSet, seed = 1): () => string {
  const random = seededRandom(seed);
  const ids = data.clientIds;
  return () => recommendPath(ids[Math.floor(random() * ids.length)]);
}

export function relatedPaths(data: DataSet, seed = 2): () => string {
  const random = seededRandom(seed);
  const guids = data.guids;
  return () => relatedPath(guids[Math.floor(random() * guids.length)]);
}

/** Clients the store does not know (64-hex ids): answered from the fallback chain, never scored. */
export function unknownPaths(seed = 4): () => string {
  const random = seededRandom(seed);
  return () => recommendPath(unknownClientId(random));
}

/** 80 % recommendations for known clients, 15 % TAAR-lite, 5 % unknown clients. */
export function mixedPaths(data: DataSet, seed = 3): () => string {
  const random = seededRandom(seed);
  const known = recommendPaths(data, seed + 100);
  const related = relatedPaths(data, seed + 200);
  return () => {
    const r = random();
    return r < 0.8 ? known() : r < 0.95 ? related() : recommendPath(unknownClientId(random));
  };
}
