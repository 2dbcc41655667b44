// TAAR's ensemble (SPEC §6.4) over GUID ids: each recommender's list (cut to perListLimit) weighted by
// its coefficient, summed per GUID in list order — lists come in RECOMMENDER_KEYS order, so a sum is
// ((0 + c) + s) + l exactly as TAAR's sequential group sums — installed GUIDs dropped, the best `limit`
// by (sum desc, GUID rank asc). src/recommend/ensemble.ts is the reference implementation.
import {
  S_RANK_GUID,
  H_N_GUIDS, IN_INSTALLED, IN_LIST_COEF, IN_LIST_IDS, IN_LIST_OFFS, IN_LIST_W, S_GUID_RANK, X_ACC,
  X_RANK_BITS, X_SEEN, X_SEL_ID, X_SEL_POS, X_SEL_W, info, sec, xs,
} from './layout';
import { markRank, selectTop } from './select';

const SEEN: u8 = 1;
const INSTALLED: u8 = 2;

/**
 * Inputs: IN_LIST_IDS/IN_LIST_W with boundaries IN_LIST_OFFS[0..3] and IN_LIST_COEF[0..2] (an absent
 * recommender is an empty list), IN_INSTALLED[0..nInstalled). Output: OUT_IDS/OUT_W best first; returns
 * the count (≤ limit).
 */
export function ensemble(model: usize, scratch: usize, perListLimit: i32, nInstalled: i32, limit: i32): i32 {
  const offs = xs(scratch, IN_LIST_OFFS);
  const coef = xs(scratch, IN_LIST_COEF);
  const ids = xs(scratch, IN_LIST_IDS);
  const ws = xs(scratch, IN_LIST_W);
  const acc = xs(scratch, X_ACC);
  const seen = xs(scratch, X_SEEN);
  const inst = xs(scratch, IN_INSTALLED);

  const rank = sec(model, S_GUID_RANK);
  const bits = xs(scratch, X_RANK_BITS);
  for (let l = 0; l < 3; l++) {
    const a = load<i32>(offs + (<usize>l << 2));
    let b = load<i32>(offs + (<usize>(l + 1) << 2));
    if (b - a > perListLimit) b = a + perListLimit;
    const c = load<f64>(coef + (<usize>l << 3));
    for (let p = a; p < b; p++) {
      const g = load<i32>(ids + (<usize>p << 2));
      const w = load<f64>(ws + (<usize>p << 3)) * c;
      const ap = acc + (<usize>g << 3);
      const sp = seen + <usize>g;
      if (load<u8>(sp) == 0) {
        store<u8>(sp, SEEN);
        markRank(bits, load<i32>(rank + (<usize>g << 2)));
        store<f64>(ap, 0.0 + w);
      } else {
        store<f64>(ap, load<f64>(ap) + w);
      }
    }
  }
  for (let i = 0; i < nInstalled; i++) {
    const sp = seen + <usize>load<i32>(inst + (<usize>i << 2));
    store<u8>(sp, load<u8>(sp) | INSTALLED);
  }

  // candidates in rank order: equal sums then already stand in their final order
  const rankGuid = sec(model, S_RANK_GUID);
  const candW = xs(scratch, X_SEL_W);
  const candPos = xs(scratch, X_SEL_POS);
  const candId = xs(scratch, X_SEL_ID);
  const nWords = (info(model, H_N_GUIDS) + 64) >> 6;
  let lo = Infinity;
  let hi = -Infinity;
  let n = 0;
  for (let wi = 0; wi < nWords; wi++) {
    const wp = bits + (<usize>wi << 3);
    let word = load<u64>(wp);
    if (word == 0) continue;
    store<u64>(wp, 0);
    while (word != 0) {
      const r = (wi << 6) + <i32>ctz(word);
      word &= word - 1;
      const g = load<i32>(rankGuid + (<usize>r << 2));
      const sp = seen + <usize>g;
      const installed = load<u8>(sp) & INSTALLED;
      store<u8>(sp, 0);
      if (installed) continue;
      const w = load<f64>(acc + (<usize>g << 3));
      if (w < lo) lo = w;
      if (w > hi) hi = w;
      store<f64>(candW + (<usize>n << 3), w);
      store<i32>(candPos + (<usize>n << 2), r);
      store<i32>(candId + (<usize>n << 2), g);
      n++;
    }
  }
  for (let i = 0; i < nInstalled; i++) store<u8>(seen + <usize>load<i32>(inst + (<usize>i << 2)), 0);
  return selectTop(scratch, n, limit, lo, hi);
}
