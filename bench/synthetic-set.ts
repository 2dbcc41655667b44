/**
 * In-memory synthetic TAAR model sets and client profiles for the kernel benchmark, from a seeded PRNG
 * (mulberry32), shaped like the vectors (SPEC §12.2): Zipf-like popularity, a 200-GUID whitelist, donors
 * in 20 clusters with 3–10 add-ons, a 1,000-point LR table (x increasing, LR > 1 near 0), 40 locales,
 * TAAR-lite rows of ~40 entries. Only sizes differ between presets; nothing is written to disk.
 */
import { positiveHash, POSITIVE_HASH_SPACE } from '../src/model/kinds/taar/addon-hash.js';
import { itemMatrixFromRows } from '../src/model/kinds/taar/item-matrix.js';
import type { AddonMappingEntry, Donor, ItemRow, TaarModelSet } from '../src/model/kinds/taar/types.js';
import type { ClientInfo, ExtraData } from '../src/profile/client-info.js';

export interface SynthSize {
  items: number;
  factors: number;
  donors: number;
  /** GUIDs beyond the item matrix (co-installed or ranked only) */
  extraGuids: number;
  liteKeys: number;
  seed: number;
}

export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const CITIES = Array.from({ length: 30 }, (_, i) => `city-${i}`);
const LOCALES = [
  'en-US',
  'de',
  'fr',
  'es-ES',
  'pt-BR',
  'ru',
  'pl',
  'ja',
  'it',
  'zh-CN',
  'nl',
  'sv-SE',
  'cs',
  'tr',
  'id',
  'hu',
  'uk',
  'ko',
  'en-GB',
  'es-MX',
  'fi',
  'da',
  'ro',
  'el',
  'vi',
  'nb-NO',
  'bg',
  'sk',
  'ar',
  'he',
  'zh-TW',
  'th',
  'hr',
  'sr',
  'lt',
  'sl',
  'ca',
  'fa',
  'en-CA',
  'es-AR',
];
const OSES = ['Windows_NT', 'Darwin', 'Linux'];
const WHITELIST = 200;
const CLUSTERS = 20;

export interface SynthModel {
  set: TaarModelSet;
  /** GUIDs whose item row id is their own positive_hash: a profile installing them reaches the matrix */
  installable: string[];
}

/** Normal density, for LR curves shaped like TAAR's (same-cluster vs different-cluster distances). */
const pdf = (x: number, mu: number, sigma: number) =>
  Math.exp(-0.5 * ((x - mu) / sigma) ** 2) / (sigma * Math.sqrt(2 * Math.PI));

