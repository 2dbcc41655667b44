// TAAR's ensemble (SPEC §6.4) over GUID ids: each recommender's list (cut to perListLimit) weighted by
// its coefficient, summed per GUID in list order — lists come in RECOMMENDER_KEYS order, so a sum is
// ((0 + c) + s) + l exactly as TAAR's sequential group sums — installed GUIDs dropped, the best `limit`
// by (sum desc, GUID rank asc). src/kernel/ensemble.ts is the reference implementation.
import {
  IN_INSTALLED, IN_LIST_COEF, IN_LIST_IDS, IN_LIST_OFFS, IN_LIST_W, S_GUID_RANK, X_ACC, X_RANK_MARK, X_SEEN,
  sec, xs,
} from './layout';
import { markRank, SEEN_SKIP, selectMarkedByRank } from './marked';

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
  const marks = xs(scratch, X_RANK_MARK);
  for (let l = 0; l < 3; l++) {
    const a = load<i32>(offs + (<usize>l << 2));
    let b = load<i32>(offs + (<usize>(l + 1) << 2));
    if (b - a > perListLimit) b = a + perListLimit;
    const c = load<f64>(coef + (<usize>l << 3));
    for (let p = a; p < b; p++) {
      const g = load<i32>(ids + (<usize>p << 2));
      const w = load<f64>(ws + (<usize>p << 3)) * c;
      // acc is +0 until the selection reads it back, so a first weight is stored as 0 + w, as TAAR sums
      markRank(marks, load<i32>(rank + (<usize>g << 2)));
      const ap = acc + (<usize>g << 3);
      store<f64>(ap, load<f64>(ap) + w);
    }
  }
  for (let i = 0; i < nInstalled; i++) store<u8>(seen + <usize>load<i32>(inst + (<usize>i << 2)), SEEN_SKIP);

  const n = selectMarkedByRank(model, scratch, marks, seen, acc, limit);
  for (let i = 0; i < nInstalled; i++) store<u8>(seen + <usize>load<i32>(inst + (<usize>i << 2)), 0);
  return n;
}
