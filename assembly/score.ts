// One request's ensemble in one call, for the worker's draw and top-list requests: collaborative,
// similarity and locale lists straight into the ensemble's input region, then the ensemble — what
// src/recommend/score-client.ts does with one limit and its lists read as sets, without a JS round trip
// (and its copies and allocations) per list.
import {
  IN_LIST_IDS, IN_LIST_OFFS, IN_LIST_W, OUT_IDS, OUT_W, S_LOCALE_GUID, S_LOCALE_OFFS, S_LOCALE_W, sec, xs,
} from './layout';
import { collaborative } from './collaborative';
import { ensemble } from './ensemble';
import { similarity } from './similarity';

/** Bits of scoreSets' flags (the low 4 bits of its answer); the first three equal protocol.ts CONTRIB_*. */
export const SETS_COLLABORATIVE: i32 = 1;
export const SETS_SIMILARITY: i32 = 2;
export const SETS_LOCALE: i32 = 4;
export const SETS_SIMILARITY_FAILED: i32 = 8;
/** The lists do not fit the ensemble's input region: the caller takes the general path. */
export const SETS_TOO_LONG: i32 = -1;

/** Copies `n` entries to the ensemble input from entry `at` on. */
@inline function append(dstIds: usize, dstW: usize, at: i32, ids: usize, w: usize, n: i32): void {
  for (let i = 0; i < n; i++) {
    store<i32>(dstIds + (<usize>(at + i) << 2), load<i32>(ids + (<usize>i << 2)));
    store<f64>(dstW + (<usize>(at + i) << 3), load<f64>(w + (<usize>i << 3)));
  }
}

/**
 * Inputs as for collaborative (IN_HASHES), similarity (IN_CONT, IN_CAT) and ensemble (IN_INSTALLED,
 * IN_LIST_COEF: the model's three coefficients); `ext` = limit + installed count (each list's length, and
 * the ensemble's per-list cut), `k` the same clamped to the GUID count + 1 for the two kernels; `cap` the
 * capacity of IN_LIST_IDS; `localeList` −1 when the locale recommender cannot recommend. Output:
 * OUT_IDS/OUT_W, best first; returns count << 4 | flags, or SETS_TOO_LONG.
 */
export function scoreSets(
  model: usize,
  scratch: usize,
  nHashes: i32,
  canCollaborative: i32,
  simOk: i32,
  localeList: i32,
  k: i32,
  ext: i32,
  nInstalled: i32,
  limit: i32,
  cap: i32,
): i32 {
  const offs = xs(scratch, IN_LIST_OFFS);
  const ids = xs(scratch, IN_LIST_IDS);
  const ws = xs(scratch, IN_LIST_W);
  const outIds = xs(scratch, OUT_IDS);
  const outW = xs(scratch, OUT_W);
  let flags = 0;
  let at = 0;
  store<i32>(offs, 0);
  if (canCollaborative) {
    const n = collaborative(model, scratch, nHashes, k, 0);
    append(ids, ws, at, outIds, outW, n);
    at += n;
    flags |= SETS_COLLABORATIVE;
  }
  store<i32>(offs, at, 4);
  if (simOk) {
    const n = similarity(model, scratch, k, 0);
    if (n < 0) flags |= SETS_SIMILARITY_FAILED;
    else {
      append(ids, ws, at, outIds, outW, n);
      at += n;
      flags |= SETS_SIMILARITY;
    }
  }
  store<i32>(offs, at, 8);
  if (localeList >= 0) {
    const lo = sec(model, S_LOCALE_OFFS) + (<usize>localeList << 2);
    const a = load<u32>(lo);
    const b = min(load<u32>(lo, 4), a + <u32>ext);
    const n = <i32>(b - a);
    if (at + n > cap) return SETS_TOO_LONG;
    append(ids, ws, at, sec(model, S_LOCALE_GUID) + (<usize>a << 2), sec(model, S_LOCALE_W) + (<usize>a << 3), n);
    at += n;
    flags |= SETS_LOCALE;
  }
  store<i32>(offs, at, 12);
  return (ensemble(model, scratch, ext, nInstalled, limit) << 4) | flags;
}