export function synthModelSet(size: SynthSize): SynthModel {
  const rnd = mulberry32(size.seed);
  const int = (n: number) => Math.floor(rnd() * n);
  const nGuids = size.items + size.extraGuids;
  const guids = Array.from({ length: nGuids }, (_, i) =>
    i % 3 === 0
      ? `{${i.toString(16).padStart(8, '0')}-bench-4000-8000-${(i * 7919).toString(16).padStart(12, '0')}}`
      : `addon-${i}@bench.example`,
  );
  // Popularity falls with the index (guid 0 is the most installed): index = n·u³.
  const popular = (n: number) => Math.min(n - 1, Math.floor(n * rnd() ** 3));
  const whitelist = guids.slice(0, WHITELIST).sort();

  const used = new Uint8Array(POSITIVE_HASH_SPACE);
  let nextFree = 0;
  const itemMatrix: ItemRow[] = [];
  const addonMapping = new Map<string, AddonMappingEntry>();
  const installable: string[] = [];
  for (let i = 0; i < size.items; i++) {
    let id = positiveHash(guids[i]);
    if (used[id]) {
      while (used[nextFree]) nextFree++; // ALS ids are unique: a colliding GUID gets an unused id
      id = nextFree;
    } else installable.push(guids[i]);
    used[id] = 1;
    const features = new Array<number>(size.factors);
    for (let f = 0; f < size.factors; f++) features[f] = Math.fround((rnd() - 0.5) * 0.8);
    itemMatrix.push({ id, features });
    const r = rnd();
    if (r < 0.96) addonMapping.set(String(id), { id: guids[i], isWebextension: true });
    else if (r < 0.99) addonMapping.set(String(id), { id: guids[i], isWebextension: false });
  }

  const clusterAddons = Array.from({ length: CLUSTERS }, () =>
    Array.from({ length: 15 }, () => (rnd() < 0.7 ? whitelist[int(WHITELIST)] : guids[popular(nGuids)])),
  );
  const donors: Donor[] = [];
  for (let i = 0; i < size.donors; i++) {
    const c = clusterAddons[int(CLUSTERS)];
    const n = 3 + int(8);
    donors.push({
      activeAddons: Array.from({ length: n }, () => c[int(c.length)]),
      continuous: engagement(rnd),
      categorical: [CITIES[int(CITIES.length)], LOCALES[int(LOCALES.length)], OSES[int(OSES.length)]],
    });
  }

  const lrCurves = Array.from({ length: 1000 }, (_, j): [number, number, number] => {
    const x = (j * 5.1) / 1000;
    return [x, pdf(x, 0.5, 0.5), pdf(x, 3, 1.5)];
  });

  const locale = new Map<string, Array<[string, number]>>();
  for (const loc of LOCALES) {
    const list = Array.from({ length: 10 }, (): [string, number] => [whitelist[int(WHITELIST)], rnd() / 10]);
    locale.set(loc, [...new Map(list)]);
  }

  const coinstall = new Map<string, Array<[string, number]>>();
  for (let k = 0; k < size.liteKeys; k++) {
    const row = new Map<string, number>();
    for (let e = 0; e < 40; e++) row.set(guids[popular(nGuids)], 2 + Math.floor(200 * rnd() ** 4));
    coinstall.set(guids[k], [...row]);
  }
  const ranking = new Map<string, number>();
  for (let i = 0; i < nGuids; i++) ranking.set(guids[i], 1 + Math.floor(nGuids / (i + 1)));

  return {
    set: {
      itemMatrix: itemMatrixFromRows(itemMatrix),
      addonMapping,
      whitelist,
      donors,
      lrCurves,
      locale,
      ensembleWeights: { collaborative: 0.6817347226, similarity: 0.0213372401, locale: 9.2213761906 },
      coinstall,
      ranking,
    },
    installable,
  };
}

function engagement(rnd: () => number): Donor['continuous'] {
  const logNormal = (mu: number) => (rnd() < 0.05 ? 0 : Math.round(Math.exp(mu + 1.2 * (rnd() + rnd() + rnd() - 1.5))));
  return [logNormal(9.5), logNormal(2.5), logNormal(2), logNormal(5), logNormal(3)];
}

export interface SynthProfile {
  clientInfo: ClientInfo;
  extra: ExtraData;
}

/** Clients installing 1–8 add-ons (mostly popular ones that the matrix knows), with full features. */
export function synthProfiles(model: SynthModel, n: number, seed: number): SynthProfile[] {
  const rnd = mulberry32(seed);
  const int = (k: number) => Math.floor(rnd() * k);
  const pool = model.installable;
  return Array.from({ length: n }, (_, i) => {
    const installed = Array.from(
      { length: 1 + int(8) },
      () => pool[Math.min(pool.length - 1, Math.floor(pool.length * rnd() ** 3))],
    );
    const [subsession_length, bookmark_count, tab_open_count, total_uri, unique_tlds] = engagement(rnd);
    return {
      clientInfo: {
        client_id: `bench-client-${i}`,
        installed_addons: installed,
        disabled_addons_ids: [],
        geo_city: CITIES[int(CITIES.length)],
        locale: LOCALES[int(LOCALES.length)],
        os: OSES[int(OSES.length)],
        subsession_length,
        bookmark_count,
        tab_open_count,
        total_uri,
        unique_tlds,
      },
      extra: {},
    };
  });
}
