/**
 * THE layout of a packed SAR model file (`.sarm`). The file is the exact byte image of a model region in
 * shared memory: copy (or read) it to any 8-byte-aligned address and every section is a typed-array view
 * in place — one read, no parse, no JSON on the scoring path. Offsets are relative to the file start.
 *
 *   0    ┌────────────────────────────────────────────┐
 *        │ u32 magic 'SARM'   u32 format version       │ H_MAGIC, H_VERSION
 *        │ u32 header bytes   u32 file bytes           │ H_HEADER_BYTES, H_FILE_BYTES (≤ 4 GiB: wasm32)
 *        │ u32 n items (m)    u32 n users (n)          │ H_N_ITEMS, H_N_USERS
 *        │ u32 sim nnz        u32 affinity nnz         │ H_SIM_NNZ, H_AFF_NNZ
 *   32   ├────────────────────────────────────────────┤
 *        │ sha256 of bytes [0, 32) ++ [64, file bytes) │ 32 bytes (this field excluded from its own hash)
 *   64   ├────────────────────────────────────────────┤
 *        │ u32 similarity code (index in SIMILARITY_TYPES), u32 threshold, u32 unit (0 user, 1 timestamp),
 *        │ u32 decay (0/1)                             │ P_* (bytes 64–79)
 *   80   │ f64 half-life days, f64 reference time t0,  │ F_* (bytes 80–127); NaN where undefined
 *        │ f64 rating min, f64 rating max,             │
 *        │ f64 events, f64 units                       │
 *   128  ├────────────────────────────────────────────┤
 *        │ section table: SECTIONS.length × (u32 offset, u32 byte length)    (bytes 128–231)
 *   256  ├────────────────────────────────────────────┤ HEADER_BYTES
 *        │ sections in SECTIONS order, each starting on an 8-byte boundary (zero padding between):
 *        │  SIM_VALS   f64[simNnz]   s_ij, row-major, columns ascending per row
 *        │  AFF_VALS   f64[affNnz]   a_ui for every seen pair
 *        │  AFF_UNIT   f64[affNnz]   the same with every rating 1 (normalize's Â)
 *        │  ITEM_FREQ  f64[m]        c_ii after thresholding
 *        │  SIM_ROW    u32[m+1]      CSR row starts into SIM_COLS/SIM_VALS
 *        │  SIM_COLS   i32[simNnz]   item index j
 *        │  AFF_ROW    u32[n+1]      CSR row starts into AFF_COLS/AFF_VALS/AFF_UNIT
 *        │  AFF_COLS   i32[affNnz]   item index i
 *        │  ITEM_OFFS  u32[m+1]      byte offsets into ITEM_STR; items in code-unit order = tie order
 *        │  ITEM_STR   u8[]          UTF-8 item ids, concatenated
 *        │  USER_OFFS  u32[n+1]      byte offsets into USER_STR; users in code-unit order
 *        │  USER_STR   u8[]          UTF-8 user ids
 *        │  STATS_JSON u8[]          training statistics and parse report (for `info`; never scored)
 *   end  └────────────────────────────────────────────┘ file bytes
 *
 * f64 sections come first so that, with the 8-aligned header, every f64 array is aligned without
 * relying on padding arithmetic; the kernel reads SIM_*, AFF_*, ITEM_FREQ and writes nothing here.
 */

export const SAR_MAGIC = 0x4d524153; // 'SARM' little-endian
export const SAR_FORMAT_VERSION = 1;
export const HEADER_BYTES = 256;

// u32 slots (index = byte offset / 4)
export const H_MAGIC = 0;
export const H_VERSION = 1;
export const H_HEADER_BYTES = 2;
export const H_FILE_BYTES = 3;
export const H_N_ITEMS = 4;
export const H_N_USERS = 5;
export const H_SIM_NNZ = 6;
export const H_AFF_NNZ = 7;
export const CHECKSUM_OFFSET = 32;
export const CHECKSUM_BYTES = 32;
export const P_SIMILARITY = 16;
export const P_THRESHOLD = 17;
export const P_UNIT = 18;
export const P_DECAY = 19;
// f64 slots (index = byte offset / 8)
export const F_HALF_LIFE = 10;
export const F_REFERENCE_TIME = 11;
export const F_RATING_MIN = 12;
export const F_RATING_MAX = 13;
export const F_EVENTS = 14;
export const F_UNITS = 15;
export const SECTION_TABLE_OFFSET = 128;

export type SectionType = 'f64' | 'u32' | 'i32' | 'u8';
export const SECTIONS = [
  ['SIM_VALS', 'f64'],
  ['AFF_VALS', 'f64'],
  ['AFF_UNIT', 'f64'],
  ['ITEM_FREQ', 'f64'],
  ['SIM_ROW', 'u32'],
  ['SIM_COLS', 'i32'],
  ['AFF_ROW', 'u32'],
  ['AFF_COLS', 'i32'],
  ['ITEM_OFFS', 'u32'],
  ['ITEM_STR', 'u8'],
  ['USER_OFFS', 'u32'],
  ['USER_STR', 'u8'],
  ['STATS_JSON', 'u8'],
] as const satisfies ReadonlyArray<readonly [string, SectionType]>;
export type SectionName = (typeof SECTIONS)[number][0];
export const SECTION_INDEX = Object.fromEntries(SECTIONS.map(([n], i) => [n, i])) as Record<SectionName, number>;

export const align8 = (n: number): number => (n + 7) & ~7;
