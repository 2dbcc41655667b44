/**
 * THE memory layout shared by JS (which writes it) and the WASM kernel (which only reads the model and
 * writes its own scratch). One model version = one shared WebAssembly.Memory:
 *
 *   0          ┌──────────────────────────────┐
 *              │ kernel static data            │ AssemblyScript data segments (Math.log tables), < 64 KiB;
 *              │ (written by every instantiate │ re-written with identical bytes by each instance.
 *              │  with identical bytes)        │
 *   MODEL_BASE ├──────────────────────────────┤ = 65536
 *              │ header: 64 u32 info slots     │ H_* below: magic, layout version, counts
 *              │       + 64 u32 section addrs  │ S_* below: absolute byte address of each section
 *              ├──────────────────────────────┤
 *              │ sections, each 8-byte aligned │ written once by src/model/kinds/taar/pack.ts (or copied verbatim
 *              │ (see SECTIONS for type/count) │ from a packed bundle), read-only afterwards
 *   MODEL_END  ├──────────────────────────────┤ = MODEL_BASE + header[H_MODEL_BYTES], page aligned
 *              │ scratch region of instance 1  │ claimed with memory.grow() by each kernel instance:
 *              │ scratch region of instance 2  │ grow() returns the old size atomically, so two workers
 *              │ …                             │ can never receive the same region. Layout: SCRATCH.
 *              └──────────────────────────────┘
 *
 * Ownership: the packer writes [MODEL_BASE, MODEL_END) before any worker sees the memory; the kernel
 * reads it and writes only inside the scratch region it is given. JS writes a request's inputs into the
 * IN_* slots of its own scratch region, calls the kernel, and reads OUT_*. Nothing in the kernel
 * allocates (two instances over one shared memory would hand out the same heap addresses).
 * assembly/layout.ts mirrors every constant here; test/kernel/layout-mirror.test.ts checks they agree.
 */

export const PAGE = 65536;
export const MODEL_BASE = 65536;
export const MAGIC = 0x4d435352; // 'RSCM'
export const LAYOUT_VERSION = 3;
/** Largest memory a kernel instance accepts (pages); the module is compiled with the same maximum. */
export const MAX_PAGES = 65536;
/** A request may carry at most this many installed add-ons (checked at the request boundary). */
export const MAX_INSTALLED = 4096;

// Header info slots (u32 index from MODEL_BASE).
export const H_MAGIC = 0;
export const H_LAYOUT_VERSION = 1;
export const H_MODEL_BYTES = 2; // bytes from MODEL_BASE to the end of the last section (page aligned)
export const H_N_GUIDS = 3;
export const H_N_ITEMS = 4;
export const H_N_FACTORS = 5;
export const H_HT_MASK = 6; // item hash table size - 1 (power of two)
export const H_N_DONORS = 7;
export const H_N_LR = 8;
export const H_LR_SORTED = 9; // 1 when lr x values strictly increase (binary search allowed)
export const H_N_LOCALES = 10;
export const H_N_LITE_KEYS = 11;
export const H_META_BYTES = 12;
export const H_SCRATCH_BYTES = 13; // size of one instance's scratch region (page aligned)
export const H_N_CAT = 14; // categorical dictionary size
export const H_MAX_INSTALLED = 15;
export const H_MAX_LITE_ROW = 16; // longest filtered+truncated TAAR-lite row
// Slots 17 to 63 are unused. A bundle's checksum (sha256) lives in the bundle file's prefix (bundle.ts), not here.
export const HEADER_INFO_SLOTS = 64;
export const HEADER_BYTES = 512;

/**
 * Sections in address order: [name, element type, element count expression]. `counts` are computed by
 * the packer; the header stores each section's absolute address at slot HEADER_INFO_SLOTS + index.
 */
export type ElemType = 'u8' | 'i32' | 'u32' | 'f64';
export const ELEM_BYTES: Record<ElemType, number> = { u8: 1, i32: 4, u32: 4, f64: 8 };

