// Similarity recommender (SPEC §6.2): distance to every donor = (Canberra(continuous) + 0.001) ·
// Hamming(categorical), mapped to the LR table entry whose x is nearest (first index on ties), donors
// with ln(LR) > 0 add ln(LR) to each of their add-ons in LR-descending donor order; top k by weight,
// ties by GUID ascending.
import {
  S_DONOR_SOA, H_LR_SORTED, H_N_DONORS, H_N_LR, IN_CAT, IN_CONT, S_DONOR_ADDONS, S_DONOR_ADDON_OFFS,
  S_DONOR_CAT, S_GUID_RANK, S_LR_BAD, S_LR_LN, S_LR_ORDER, S_LR_VAL, S_LR_X, X_ACC, X_BUCKET_HEAD,
  X_BUCKET_NEXT, X_DONOR_DIST, X_DONOR_J, X_RANK_MARK, X_SEEN, info, sec, xs,
} from './layout';
import { markRank, selectMarkedByRank } from './marked';
import { roundSmall } from './select';

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

/** Slope guess for the insertion point in a sorted table: (n − 1) / (x_last − x_0), or 0 when useless. */
function guessScale(x: usize, n: i32): f64 {
  const inv = <f64>(n - 1) / (xAt(x, n - 1) - xAt(x, 0));
  return isFinite(inv) && inv > 0 ? inv : 0.0;
}

/** First j in [lo, hi) with x_j ≥ d, or hi (x sorted). */
function lowerBound(x: usize, lo: i32, hi: i32, d: f64): i32 {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (xAt(x, mid) < d) lo = mid + 1; else hi = mid;
  }
  return lo;
}

/** argmin_j |d − x_j| over a strictly increasing table, first index on ties; d is not NaN. */
@inline function nearestSorted(x: usize, n: i32, x0: f64, inv: f64, d: f64): i32 {
  // The insertion point (first x_j ≥ d, ⌈t⌉ for a uniform table up to rounding) is guessed from the
  // slope, then checked against its neighbours; a wrong guess falls back to binary search.
  const t = (d - x0) * inv;
  let lo = t > 0 ? (t < <f64>n ? roundSmall(t + 0.5) : n) : 0;
  if (lo > 0 && xAt(x, lo - 1) >= d) {
    lo--;
    if (lo > 0 && xAt(x, lo - 1) >= d) lo = lowerBound(x, 0, lo - 1, d);
  } else if (lo < n && xAt(x, lo) < d) {
    lo++;
    if (lo < n && xAt(x, lo) < d) lo = lowerBound(x, lo + 1, n, d);
  }
  // |d − x_j| falls then rises, so the minimum sits next to the insertion point. Which neighbour wins
  // is a coin toss for the branch predictor, hence selects (without a left one, left = right).
  const right = select<i32>(lo, n - 1, lo < n);
  const left = select<i32>(lo - 1, right, lo > 0);
  const dr = abs<f64>(d - xAt(x, right));
  const dl = abs<f64>(d - xAt(x, left));
  const takeLeft = dl <= dr;
  // Rounding can make the next one left equally distant: numpy keeps the first. Only the left
  // neighbour can need that walk (were right's left neighbour as near, left would have won).
  const before = select<i32>(left - 1, 0, left > 0);
  const tie = left > 0 && abs<f64>(d - xAt(x, before)) == dl;
  let bj = select<i32>(left, right, takeLeft);
  if (takeLeft && tie) {
    bj = before;
    while (bj > 0 && abs<f64>(d - xAt(x, bj - 1)) == dl) bj--;
  }
  return bj;
}

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
  return nearestSorted(x, n, xAt(x, 0), guessScale(x, n), d);
}

// skipFrom's answer for this instance's model (module globals are per instance, an instance serves one
// model version, and a packed model never changes).
let skipReady = false;
let skipAt: f64 = Infinity;
let skipGuard: f64 = Infinity;

/**
 * For a strictly increasing table: a distance d with d ≥ x_(J+1) and fl(d − x_J) > fl(d − x_(J+1)), where
 * J is the last entry with ln(LR) > 0 or a zero denominator, has its nearest entry after J (every
 * earlier one is strictly farther once rounded, so no first-index tie reaches back): it adds nothing
 * and cannot fail, so similarity skips its lookup. Returns x_(J+1) (+∞ when J is the last entry) and sets
 * skipGuard = x_J (−∞ when there is no such J).
 */
function skipFrom(model: usize): f64 {
  if (skipReady) return skipAt;
  const n = info(model, H_N_LR);
  const x = sec(model, S_LR_X);
  const ln = sec(model, S_LR_LN);
  const bad = sec(model, S_LR_BAD);
  let last = -1;
  for (let j = 0; j < n; j++) {
    if (load<f64>(ln + (<usize>j << 3)) > 0 || load<i32>(bad + (<usize>j << 2)) != 0) last = j;
  }
  skipAt = last + 1 < n ? xAt(x, last + 1) : Infinity;
  skipGuard = last >= 0 ? xAt(x, last) : -Infinity;
  skipReady = true;
  return skipAt;
}

