// TAAR-lite (SPEC §6.6): normalise the query GUID's filtered, truncated co-installation row and keep the
// 2·limit best by weight (stable: row order on ties). Formatting of the rank strings and their final
// lexicographic sort happen in TypeScript (src/recommend/lite-rank.ts).
import {
  S_LITE_COUNTMAP, S_LITE_FILT_COUNT, S_LITE_FILT_GUID, S_LITE_FILT_OFFS, S_LITE_KEY_OF_GUID,
  S_LITE_REC2, S_LITE_ROWCOUNT, S_LITE_ROWNORMSUM, S_LITE_ROW_OFFS, X_LITE_G, X_LITE_W, sec, xs,
} from './layout';
import { heapDrain, heapPush, heapReset } from './topk';

export const MODE_NONE: i32 = 0;
export const MODE_ROW_COUNT: i32 = 1;
export const MODE_ROW_SUM: i32 = 2;
export const MODE_ROWNORM_SUM: i32 = 3;
export const MODE_GUIDCEPTION: i32 = 4;

@inline function f64At(base: usize, i: i32): f64 { return load<f64>(base + (<usize>i << 3)); }
@inline function i32At(base: usize, i: i32): i32 { return load<i32>(base + (<usize>i << 2)); }

/** Returns the number of results in OUT_IDS/OUT_W (≤ keep), best first. */
export function lite(model: usize, scratch: usize, keyGuid: i32, mode: i32, keep: i32): i32 {
  const slot = i32At(sec(model, S_LITE_KEY_OF_GUID), keyGuid);
  if (slot < 0) return 0;
  const offs = sec(model, S_LITE_FILT_OFFS);
  const a = load<u32>(offs + (<usize>slot << 2));
  const n = <i32>(load<u32>(offs + (<usize>(slot + 1) << 2)) - a);
  const rg = sec(model, S_LITE_FILT_GUID) + (<usize>a << 2);
  const rc = sec(model, S_LITE_FILT_COUNT) + (<usize>a << 3);
  const W = xs(scratch, X_LITE_W);
  const G = xs(scratch, X_LITE_G);
  let m = 0; // entries of W kept (rownorm_sum skips some)

  if (mode == MODE_NONE || mode == MODE_ROW_COUNT || mode == MODE_ROW_SUM) {
    const per = mode == MODE_ROW_COUNT ? sec(model, S_LITE_ROWCOUNT) : sec(model, S_LITE_COUNTMAP);
    for (let i = 0; i < n; i++) {
      const g = i32At(rg, i);
      const cnt = f64At(rc, i);
      store<i32>(G + (<usize>m << 2), g);
      store<f64>(W + (<usize>m << 3), mode == MODE_NONE ? cnt : cnt / f64At(per, g));
      m++;
    }
  } else {
    let total = 0.0;
    for (let i = 0; i < n; i++) total += f64At(rc, i);
    if (mode == MODE_ROWNORM_SUM) {
      const rowCount = sec(model, S_LITE_ROWCOUNT);
      const normSum = sec(model, S_LITE_ROWNORMSUM);
      for (let i = 0; i < n; i++) {
        const g = i32At(rg, i);
        const s = f64At(normSum, g);
        if (f64At(rowCount, g) == 0 || s == 0) continue; // TAAR skips GUIDs without row-norm data
        store<i32>(G + (<usize>m << 2), g);
        store<f64>(W + (<usize>m << 3), f64At(rc, i) / total / s);
        m++;
      }
    } else {
      // guidception, level 3 (dampener 1): each weight added |row| times, then each GUID that is itself a
      // key gets the values of its precomputed level-2 vector added one by one, then the row is normalised.
      for (let i = 0; i < n; i++) {
        store<i32>(G + (<usize>i << 2), i32At(rg, i));
        store<f64>(W + (<usize>i << 3), 0.0);
      }
      for (let rep = 0; rep < n; rep++) {
        for (let i = 0; i < n; i++) {
          const p = W + (<usize>i << 3);
          store<f64>(p, load<f64>(p) + f64At(rc, i) / total);
        }
      }
      const keyOf = sec(model, S_LITE_KEY_OF_GUID);
      const rowOffs = sec(model, S_LITE_ROW_OFFS);
      const rec2 = sec(model, S_LITE_REC2);
      for (let i = 0; i < n; i++) {
        const ks = i32At(keyOf, i32At(G, i));
        if (ks < 0) continue;
        const b0 = load<u32>(rowOffs + (<usize>ks << 2));
        const b1 = load<u32>(rowOffs + (<usize>(ks + 1) << 2));
        const p = W + (<usize>i << 3);
        for (let q = b0; q < b1; q++) store<f64>(p, load<f64>(p) + load<f64>(rec2 + (<usize>q << 3)));
      }
      let sum = 0.0;
      for (let i = 0; i < n; i++) sum += f64At(W, i);
      for (let i = 0; i < n; i++) store<f64>(W + (<usize>i << 3), f64At(W, i) / sum);
      m = n;
    }
  }

  heapReset(scratch, keep);
  for (let i = 0; i < m; i++) heapPush(i32At(G, i), f64At(W, i), i);
  return heapDrain(scratch);
}
