// Collaborative recommender (SPEC §6.1): user vector = sum of the factor rows whose id is the hash of an
// installed add-on (row order), score = dot(user, row) for every recommendable row not installed,
// top k by score with ties in item-matrix file order. Sums are sequential float64, exactly as TAAR's
// reference-BLAS products, so results are bit-identical.
import {
  H_HT_MASK, H_N_FACTORS, H_N_ITEMS, IN_HASHES, S_HT_KEY, S_HT_ROW, S_ITEM_FEAT, S_ITEM_GUID,
  X_MARK, X_ROWS, X_SEL_ID, X_SEL_POS, X_SEL_W, X_U, info, sec, xs,
} from './layout';
import { selectTop } from './select';

/** Must equal itemSlot() in src/model/kinds/taar/pack.ts: multiplicative hashing of the 23-bit id. */
@inline export function itemSlot(hash: i32, mask: i32): i32 {
  return <i32>((<u32>hash * 0x9e3779b1) >>> 7) & mask;
}

// Bounds of the candidates' scores, set by collectCandidates (module globals are per instance).
let candLo: f64 = 0;
let candHi: f64 = 0;

/** Marks matched rows and returns how many; X_ROWS holds them in ascending row order. */
function matchRows(model: usize, scratch: usize, nHashes: i32): i32 {
  const mask = info(model, H_HT_MASK);
  const htKey = sec(model, S_HT_KEY);
  const htRow = sec(model, S_HT_ROW);
  const hashes = xs(scratch, IN_HASHES);
  const mark = xs(scratch, X_MARK);
  const rows = xs(scratch, X_ROWS);
  let n = 0;
  for (let i = 0; i < nHashes; i++) {
    const h = load<i32>(hashes + (<usize>i << 2));
    let s = itemSlot(h, mask);
    while (true) {
      const key = load<i32>(htKey + (<usize>s << 2));
      if (key == -1) break;
      if (key == h) {
        const r = load<i32>(htRow + (<usize>s << 2));
        if (load<u8>(mark + <usize>r) == 0) {
          store<u8>(mark + <usize>r, 1);
          // insertion keeps X_ROWS sorted: the user vector must be summed in row order
          let j = n++;
          while (j > 0 && load<i32>(rows + (<usize>(j - 1) << 2)) > r) {
            store<i32>(rows + (<usize>j << 2), load<i32>(rows + (<usize>(j - 1) << 2)));
            j--;
          }
          store<i32>(rows + (<usize>j << 2), r);
        }
        break;
      }
      s = (s + 1) & mask;
    }
  }
  return n;
}

/** Address of factor f of row r in the pair-interleaved ITEM_FEAT (featIndex in src/model/kinds/taar/layout.ts). */
@inline function featAt(feat: usize, F: i32, r: i32, f: i32): usize {
  return feat + (((<usize>(r >> 1) * <usize>F + <usize>f) << 4) + (<usize>(r & 1) << 3));
}

/**
 * dot(u, row) into scores[row] for every row, two rows per f64x2 (lane = row) and four pairs at a time
 * (independent chains): each lane's sum is the scalar sequence 0 + u0·x0 + … in factor order, bit-equal
 * to TAAR's reference-BLAS product.
 */