/** Categorical mismatches / 3 (hN = N / 3.0). */
@inline function hamming(dk: usize, c0: i32, c1: i32, c2: i32, h1: f64, h2: f64, h3: f64): f64 {
  const m = <i32>(load<i32>(dk) != c0) + <i32>(load<i32>(dk, 4) != c1) + <i32>(load<i32>(dk, 8) != c2);
  return select<f64>(h3, select<f64>(h2, select<f64>(h1, 0.0, m == 1), m == 2), m == 3);
}

/**
 * nearestLr for a strictly increasing table (n ≥ 2), the common case without branches the predictor
 * would miss. The answer for d ≤ x_0 is 0; otherwise, once the guessed insertion point lo is confirmed
 * (x_(lo−1) < d ≤ x_lo), only lo − 1 and lo can be nearest: fl(|d − x_j|) grows away from them. The
 * left one wins ties unless it ties x_(lo−2) as well; that rare case, a wrong guess and NaN take
 * nearestLr.
 */
@inline function nearestFast(model: usize, x: usize, n: i32, x0: f64, inv: f64, d: f64): i32 {
  const t = (d - x0) * inv;
  const lo = t > 1 ? (t < <f64>(n - 1) ? roundSmall(t + 0.5) : n - 1) : 1;
  const xl = xAt(x, lo - 1);
  const xr = xAt(x, lo);
  const dl = d - xl; // = fl(|d − xl|) once confirmed, and ≤ 0 (so left wins) when d ≤ x_0
  const left = dl <= xr - d;
  const before = xAt(x, select<i32>(lo - 2, 0, lo > 1));
  const confirmed = <i32>(d <= xr) & (<i32>(xl < d) | <i32>(lo == 1));
  const leftTie = <i32>left & <i32>(lo > 1) & <i32>(d - before == dl);
  if (!(confirmed & ~leftTie)) return nearestLr(model, d);
  return select<i32>(lo - 1, lo, left);
}

/**
 * One Canberra term of two donors: |d − c| / (|d| + |c|), or +0 where the denominator is 0 — TAAR
 * skips that term, and adding +0 to the (non-negative) running sum leaves its bits alone.
 */
@inline function canberraPair(d: v128, cv: v128, absCv: v128, zero: v128): v128 {
  const den = f64x2.add(f64x2.abs(d), absCv);
  return v128.and(f64x2.div(f64x2.abs(f64x2.sub(d, cv)), den), f64x2.ne(den, zero));
}

/**
 * Inputs: IN_CONT (5 f64), IN_CAT (3 i32 dictionary ids). Output: OUT_IDS/OUT_W best first (any order
 * when `ordered` is 0); returns the count, or SIMILARITY_LR_ZERO_DENOMINATOR when a donor lands on an LR
 * entry with denominator 0 (TAAR raises ZeroDivisionError there; recscore reports the recommender as
 * failed instead).
 */