export const SECTIONS = [
  ['GUID_STR_OFFS', 'u32'], // [nGuids+1] byte offsets into GUID_STR_BYTES
  ['GUID_STR_BYTES', 'u8'], // UTF-8 of every GUID, concatenated
  ['GUID_RANK', 'i32'], // [nGuids] position of the GUID in code-point ascending order (tie-breaks)
  ['ITEM_HASH', 'i32'], // [nItems] item matrix ids (positive_hash), file order
  ['ITEM_GUID', 'i32'], // [nItems] GUID id to recommend, -1 when the row is never recommended
  // [evenItems*nFactors] factors (float32 text parsed as float64, as TAAR), rows interleaved in pairs: see featIndex
  ['ITEM_FEAT', 'f64'],
  ['HT_KEY', 'i32'], // [htSize] open-addressing table: item hash, -1 = empty
  ['HT_ROW', 'i32'], // [htSize] row index for HT_KEY
  ['DONOR_CONT', 'f64'], // [nDonors*5] continuous features (NaN where TAAR has None)
  ['DONOR_CAT', 'i32'], // [nDonors*3] categorical dictionary ids
  ['DONOR_ADDON_OFFS', 'u32'], // [nDonors+1] offsets into DONOR_ADDONS
  ['DONOR_ADDONS', 'i32'], // GUID ids, donor list order, duplicates kept
  ['LR_X', 'f64'], // [nLr]
  ['LR_VAL', 'f64'], // [nLr] numerator / denominator
  ['LR_LN', 'f64'], // [nLr] ln(LR_VAL), computed by the kernel (glibc-equal log) at pack time
  ['LR_BAD', 'i32'], // [nLr] 1 where the denominator is 0 (TAAR raises ZeroDivisionError there)
  ['LR_ORDER', 'i32'], // [nLr] table indices by LR_VAL descending
  ['LOCALE_OFFS', 'u32'], // [nLocales+1]
  ['LOCALE_GUID', 'i32'], // locale lists, already sorted as TAAR sorts them at load
  ['LOCALE_W', 'f64'],
  ['LITE_KEY_OF_GUID', 'i32'], // [nGuids] TAAR-lite key slot of a GUID, -1 when not a key
  ['LITE_FILT_OFFS', 'u32'], // [nKeys+1] filtered (>= MIN_INSTALLS), count-desc, truncated (20) rows
  ['LITE_FILT_GUID', 'i32'],
  ['LITE_FILT_COUNT', 'f64'],
  ['LITE_ROW_OFFS', 'u32'], // [nKeys+1] unfiltered rows, file order
  ['LITE_ROW_GUID', 'i32'],
  ['LITE_ROW_COUNT', 'f64'],
  ['LITE_REC2', 'f64'], // guidception level-2 vector of each key, aligned with LITE_ROW_GUID
  ['LITE_ROWCOUNT', 'f64'], // [nGuids] number of unfiltered rows containing the GUID
  ['LITE_COUNTMAP', 'f64'], // [nGuids] total unfiltered co-install count
  ['LITE_ROWNORMSUM', 'f64'], // [nGuids] sequential sum of count/rowsum over rows (file order)
  ['LITE_RANKING', 'f64'], // [nGuids] install count (0 when absent)
  ['META', 'u8'], // UTF-8 JSON: whitelist, dictionaries, weights, versions (read once at load)
  // [5 * nDonorsEven] DONOR_CONT column-major (feature t of donor i at t * nDonorsEven + i): two donors per f64x2
  ['DONOR_SOA', 'f64'],
  // [nGuids] GUID id of each rank (inverse of GUID_RANK): touched GUIDs are read back in rank order
  ['RANK_GUID', 'i32'],
] as const satisfies ReadonlyArray<readonly [string, ElemType]>;

export type SectionName = (typeof SECTIONS)[number][0];
export const SECTION_INDEX = Object.fromEntries(SECTIONS.map(([n], i) => [n, i])) as Record<SectionName, number>;

export interface SectionPlan {
  addr: Record<SectionName, number>;
  count: Record<SectionName, number>;
  modelBytes: number;
}

const align = (n: number, a: number) => Math.ceil(n / a) * a;

export function planSections(count: Record<SectionName, number>): SectionPlan {
  const addr = {} as Record<SectionName, number>;
  let at = MODEL_BASE + HEADER_BYTES;
  for (const [name, type] of SECTIONS) {
    at = align(at, 8);
    addr[name] = at;
    at += count[name] * ELEM_BYTES[type];
  }
  return { addr, count, modelBytes: align(at - MODEL_BASE, PAGE) };
}

