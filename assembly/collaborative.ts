// Collaborative recommender (SPEC §6.1): user vector = sum of the factor rows whose id is the hash of an
// installed add-on (row order), score = dot(user, row) for every recommendable row not installed,
// top k by score with ties in item-matrix file order. Sums are sequential float64, exactly as TAAR's
// reference-BLAS products, so results are bit-identical.
import {
  H_HT_MASK, H_N_FACTORS, H_N_ITEMS, IN_HASHES, S_HT_KEY, S_HT_ROW, S_ITEM_FEAT, S_ITEM_GUID,
  X_MARK, X_ROWS, X_SEL_ID, X_SEL_POS, X_SEL_W, X_U, info, sec, xs,
} from './layout';
import { selectTop } from './select';

/** Must equal itemSlot() in src/model/pack.ts: multiplicative hashing of the 23-bit id. */
@inline export function itemSlot(hash: i32, mask: i32): i32 {
  return <i32>((<u32>hash * 0x9e3779b1) >>> 7) & mask;
}

let candW: usize = 0;
let candPos: usize = 0;
let candId: usize = 0;
let nCand: i32 = 0;
let candLo: f64 = 0;
let candHi: f64 = 0;

/** Row r's score becomes a candidate unless the row is never recommended or installed. */
@inline function offerRow(itemGuid: usize, mark: usize, r: i32, s: f64): void {
  const g = load<i32>(itemGuid + (<usize>r << 2));
  if (g >= 0 && load<u8>(mark + <usize>r) == 0) {
    const c = <usize>nCand;
    nCand++;
    store<f64>(candW + (c << 3), s);
    store<i32>(candPos + (c << 2), r);
    store<i32>(candId + (c << 2), g);
    if (s < candLo) candLo = s;
    if (s > candHi) candHi = s;
  }
}

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

/**
 * dot(u, row) for every row, four rows at a time (independent chains) straight from the shared row-major
 * matrix: each row's sum stays sequential in factor order, bit-equal to TAAR's reference-BLAS product.
 */
function scoreRows(feat: usize, u: usize, F: i32, nItems: i32, itemGuid: usize, mark: usize): void {
  const rowBytes = <usize>F << 3;
  const uEnd = u + rowBytes;
  let r = 0;
  let row = feat;
  for (; r + 4 <= nItems; r += 4, row += rowBytes << 2) {
    let s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0;
    let q = row;
    for (let p = u; p < uEnd; p += 8, q += 8) {
      const uf = load<f64>(p);
      s0 += uf * load<f64>(q);
      s1 += uf * load<f64>(q + rowBytes);
      s2 += uf * load<f64>(q + 2 * rowBytes);
      s3 += uf * load<f64>(q + 3 * rowBytes);
    }
    offerRow(itemGuid, mark, r, s0);
    offerRow(itemGuid, mark, r + 1, s1);
    offerRow(itemGuid, mark, r + 2, s2);
    offerRow(itemGuid, mark, r + 3, s3);
  }
  for (; r < nItems; r++, row += rowBytes) {
    let s = 0.0;
    let q = row;
    for (let p = u; p < uEnd; p += 8, q += 8) s += load<f64>(p) * load<f64>(q);
    offerRow(itemGuid, mark, r, s);
  }
}

/**
 * Inputs: IN_HASHES[0..nHashes) = positive_hash of each installed add-on. Output: OUT_IDS/OUT_W, best
 * first; returns the count (≤ k).
 */
export function collaborative(model: usize, scratch: usize, nHashes: i32, k: i32): i32 {
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
    const row = feat + ((<usize>load<i32>(rows + (<usize>i << 2)) * <usize>F) << 3);
    for (let f = 0; f < F; f++) {
      const p = u + (<usize>f << 3);
      store<f64>(p, load<f64>(p) + load<f64>(row + (<usize>f << 3)));
    }
  }

  candW = xs(scratch, X_SEL_W);
  candPos = xs(scratch, X_SEL_POS);
  candId = xs(scratch, X_SEL_ID);
  nCand = 0;
  candLo = Infinity;
  candHi = -Infinity;
  scoreRows(feat, u, F, nItems, itemGuid, mark);
  for (let i = 0; i < nRows; i++) store<u8>(mark + <usize>load<i32>(rows + (<usize>i << 2)), 0);
  return selectTop(scratch, nCand, k, candLo, candHi);
}