export function similarity(model: usize, scratch: usize, k: i32, ordered: i32): i32 {
  const nDonors = info(model, H_N_DONORS);
  const nLr = info(model, H_N_LR);
  const cat = sec(model, S_DONOR_CAT);
  const lrBad = sec(model, S_LR_BAD);
  const head = xs(scratch, X_BUCKET_HEAD);
  const next = xs(scratch, X_BUCKET_NEXT);
  const donorJ = xs(scratch, X_DONOR_J);
  const c = xs(scratch, IN_CONT);
  const cc = xs(scratch, IN_CAT);
  const c0 = load<i32>(cc), c1 = load<i32>(cc, 4), c2 = load<i32>(cc, 8);
  // Two donors per f64x2 (lane = donor) from the packed column-major copy: lane-wise IEEE operations,
  // so each donor's Canberra sum is the scalar sequence 0 + t0 + … + t4, bit for bit.
  const soa = sec(model, S_DONOR_SOA);
  const dists = xs(scratch, X_DONOR_DIST);
  const colBytes = <usize>(nDonors + (nDonors & 1)) << 3;
  const cv0 = v128.load64_splat(c), cv1 = v128.load64_splat(c, 8), cv2 = v128.load64_splat(c, 16);
  const cv3 = v128.load64_splat(c, 24), cv4 = v128.load64_splat(c, 32);
  const ca0 = f64x2.abs(cv0), ca1 = f64x2.abs(cv1), ca2 = f64x2.abs(cv2), ca3 = f64x2.abs(cv3), ca4 = f64x2.abs(cv4);
  const zero = f64x2.splat(0.0);
  const floorAdj = f64x2.splat(FLOOR_DISTANCE_ADJUSTMENT);
  // hamming = mismatches / 3, the same four quotients as dividing each time
  const h1 = 1.0 / 3.0, h2 = 2.0 / 3.0, h3 = 3.0 / 3.0;
  const x = sec(model, S_LR_X);
  const sorted = info(model, H_LR_SORTED) != 0 && nLr > 1;
  const x0 = nLr > 0 ? load<f64>(x) : 0.0;
  const inv = sorted ? guessScale(x, nLr) : 0.0;

  // Donors whose nearest entry cannot add nor fail are dropped before the LR lookup (skipFrom).
  const from = sorted ? skipFrom(model) : Infinity;
  const xBefore = sorted ? skipGuard : Infinity;
  for (let j = 0; j < nLr; j++) store<i32>(head + (<usize>j << 2), -1);
  for (let i = 0; i < nDonors; i += 2) {
    const col = soa + (<usize>i << 3);
    let canberra = f64x2.add(zero, canberraPair(v128.load(col), cv0, ca0, zero));
    canberra = f64x2.add(canberra, canberraPair(v128.load(col + colBytes), cv1, ca1, zero));
    canberra = f64x2.add(canberra, canberraPair(v128.load(col + 2 * colBytes), cv2, ca2, zero));
    canberra = f64x2.add(canberra, canberraPair(v128.load(col + 3 * colBytes), cv3, ca3, zero));
    canberra = f64x2.add(canberra, canberraPair(v128.load(col + 4 * colBytes), cv4, ca4, zero));
    const hA = hamming(cat + <usize>i * 12, c0, c1, c2, h1, h2, h3);
    const hB = i + 1 < nDonors ? hamming(cat + <usize>(i + 1) * 12, c0, c1, c2, h1, h2, h3) : 0.0;
    v128.store(
      dists + (<usize>i << 3),
      f64x2.mul(f64x2.add(canberra, floorAdj), f64x2.replace_lane(f64x2.splat(hA), 1, hB)),
    );
  }
  // The donors that can matter, in file order, compacted without a branch (which ones is a coin toss)
  // into X_BUCKET_NEXT, whose entries are rewritten only behind the read position below.
  let m = 0;
  for (let i = 0; i < nDonors; i++) {
    const d = load<f64>(dists + (<usize>i << 3));
    store<i32>(next + (<usize>m << 2), i);
    m += <i32>!(<i32>(d >= from) & <i32>(d - xBefore > d - from));
  }
  // A loop of its own: its iterations are short, so the out-of-order core overlaps many of them.
  for (let q = 0; q < m; q++) {
    const i = load<i32>(next + (<usize>q << 2));
    const d = load<f64>(dists + (<usize>i << 3));
    const j = sorted ? nearestFast(model, x, nLr, x0, inv, d) : nearestLr(model, d);
    if (load<i32>(lrBad + (<usize>j << 2)) != 0) return SIMILARITY_LR_ZERO_DENOMINATOR;
    store<i32>(donorJ + (<usize>q << 2), j);
  }
  // Buckets per LR entry, linked apart from the loops above (head[j] written there would chain each
  // donor to the previous one). Donors are pushed in reverse so each bucket lists them in file order
  // (harmless either way: equal LRs). next[i] is written after next[q] (q ≤ i) was read.
  for (let q = m - 1; q >= 0; q--) {
    const i = load<i32>(next + (<usize>q << 2));
    const hj = head + (<usize>load<i32>(donorJ + (<usize>q << 2)) << 2);
    store<i32>(next + (<usize>i << 2), load<i32>(hj));
    store<i32>(hj, i);
  }

  const order = sec(model, S_LR_ORDER);
  const ln = sec(model, S_LR_LN);
  const offs = sec(model, S_DONOR_ADDON_OFFS);
  const addons = sec(model, S_DONOR_ADDONS);
  const acc = xs(scratch, X_ACC);
  const seen = xs(scratch, X_SEEN);
  const rank = sec(model, S_GUID_RANK);
  const marks = xs(scratch, X_RANK_MARK);
  // LR_ORDER is by LR descending, NaN last, so the entries with ln(LR) > 0 (LR > 1) come first: the
  // first entry without ends the donors that add.
  for (let o = 0; o < nLr; o++) {
    const j = load<i32>(order + (<usize>o << 2));
    const l = load<f64>(ln + (<usize>j << 3));
    if (!(l > 0)) break;
    for (let i = load<i32>(head + (<usize>j << 2)); i >= 0; i = load<i32>(next + (<usize>i << 2))) {
      const a = load<u32>(offs + (<usize>i << 2));
      const b = load<u32>(offs + (<usize>(i + 1) << 2));
      for (let p = a; p < b; p++) {
        // acc is +0 until the selection reads it back: no first-touch test (a branch it would mispredict)
        const g = load<i32>(addons + (<usize>p << 2));
        markRank(marks, load<i32>(rank + (<usize>g << 2)));
        const ap = acc + (<usize>g << 3);
        store<f64>(ap, load<f64>(ap) + l);
      }
    }
  }

  return selectMarkedByRank(model, scratch, marks, seen, acc, k, ordered != 0);
}
