// Similarity recommender (SPEC §6.2): distance to every donor = (Canberra(continuous) + 0.001) ·
// Hamming(categorical), mapped to the LR table entry whose x is nearest (first index on ties), donors
// with ln(LR) > 0 add ln(LR) to each of their add-ons in LR-descending donor order; top k by weight,
// ties by GUID ascending.
import {
  H_LR_SORTED, H_N_DONORS, H_N_LR, IN_CAT, IN_CONT, S_DONOR_ADDONS, S_DONOR_ADDON_OFFS, S_DONOR_CAT,
  S_DONOR_CONT, S_GUID_RANK, S_LR_BAD, S_LR_LN, S_LR_ORDER, S_LR_VAL, S_LR_X, X_ACC, X_BUCKET_HEAD,
  X_BUCKET_NEXT, X_SEEN, X_TOUCH, info, sec, xs,
} from './layout';
import { heapDrain, heapPush, heapReset } from './topk';

const FLOOR_DISTANCE_ADJUSTMENT: f64 = 0.001;
export const SIMILARITY_LR_ZERO_DENOMINATOR: i32 = -1;

/** ln(LR) per table entry, once per model at pack time: this log equals glibc's (TAAR's np.log). */
export function prepareLr(model: usize): void {
  const n = info(model, H_N_LR);
  const val = sec(model, S_LR_VAL);
  const ln = sec(model, S_LR_LN);
  for (let j = 0; j < n; j++) store<f64>(ln + (<usize>j << 3), Math.log(load<f64>(val + (<usize>j << 3))));
}

@inline function xAt(x: usize, j: i32): f64 { return load<f64>(x + (<usize>j << 3)); }

/** argmin_j |d − x_j|, first index on ties (np.argmin); NaN distance → 0 as numpy does. */
export function nearestLr(model: usize, d: f64): i32 {
  const n = info(model, H_N_LR);
  const x = sec(model, S_LR_X);
  if (isNaN(d) || n <= 1) return 0;
  if (info(model, H_LR_SORTED) == 0) {
    let best = abs<f64>(d - xAt(x, 0));
    let bj = 0;
    for (let j = 1; j < n; j++) {
      const v = abs<f64>(d - xAt(x, j));
      if (v < best) { best = v; bj = j; }
    }
    return bj;
  }
  // x strictly increasing: |d − x_j| falls then rises, so the minimum sits next to the insertion point.
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (xAt(x, mid) < d) lo = mid + 1; else hi = mid;
  }
  let bj = lo < n ? lo : n - 1;
  let best = abs<f64>(d - xAt(x, bj));
  if (lo > 0) {
    const v = abs<f64>(d - xAt(x, lo - 1));
    if (v <= best) { best = v; bj = lo - 1; }
  }
  // rounding can make neighbours equally distant: numpy keeps the first of them
  while (bj > 0 && abs<f64>(d - xAt(x, bj - 1)) == best) bj--;
  return bj;
}

/**
 * Inputs: IN_CONT (5 f64), IN_CAT (3 i32 dictionary ids). Output: OUT_IDS/OUT_W best first; returns the
 * count, or SIMILARITY_LR_ZERO_DENOMINATOR when a donor lands on an LR entry with denominator 0 (TAAR
 * raises ZeroDivisionError there; recscore reports the recommender as failed instead).
 */
export function similarity(model: usize, scratch: usize, k: i32): i32 {
  const nDonors = info(model, H_N_DONORS);
  const nLr = info(model, H_N_LR);
  const cont = sec(model, S_DONOR_CONT);
  const cat = sec(model, S_DONOR_CAT);
  const lrBad = sec(model, S_LR_BAD);
  const head = xs(scratch, X_BUCKET_HEAD);
  const next = xs(scratch, X_BUCKET_NEXT);
  const c = xs(scratch, IN_CONT);
  const cc = xs(scratch, IN_CAT);
  const c0 = load<i32>(cc), c1 = load<i32>(cc, 4), c2 = load<i32>(cc, 8);

  for (let j = 0; j < nLr; j++) store<i32>(head + (<usize>j << 2), -1);
  // Donors are pushed in reverse so each bucket lists them in file order (harmless either way: equal LRs).
  for (let i = nDonors - 1; i >= 0; i--) {
    const dc = cont + (<usize>i * 40);
    let canberra = 0.0;
    for (let t = 0; t < 5; t++) {
      const dv = load<f64>(dc + (<usize>t << 3));
      const cv = load<f64>(c + (<usize>t << 3));
      const den = abs<f64>(dv) + abs<f64>(cv);
      if (den != 0) canberra += abs<f64>(dv - cv) / den;
    }
    const dk = cat + (<usize>i * 12);
    let mismatches = 0;
    if (load<i32>(dk) != c0) mismatches++;
    if (load<i32>(dk, 4) != c1) mismatches++;
    if (load<i32>(dk, 8) != c2) mismatches++;
    const dist = (canberra + FLOOR_DISTANCE_ADJUSTMENT) * (<f64>mismatches / 3.0);
    const j = nearestLr(model, dist);
    if (load<i32>(lrBad + (<usize>j << 2)) != 0) return SIMILARITY_LR_ZERO_DENOMINATOR;
    store<i32>(next + (<usize>i << 2), load<i32>(head + (<usize>j << 2)));
    store<i32>(head + (<usize>j << 2), i);
  }

  const order = sec(model, S_LR_ORDER);
  const ln = sec(model, S_LR_LN);
  const offs = sec(model, S_DONOR_ADDON_OFFS);
  const addons = sec(model, S_DONOR_ADDONS);
  const acc = xs(scratch, X_ACC);
  const seen = xs(scratch, X_SEEN);
  const touch = xs(scratch, X_TOUCH);
  let nTouched = 0;
  for (let o = 0; o < nLr; o++) {
    const j = load<i32>(order + (<usize>o << 2));
    const l = load<f64>(ln + (<usize>j << 3));
    if (!(l > 0)) continue;
    for (let i = load<i32>(head + (<usize>j << 2)); i >= 0; i = load<i32>(next + (<usize>i << 2))) {
      const a = load<u32>(offs + (<usize>i << 2));
      const b = load<u32>(offs + (<usize>(i + 1) << 2));
      for (let p = a; p < b; p++) {
        const g = load<i32>(addons + (<usize>p << 2));
        const ap = acc + (<usize>g << 3);
        if (load<u8>(seen + <usize>g) == 0) {
          store<u8>(seen + <usize>g, 1);
          store<i32>(touch + (<usize>nTouched << 2), g);
          nTouched++;
          store<f64>(ap, 0.0);
        }
        store<f64>(ap, load<f64>(ap) + l);
      }
    }
  }

  const rank = sec(model, S_GUID_RANK);
  heapReset(scratch, k);
  for (let t = 0; t < nTouched; t++) {
    const g = load<i32>(touch + (<usize>t << 2));
    store<u8>(seen + <usize>g, 0);
    heapPush(g, load<f64>(acc + (<usize>g << 3)), load<i32>(rank + (<usize>g << 2)));
  }
  return heapDrain(scratch);
}
