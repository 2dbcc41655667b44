// Collaborative recommender (SPEC §6.1): user vector = sum of the factor rows whose id is the hash of an
// installed add-on (row order), score = dot(user, row) for every recommendable row not installed,
// top k by score with ties in item-matrix file order. Sums are sequential float64, exactly as TAAR's
// reference-BLAS products, so results are bit-identical.
import {
  H_HT_MASK, H_N_FACTORS, H_N_ITEMS, IN_HASHES, S_HT_KEY, S_HT_ROW, S_ITEM_FEAT, S_ITEM_GUID,
  X_MARK, X_ROWS, X_U, info, sec, xs,
} from './layout';
import { heapDrain, heapPush, heapReset } from './topk';

/** Must equal itemSlot() in src/model/pack.ts: multiplicative hashing of the 23-bit id. */
@inline export function itemSlot(hash: i32, mask: i32): i32 {
  return <i32>((<u32>hash * 0x9e3779b1) >>> 7) & mask;
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

  heapReset(scratch, k);
  const rowBytes = <usize>F << 3;
  let row = feat;
  for (let r = 0; r < nItems; r++, row += rowBytes) {
    const g = load<i32>(itemGuid + (<usize>r << 2));
    if (g < 0 || load<u8>(mark + <usize>r) != 0) continue;
    let s = 0.0;
    for (let f = 0; f < F; f++) s += load<f64>(u + (<usize>f << 3)) * load<f64>(row + (<usize>f << 3));
    heapPush(g, s, r);
  }
  for (let i = 0; i < nRows; i++) store<u8>(mark + <usize>load<i32>(rows + (<usize>i << 2)), 0);
  return heapDrain(scratch);
}