// Scratch region: u32 slot k (from the region base) holds the absolute address of sub-region k.
export const X_U = 0; // f64[nFactors] user vector
export const X_MARK = 1; // u8[nItems] rows matched by installed hashes
export const X_ROWS = 2; // i32[maxInstalled] matched rows
// f64[nGuids] per-GUID accumulator; all +0 between calls (the selection zeroes what it reads back)
export const X_ACC = 3;
export const X_SEEN = 4; // u8[nGuids] per-GUID flags (installed add-ons in the ensemble); all 0 between calls
export const X_DONOR_J = 5; // i32[nDonors] LR table index per donor kept for the lookup (similarity)
export const X_BUCKET_HEAD = 6; // i32[nLr]
export const X_BUCKET_NEXT = 7; // i32[nDonors] the kept donors' indices, then the bucket links
export const X_HEAP_ID = 8; // i32[nGuids+1]
export const X_HEAP_W = 9; // f64[nGuids+1]
export const X_HEAP_POS = 10; // i32[nGuids+1]
export const IN_HASHES = 11; // i32[maxInstalled] positive_hash of installed add-ons
export const IN_CONT = 12; // f64[5] client continuous features
export const IN_CAT = 13; // i32[3] client categorical ids (-1 = matches no donor)
export const OUT_IDS = 14; // i32[nGuids+1]
export const OUT_W = 15; // f64[nGuids+1]
export const X_LITE_W = 16; // f64[maxLiteRow]
export const X_LITE_G = 17; // i32[maxLiteRow]
export const X_SEL_W = 18; // f64[nSel] candidates of a top-k selection (nSel = max(nItems, nGuids + 1))
export const X_SEL_POS = 19; // i32[nSel] their tie-break position
export const X_SEL_ID = 20; // i32[nSel] their GUID id
export const X_SEL_BIN = 21; // i32[nSel] the candidates in the bins the top k needs
export const X_SEL_ORDER = 22; // i32[nSel] candidate indices, bin by bin
export const X_SEL_HIST = 23; // i32[SEL_MAX_BINS + 1]
export const IN_INSTALLED = 24; // i32[maxInstalled] GUID ids of installed add-ons (ensemble)
// i32[3 * (nGuids + 1)] the ensemble's input lists, concatenated (written by JS, or by scoreSets in the kernel)
export const IN_LIST_IDS = 25;
export const IN_LIST_W = 26; // f64[3 * (nGuids + 1)]
export const IN_LIST_OFFS = 27; // i32[4] list boundaries in IN_LIST_*
export const IN_LIST_COEF = 28; // f64[3] ensemble coefficient of each list
export const X_DONOR_DIST = 29; // f64[nDonorsEven] distance of each donor to the client
// u8[nGuids + 1 rounded up to 64] 0xff at the rank of each GUID a request touched; all 0 between calls
export const X_RANK_MARK = 30;
export const SCRATCH_SLOTS = 32;
/** Weight bins of the kernel's top-k selection (assembly/select.ts). */
export const SEL_MAX_BINS = 4096;
/** Capacity of IN_LIST_* in entries: three lists of at most nGuids + 1 entries each. */
export const listCapacity = (nGuids: number) => 3 * (nGuids + 1);

export interface ModelDims {
  nGuids: number;
  nItems: number;
  nFactors: number;
  nDonors: number;
  nLr: number;
  maxLiteRow: number;
}

/** Item count rounded up to even: ITEM_FEAT holds rows in pairs (the last one padded with zeros). */
export const evenItems = (nItems: number) => nItems + (nItems & 1);

/**
 * Index in ITEM_FEAT of factor f of row r: rows 2p and 2p+1 are interleaved factor by factor, so one
 * f64x2 load yields factor f of two rows and the kernel scores two rows per lane pair while each row's
 * own sum still runs over its factors in order.
 */
export const featIndex = (r: number, f: number, nFactors: number) => (((r >> 1) * nFactors + f) << 1) + (r & 1);

/** Donor count rounded up to even: the similarity kernel reads donors two at a time. */
export const evenDonors = (nDonors: number) => nDonors + (nDonors & 1);

/** Byte offsets (from the region base) of each scratch sub-region, and the region size. */
export function planScratch(d: ModelDims): { offsets: number[]; bytes: number } {
  const g = d.nGuids + 1;
  const sel = Math.max(d.nItems, g);
  const sizes: Array<[number, number]> = [
    [X_U, d.nFactors * 8],
    [X_MARK, d.nItems],
    [X_ROWS, MAX_INSTALLED * 4],
    [X_ACC, g * 8],
    [X_SEEN, g],
    [X_DONOR_J, d.nDonors * 4],
    [X_BUCKET_HEAD, d.nLr * 4],
    [X_BUCKET_NEXT, d.nDonors * 4],
    [X_HEAP_ID, g * 4],
    [X_HEAP_W, g * 8],
    [X_HEAP_POS, g * 4],
    [IN_HASHES, MAX_INSTALLED * 4],
    [IN_CONT, 5 * 8],
    [IN_CAT, 3 * 4],
    [OUT_IDS, g * 4],
    [OUT_W, g * 8],
    [X_LITE_W, (d.maxLiteRow + 1) * 8],
    [X_LITE_G, (d.maxLiteRow + 1) * 4],
    [X_SEL_W, sel * 8],
    [X_SEL_POS, sel * 4],
    [X_SEL_ID, sel * 4],
    [X_SEL_BIN, sel * 4],
    [X_SEL_ORDER, sel * 4],
    [X_SEL_HIST, (SEL_MAX_BINS + 1) * 4],
    [IN_INSTALLED, MAX_INSTALLED * 4],
    [IN_LIST_IDS, listCapacity(d.nGuids) * 4],
    [IN_LIST_W, listCapacity(d.nGuids) * 8],
    [IN_LIST_OFFS, 4 * 4],
    [IN_LIST_COEF, 3 * 8],
    [X_DONOR_DIST, evenDonors(d.nDonors) * 8],
    [X_RANK_MARK, Math.ceil(g / 64) * 64],
  ];
  const offsets = new Array<number>(SCRATCH_SLOTS).fill(0);
  let at = SCRATCH_SLOTS * 4;
  for (const [slot, bytes] of sizes) {
    at = align(at, 8);
    offsets[slot] = at;
    at += bytes;
  }
  return { offsets, bytes: align(at, PAGE) };
}
