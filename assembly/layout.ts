// Mirror of src/model/kinds/taar/layout.ts (the diagram and the ownership rules live there).
// test/kernel/layout-mirror.test.ts checks that every constant below equals its TypeScript twin.

export const MODEL_BASE: usize = 65536;
export const HEADER_INFO_SLOTS: usize = 64;

export const H_N_GUIDS: usize = 3;
export const H_N_ITEMS: usize = 4;
export const H_N_FACTORS: usize = 5;
export const H_HT_MASK: usize = 6;
export const H_N_DONORS: usize = 7;
export const H_N_LR: usize = 8;
export const H_LR_SORTED: usize = 9;

// Section indices (order of SECTIONS in src/model/kinds/taar/layout.ts).
export const S_GUID_RANK: usize = 2;
export const S_ITEM_HASH: usize = 3;
export const S_ITEM_GUID: usize = 4;
export const S_ITEM_FEAT: usize = 5;
export const S_HT_KEY: usize = 6;
export const S_HT_ROW: usize = 7;
export const S_DONOR_CONT: usize = 8;
export const S_DONOR_CAT: usize = 9;
export const S_DONOR_ADDON_OFFS: usize = 10;
export const S_DONOR_ADDONS: usize = 11;
export const S_LR_X: usize = 12;
export const S_LR_VAL: usize = 13;
export const S_LR_LN: usize = 14;
export const S_LR_BAD: usize = 15;
export const S_LR_ORDER: usize = 16;
export const S_LOCALE_OFFS: usize = 17;
export const S_LOCALE_GUID: usize = 18;
export const S_LOCALE_W: usize = 19;
export const S_LITE_KEY_OF_GUID: usize = 20;
export const S_LITE_FILT_OFFS: usize = 21;
export const S_LITE_FILT_GUID: usize = 22;
export const S_LITE_FILT_COUNT: usize = 23;
export const S_LITE_ROW_OFFS: usize = 24;
export const S_LITE_REC2: usize = 27;
export const S_LITE_ROWCOUNT: usize = 28;
export const S_LITE_COUNTMAP: usize = 29;
export const S_LITE_ROWNORMSUM: usize = 30;
export const S_DONOR_SOA: usize = 33;
export const S_RANK_GUID: usize = 34;

// Scratch slots.
export const X_U: usize = 0;
export const X_MARK: usize = 1;
export const X_ROWS: usize = 2;
export const X_ACC: usize = 3;
export const X_SEEN: usize = 4;
export const X_DONOR_J: usize = 5;
export const X_BUCKET_HEAD: usize = 6;
export const X_BUCKET_NEXT: usize = 7;
export const X_HEAP_ID: usize = 8;
export const X_HEAP_W: usize = 9;
export const X_HEAP_POS: usize = 10;
export const IN_HASHES: usize = 11;
export const IN_CONT: usize = 12;
export const IN_CAT: usize = 13;
export const OUT_IDS: usize = 14;
export const OUT_W: usize = 15;
export const X_LITE_W: usize = 16;
export const X_LITE_G: usize = 17;
export const X_SEL_W: usize = 18;
export const X_SEL_POS: usize = 19;
export const X_SEL_ID: usize = 20;
export const X_SEL_BIN: usize = 21;
export const X_SEL_ORDER: usize = 22;
export const X_SEL_HIST: usize = 23;
export const IN_INSTALLED: usize = 24;
export const IN_LIST_IDS: usize = 25;
export const IN_LIST_W: usize = 26;
export const IN_LIST_OFFS: usize = 27;
export const IN_LIST_COEF: usize = 28;
export const X_DONOR_DIST: usize = 29;
export const X_RANK_MARK: usize = 30;

/** Header info slot. */
@inline export function info(model: usize, slot: usize): i32 {
  return load<i32>(model + (slot << 2));
}
/** Absolute address of a model section. */
@inline export function sec(model: usize, index: usize): usize {
  return <usize>load<u32>(model + ((HEADER_INFO_SLOTS + index) << 2));
}
/** Absolute address of a scratch sub-region. */
@inline export function xs(scratch: usize, slot: usize): usize {
  return scratch + <usize>load<u32>(scratch + (slot << 2));
}
