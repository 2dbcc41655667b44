/**
 * The META section of a packed TAAR model: the JSON the main thread reads besides the typed sections
 * (whitelist and its test-client weights, the categorical dictionary, locales, ensemble weights, the
 * global top list). Built by pack.ts once the GUID table holds every GUID the model names.
 */
import { createHash } from 'node:crypto';
import type { GuidTable } from './guid-table.js';
import type { TaarModelSet } from './types.js';

export interface PackedMeta {
  whitelist: number[]; // GUID ids
  testWeights: number[]; // TAAR's sha256 weight per whitelist entry (SPEC §3.2)
  categorical: string[]; // dictionary: JSON text of each donor categorical value, index = id
  locales: string[];
  ensembleWeights: { collaborative: number; similarity: number; locale: number };
  minInstalls: number;
  globalTop: Array<[number, number]>; // [GUID id, install count]
  version: string;
}

function testWeight(guid: string): number {
  return Number(BigInt('0x' + createHash('sha256').update(guid, 'utf8').digest('hex')) % 100n) / 100.0;
}

/**
 * The first `k` ranking entries by install count descending, then GUID ascending (a total order: GUIDs
 * are unique) among those `keep` accepts; the same as sorting all of them and slicing, without sorting
 * a million entries.
 */
function topInstalls(
  ranking: Map<string, number>,
  k: number,
  keep: (guid: string) => boolean,
): Array<[string, number]> {
  const top: Array<[string, number]> = [];
  const before = (g: string, n: number, e: [string, number]) => n > e[1] || (n === e[1] && g < e[0]);
  for (const [g, n] of ranking) {
    if (top.length === k && !before(g, n, top[k - 1])) continue;
    if (!keep(g)) continue;
    let i = top.length;
    while (i > 0 && before(g, n, top[i - 1])) i--;
    top.splice(i, 0, [g, n]);
    if (top.length > k) top.pop();
  }
  return top;
}

/** `t` must already hold every whitelist and ranking GUID (ids are looked up, never interned here). */
export function buildMeta(
  m: TaarModelSet,
  t: GuidTable,
  categorical: string[],
  locales: string[],
  minInstalls: number,
  version: string,
): PackedMeta {
  const whitelistSet = new Set(m.whitelist);
  const recommendableTop = topInstalls(m.ranking, 10, (g) => whitelistSet.has(g));
  const top = recommendableTop.length ? recommendableTop : topInstalls(m.ranking, 10, () => true);
  return {
    whitelist: m.whitelist.map((g) => t.ids.get(g)!),
    testWeights: m.whitelist.map(testWeight),
    categorical,
    locales,
    ensembleWeights: {
      collaborative: m.ensembleWeights.collaborative,
      similarity: m.ensembleWeights.similarity,
      locale: m.ensembleWeights.locale,
    },
    minInstalls,
    globalTop: top.map(([g, n]) => [t.ids.get(g)!, n]),
    version,
  };
}