function scoreRows(feat: usize, u: usize, F: i32, nItems: i32, scores: usize): void {
  const pairBytes = <usize>F << 4;
  const uEnd = u + (<usize>F << 3);
  const nPairs = nItems >> 1;
  let p = 0;
  let pair = feat;
  for (; p + 4 <= nPairs; p += 4, pair += pairBytes << 2) {
    let s0 = f64x2.splat(0.0), s1 = s0, s2 = s0, s3 = s0;
    let q = pair;
    for (let up = u; up < uEnd; up += 8, q += 16) {
      const uf = v128.load64_splat(up);
      s0 = f64x2.add(s0, f64x2.mul(uf, v128.load(q)));
      s1 = f64x2.add(s1, f64x2.mul(uf, v128.load(q + pairBytes)));
      s2 = f64x2.add(s2, f64x2.mul(uf, v128.load(q + 2 * pairBytes)));
      s3 = f64x2.add(s3, f64x2.mul(uf, v128.load(q + 3 * pairBytes)));
    }
    const o = scores + (<usize>p << 4);
    v128.store(o, s0);
    v128.store(o, s1, 16);
    v128.store(o, s2, 32);
    v128.store(o, s3, 48);
  }
  for (; p < nPairs; p++, pair += pairBytes) v128.store(scores + (<usize>p << 4), scorePair(pair, u, uEnd));
  // an odd last row shares its pair with zero padding; its score array has no room for the padding's
  if (nItems & 1) v128.store64_lane(scores + (<usize>p << 4), scorePair(pair, u, uEnd), 0);
}

/** dot(u, row) of the two rows of one pair, one per lane. */
@inline function scorePair(pair: usize, u: usize, uEnd: usize): v128 {
  let s = f64x2.splat(0.0);
  let q = pair;
  for (let up = u; up < uEnd; up += 8, q += 16) s = f64x2.add(s, f64x2.mul(v128.load64_splat(up), v128.load(q)));
  return s;
}

/**
 * Compacts scores[0..nItems) in place into the selection's candidates (weight, row, GUID), skipping rows
 * never recommended or installed, and sets candLo/candHi; returns the count. Every row is written and
 * only a kept one advances the count, so the stores need no branch.
 */
function collectCandidates(scratch: usize, scores: usize, nItems: i32, itemGuid: usize, mark: usize): i32 {
  const pos = xs(scratch, X_SEL_POS);
  const ids = xs(scratch, X_SEL_ID);
  let lo = Infinity;
  let hi = -Infinity;
  let n = 0;
  for (let r = 0; r < nItems; r++) {
    const w = load<f64>(scores + (<usize>r << 3));
    const g = load<i32>(itemGuid + (<usize>r << 2));
    store<f64>(scores + (<usize>n << 3), w);
    store<i32>(pos + (<usize>n << 2), r);
    store<i32>(ids + (<usize>n << 2), g);
    if (g >= 0 && load<u8>(mark + <usize>r) == 0) {
      n++;
      if (w < lo) lo = w;
      if (w > hi) hi = w;
    }
  }
  candLo = lo;
  candHi = hi;
  return n;
}

/**
 * Inputs: IN_HASHES[0..nHashes) = positive_hash of each installed add-on. Output: OUT_IDS/OUT_W, best
 * first (any order when `ordered` is 0: the GUIDs are distinct, so the ensemble reads the list as a set);
 * returns the count (≤ k).
 */
export function collaborative(model: usize, scratch: usize, nHashes: i32, k: i32, ordered: i32): i32 {
  const nItems = info(model, H_N_ITEMS);
  const F = info(model, H_N_FACTORS);
  const feat = sec(model, S_ITEM_FEAT);
  const itemGuid = sec(model, S_ITEM_GUID);
  const mark = xs(scratch, X_MARK);
  const rows = xs(scratch, X_ROWS);
  const u = xs(scratch, X_U);

  const nRows = matchRows(model, scratch, nHashes);
  for (let f = 0; f < F; f++) store<f64>(u + (<usize>f << 3), 0.0);
  for (let i = 0; i < nRows; i++) {
    const r = load<i32>(rows + (<usize>i << 2));
    for (let f = 0; f < F; f++) {
      const p = u + (<usize>f << 3);
      store<f64>(p, load<f64>(p) + load<f64>(featAt(feat, F, r, f)));
    }
  }

  const scores = xs(scratch, X_SEL_W);
  scoreRows(feat, u, F, nItems, scores);
  const n = collectCandidates(scratch, scores, nItems, itemGuid, mark);
  for (let i = 0; i < nRows; i++) store<u8>(mark + <usize>load<i32>(rows + (<usize>i << 2)), 0);
  return selectTop(scratch, n, k, candLo, candHi, ordered != 0);
}
