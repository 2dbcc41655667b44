/**
 * TaarModelSet → one shared WebAssembly.Memory laid out as src/model/kinds/taar/layout.ts describes. This is the
 * only writer of the model region; after `packModelSet` returns, the region is read-only. The META section's
 * JSON (what the main thread reads besides the sections) is built in pack-meta.ts.
 */
import { ModelError } from '../../../errors.js';
import { POSITIVE_HASH_SPACE } from './addon-hash.js';
import { MODEL_FILES } from './files.js';
import { GuidTable } from './guid-table.js';
import * as L from './layout.js';
import { buildMeta, type PackedMeta } from './pack-meta.js';
import { precomputeLite } from './lite-precompute.js';
import type { TaarModelSet } from './types.js';

/** Must equal itemSlot() in assembly/collaborative.ts. */
export function itemSlot(hash: number, mask: number): number {
  return (Math.imul(hash, 0x9e3779b1) >>> 7) & mask;
}

const consistency = (file: string, problem: string) => new ModelError('RECSCORE_MODEL_CONSISTENCY', file, problem);

export interface PackResult {
  memory: WebAssembly.Memory;
  meta: PackedMeta;
  guids: string[];
}

export function packModelSet(m: TaarModelSet, version: string): PackResult {
  const t = new GuidTable();
  m.whitelist.forEach((g) => t.intern(g));

  // Collaborative: which rows can be recommended, and as which GUID (SPEC §5.1, §5.2, §6.1).
  const { ids: itemIds, features } = m.itemMatrix;
  const nItems = itemIds.length;
  const F = nItems ? m.itemMatrix.nFactors : 1;
  const seenIds = new Uint8Array(POSITIVE_HASH_SPACE); // ids are 23-bit hashes: a bitmap beats a Set of a million
  const rowGuid = new Int32Array(nItems);
  // GUID ids interned so far are below whitelist + rows: an array indexed by GUID id beats a Map.
  const guidRow = new Int32Array(m.whitelist.length + nItems).fill(-1);
  for (let r = 0; r < nItems; r++) {
    const id = itemIds[r];
    if (seenIds[id]) throw consistency(MODEL_FILES.itemMatrix, `item id ${id} appears twice (ALS ids are unique)`);
    seenIds[id] = 1;
    const entry = m.addonMapping.get(String(id));
    const recommendable = entry !== undefined && entry.isWebextension !== undefined && entry.isWebextension !== false;
    rowGuid[r] = recommendable ? t.intern(entry.id) : -1;
    if (recommendable) {
      const prev = guidRow[rowGuid[r]];
      if (prev !== -1)
        throw consistency(
          MODEL_FILES.addonMapping,
          `GUID "${entry.id}" is mapped from item ids ${itemIds[prev]} and ${id}`,
        );
      guidRow[rowGuid[r]] = r;
    }
  }
  let htSize = 2;
  while (htSize < nItems * 2) htSize *= 2;

  // Similarity.
  const catDict = new Map<string, number>();
  const catId = (v: unknown) => {
    const k = JSON.stringify(v ?? null);
    let id = catDict.get(k);
    if (id === undefined) catDict.set(k, (id = catDict.size));
    return id;
  };
  const donorAddons: number[] = [];
  const donorOffs = [0];
  const donorCat: number[] = [];
  for (const d of m.donors) {
    d.activeAddons.forEach((g) => donorAddons.push(t.intern(g)));
    donorOffs.push(donorAddons.length);
    d.categorical.forEach((v) => donorCat.push(catId(v)));
  }
  if (m.lrCurves.length === 0) throw consistency(MODEL_FILES.lrCurves, 'the LR table is empty');

  // Locale lists, re-sorted by weight descending with a stable sort as TAAR does at load (SPEC §5.6).
  const locales = [...m.locale.keys()];
  const localeLists = locales.map((k) => [...m.locale.get(k)!].sort((a, b) => b[1] - a[1]));
  localeLists.forEach((list) => list.forEach(([g]) => t.intern(g)));

  // TAAR-lite.
  const lite = precomputeLite(m.coinstall, m.ranking);
  const liteKeys = [...m.coinstall.keys()];
  for (const [k, row] of m.coinstall) {
    t.intern(k);
    row.forEach(([g]) => t.intern(g));
  }
  const rankingIds = new Int32Array(m.ranking.size);
  let q = 0;
  for (const g of m.ranking.keys()) rankingIds[q++] = t.intern(g);

  const nGuids = t.guids.length;
  const str = t.utf8();
  const filtLen = lite.filtered.reduce((s, r) => s + r.length, 0);
  const rowLen = liteKeys.reduce((s, k) => s + m.coinstall.get(k)!.length, 0);
  const localeLen = localeLists.reduce((s, l) => s + l.length, 0);
  const maxLiteRow = lite.filtered.reduce((s, r) => Math.max(s, r.length), 0);

  const meta = buildMeta(m, t, [...catDict.keys()], locales, lite.minInstalls, version);
  const metaBytes = Buffer.from(JSON.stringify(meta), 'utf8');

  const count: Record<L.SectionName, number> = {
    GUID_STR_OFFS: nGuids + 1,
    GUID_STR_BYTES: str.bytes.length,
    GUID_RANK: nGuids,
    ITEM_HASH: nItems,
    ITEM_GUID: nItems,
    ITEM_FEAT: L.evenItems(nItems) * F,
    HT_KEY: htSize,
    HT_ROW: htSize,
    DONOR_CONT: m.donors.length * 5,
    DONOR_CAT: m.donors.length * 3,
    DONOR_ADDON_OFFS: m.donors.length + 1,
    DONOR_ADDONS: donorAddons.length,
    LR_X: m.lrCurves.length,
    LR_VAL: m.lrCurves.length,
    LR_LN: m.lrCurves.length,
    LR_BAD: m.lrCurves.length,
    LR_ORDER: m.lrCurves.length,
    LOCALE_OFFS: locales.length + 1,
    LOCALE_GUID: localeLen,
    LOCALE_W: localeLen,
    LITE_KEY_OF_GUID: nGuids,
    LITE_FILT_OFFS: liteKeys.length + 1,
    LITE_FILT_GUID: filtLen,
    LITE_FILT_COUNT: filtLen,
    LITE_ROW_OFFS: liteKeys.length + 1,
    LITE_ROW_GUID: rowLen,
    LITE_ROW_COUNT: rowLen,
    LITE_REC2: rowLen,
    LITE_ROWCOUNT: nGuids,
    LITE_COUNTMAP: nGuids,
    LITE_ROWNORMSUM: nGuids,
    LITE_RANKING: nGuids,
    META: metaBytes.length,
    DONOR_SOA: 5 * L.evenDonors(m.donors.length),
    RANK_GUID: nGuids,
  };
  const plan = L.planSections(count);
  const dims: L.ModelDims = {
    nGuids,
    nItems,
    nFactors: F,
    nDonors: m.donors.length,
    nLr: m.lrCurves.length,
    maxLiteRow,
  };
  const scratch = L.planScratch(dims);
  const totalBytes = L.MODEL_BASE + plan.modelBytes;
  if (totalBytes + scratch.bytes * 4 > L.MAX_PAGES * L.PAGE) {
    throw new ModelError(
      'RECSCORE_MODEL_TOO_LARGE',
      MODEL_FILES.itemMatrix,
      `packed model needs ${totalBytes} bytes, more than the kernel's 4 GiB memory allows`,
    );
  }
  const memory = new WebAssembly.Memory({ initial: totalBytes / L.PAGE, maximum: L.MAX_PAGES, shared: true });
  const buf = memory.buffer as unknown as ArrayBuffer;
  const u32 = (n: L.SectionName) => new Uint32Array(buf, plan.addr[n], count[n]);
  const i32 = (n: L.SectionName) => new Int32Array(buf, plan.addr[n], count[n]);
  const f64 = (n: L.SectionName) => new Float64Array(buf, plan.addr[n], count[n]);
  const u8 = (n: L.SectionName) => new Uint8Array(buf, plan.addr[n], count[n]);

  const header = new Uint32Array(buf, L.MODEL_BASE, L.HEADER_BYTES / 4);
  header[L.H_MAGIC] = L.MAGIC;
  header[L.H_LAYOUT_VERSION] = L.LAYOUT_VERSION;
  header[L.H_MODEL_BYTES] = plan.modelBytes;
  header[L.H_N_GUIDS] = nGuids;
  header[L.H_N_ITEMS] = nItems;
  header[L.H_N_FACTORS] = F;
  header[L.H_HT_MASK] = htSize - 1;
  header[L.H_N_DONORS] = m.donors.length;
  header[L.H_N_LR] = m.lrCurves.length;
  header[L.H_LR_SORTED] = m.lrCurves.every((e, j) => j === 0 || e[0] > m.lrCurves[j - 1][0]) ? 1 : 0;
  header[L.H_N_LOCALES] = locales.length;
  header[L.H_N_LITE_KEYS] = liteKeys.length;
  header[L.H_META_BYTES] = metaBytes.length;
  header[L.H_SCRATCH_BYTES] = scratch.bytes;
  header[L.H_N_CAT] = catDict.size;
  header[L.H_MAX_INSTALLED] = L.MAX_INSTALLED;
  header[L.H_MAX_LITE_ROW] = maxLiteRow;
  L.SECTIONS.forEach(([name], i) => (header[L.HEADER_INFO_SLOTS + i] = plan.addr[name]));

  u32('GUID_STR_OFFS').set(str.offs);
  u8('GUID_STR_BYTES').set(str.bytes);
  let at = 0;
  const rank = t.ranks();
  i32('GUID_RANK').set(rank);
  const rankGuid = i32('RANK_GUID');
  rank.forEach((r, id) => (rankGuid[r] = id));

  i32('ITEM_HASH').set(itemIds);
  i32('ITEM_GUID').set(rowGuid);
  const feat = f64('ITEM_FEAT');
  for (let r = 0; r < nItems; r++) for (let f = 0; f < F; f++) feat[L.featIndex(r, f, F)] = features[r * F + f];
  const htKey = i32('HT_KEY').fill(-1);
  const htRow = i32('HT_ROW');
  for (let i = 0; i < nItems; i++) {
    let s = itemSlot(itemIds[i], htSize - 1);
    while (htKey[s] !== -1) s = (s + 1) & (htSize - 1);
    htKey[s] = itemIds[i];
    htRow[s] = i;
  }

  const cont = f64('DONOR_CONT');
  m.donors.forEach((d, i) => cont.set(d.continuous, i * 5));
  const soa = f64('DONOR_SOA');
  const nEven = L.evenDonors(m.donors.length);
  m.donors.forEach((d, i) => d.continuous.forEach((v, f) => (soa[f * nEven + i] = v)));
  i32('DONOR_CAT').set(donorCat);
  u32('DONOR_ADDON_OFFS').set(donorOffs);
  i32('DONOR_ADDONS').set(donorAddons);

  const lrVal = m.lrCurves.map(([, n, d]) => n / d);
  f64('LR_X').set(m.lrCurves.map(([x]) => x));
  f64('LR_VAL').set(lrVal);
  i32('LR_BAD').set(m.lrCurves.map(([, , d]) => (d === 0 ? 1 : 0)));
  const byLr = lrVal
    .map((_, j) => j)
    .sort((a, b) => (Number.isNaN(lrVal[a]) ? 1 : 0) - (Number.isNaN(lrVal[b]) ? 1 : 0) || lrVal[b] - lrVal[a]);
  i32('LR_ORDER').set(byLr);

  const lOffs = u32('LOCALE_OFFS');
  const lGuid = i32('LOCALE_GUID');
  const lW = f64('LOCALE_W');
  at = 0;
  localeLists.forEach((list, i) => {
    lOffs[i] = at;
    list.forEach(([g, w]) => {
      lGuid[at] = t.ids.get(g)!;
      lW[at] = w;
      at++;
    });
  });
  lOffs[locales.length] = at;

  const keyOf = i32('LITE_KEY_OF_GUID').fill(-1);
  liteKeys.forEach((k, s) => (keyOf[t.ids.get(k)!] = s));
  const fOffs = u32('LITE_FILT_OFFS');
  const fGuid = i32('LITE_FILT_GUID');
  const fCount = f64('LITE_FILT_COUNT');
  const rOffs = u32('LITE_ROW_OFFS');
  const rGuid = i32('LITE_ROW_GUID');
  const rCount = f64('LITE_ROW_COUNT');
  const rec2 = f64('LITE_REC2');
  let fa = 0;
  let ra = 0;
  liteKeys.forEach((k, s) => {
    fOffs[s] = fa;
    lite.filtered[s].forEach(([g, n]) => {
      fGuid[fa] = t.ids.get(g)!;
      fCount[fa] = n;
      fa++;
    });
    rOffs[s] = ra;
    m.coinstall.get(k)!.forEach(([g, n], q) => {
      rGuid[ra] = t.ids.get(g)!;
      rCount[ra] = n;
      rec2[ra] = lite.rec2[s][q];
      ra++;
    });
  });
  fOffs[liteKeys.length] = fa;
  rOffs[liteKeys.length] = ra;
  const perGuid = (n: L.SectionName, src: Map<string, number>) => {
    const a = f64(n);
    for (const [g, v] of src) a[t.ids.get(g)!] = v;
  };
  perGuid('LITE_ROWCOUNT', lite.rowCount);
  perGuid('LITE_COUNTMAP', lite.countMap);
  perGuid('LITE_ROWNORMSUM', lite.rowNormSum);
  const rankingOut = f64('LITE_RANKING');
  q = 0;
  for (const n of m.ranking.values()) rankingOut[rankingIds[q++]] = n;
  u8('META').set(metaBytes);

  return { memory, meta, guids: t.guids };
}
