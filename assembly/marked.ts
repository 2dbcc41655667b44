// Candidates gathered by GUID rank: recommenders that add weights per GUID (similarity, the ensemble)
// mark each GUID's rank as they touch it, then read the marked ones back in rank order for selectTop.
import { H_N_GUIDS, S_RANK_GUID, X_SEL_ID, X_SEL_POS, X_SEL_W, info, sec, xs } from './layout';
import { selectTop } from './select';

/**
 * Marks rank r as touched. A byte per rank rather than a bit: a store of its own, with no
 * read-modify-write chain through a word that other GUIDs of the same request share.
 */
@inline export function markRank(marks: usize, r: i32): void {
  store<u8>(marks + <usize>r, 0xff);
}

/** X_SEEN flag of a GUID that is read back but never offered (an installed add-on in the ensemble). */
export const SEEN_SKIP: u8 = 2;

/**
 * The best k of the GUIDs whose rank is marked in `marks` (markRank), by their weight in `acc`: they are
 * read back in rank order (so equal weights already stand in their final order, GUID ascending), and
 * each mark, X_SEEN byte and acc entry is zeroed on the way — callers rely on acc being +0 on entry, so
 * they add to it without first-touch tests. GUIDs flagged SEEN_SKIP are read back but not offered.
 * Output: OUT_IDS/OUT_W, best first; returns the count.
 */
export function selectMarkedByRank(
  model: usize,
  scratch: usize,
  marks: usize,
  seen: usize,
  acc: usize,
  k: i32,
  ordered: bool = true,
): i32 {
  const rankGuid = sec(model, S_RANK_GUID);
  const candW = xs(scratch, X_SEL_W);
  const candPos = xs(scratch, X_SEL_POS);
  const candId = xs(scratch, X_SEL_ID);
  const nWords = (info(model, H_N_GUIDS) + 64) >> 6;
  let lo = Infinity;
  let hi = -Infinity;
  let n = 0;
  const zero = i32x4.splat(0);
  for (let wi = 0; wi < nWords; wi++) {
    // 64 marks at a time: most of a request's ranks are untouched
    const mp = marks + (<usize>wi << 6);
    const v0 = v128.load(mp), v1 = v128.load(mp, 16), v2 = v128.load(mp, 32), v3 = v128.load(mp, 48);
    if (!v128.any_true(v128.or(v128.or(v0, v1), v128.or(v2, v3)))) continue;
    v128.store(mp, zero);
    v128.store(mp, zero, 16);
    v128.store(mp, zero, 32);
    v128.store(mp, zero, 48);
    let bits =
      <u64>i8x16.bitmask(v0) |
      (<u64>i8x16.bitmask(v1) << 16) |
      (<u64>i8x16.bitmask(v2) << 32) |
      (<u64>i8x16.bitmask(v3) << 48);
    while (bits != 0) {
      const r = (wi << 6) + <i32>ctz(bits);
      bits &= bits - 1;
      const g = load<i32>(rankGuid + (<usize>r << 2));
      const sp = seen + <usize>g;
      const skip = load<u8>(sp) & SEEN_SKIP;
      store<u8>(sp, 0);
      const ap = acc + (<usize>g << 3);
      const w = load<f64>(ap);
      store<f64>(ap, 0.0);
      if (skip) continue;
      if (w < lo) lo = w;
      if (w > hi) hi = w;
      store<f64>(candW + (<usize>n << 3), w);
      store<i32>(candPos + (<usize>n << 2), r);
      store<i32>(candId + (<usize>n << 2), g);
      n++;
    }
  }
  return selectTop(scratch, n, k, lo, hi, ordered);
}
