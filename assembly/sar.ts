// SAR scoring kernel: pure functions over a packed SAR model image (src/kinds/sar/pack/layout.ts) placed
// at `base` in one shared memory, and a per-instance scratch region. It never allocates: JS owns every byte.
// The sums run in the TypeScript reference's order (affinity row ascending, then the similarity row),
// so results are bit-identical to it (test/sar/kernel-differential.test.ts).
//
// Scratch layout (set by `setup`, all 8-aligned): SCORES f64[m] | UNIT f64[m] | MASK u8[m8] |
// HEAP_IDX i32[k8] | HEAP_VAL f64[kMax] | OUT_IDX i32[k8] | OUT_VAL f64[kMax] | IN_COLS i32[in8] |
// IN_VALS f64[maxIn] | IN_UNIT f64[maxIn]

// Mirrors of src/kinds/sar/pack/layout.ts (checked by the differential test).
export const SAR_MAGIC: u32 = 0x4d524153;
export const SAR_FORMAT_VERSION: u32 = 1;
const H_N_ITEMS: usize = 4;
const SECTION_TABLE: usize = 128;
const S_SIM_VALS: usize = 0;
const S_AFF_VALS: usize = 1;
const S_AFF_UNIT: usize = 2;
const S_SIM_ROW: usize = 4;
const S_SIM_COLS: usize = 5;
const S_AFF_ROW: usize = 6;
const S_AFF_COLS: usize = 7;
const F_RATING_MIN: usize = 12;
const F_RATING_MAX: usize = 13;

export const FLAG_REMOVE_SEEN: i32 = 1;
export const FLAG_NORMALIZE: i32 = 2;

let m: i32 = 0;
let simVals: usize = 0;
let simRow: usize = 0;
let simCols: usize = 0;
let affVals: usize = 0;
let affUnit: usize = 0;
let affRow: usize = 0;
let affCols: usize = 0;
let rmin: f64 = 0;
let rmax: f64 = 0;
let scores: usize = 0;
let unitScores: usize = 0;
let mask: usize = 0;
let heapIdx: usize = 0;
let heapVal: usize = 0;
let outIdx: usize = 0;
let outVal: usize = 0;
let inCols: usize = 0;
let inVals: usize = 0;
let inUnit: usize = 0;
let kMax: i32 = 0;

@inline function a8(n: usize): usize { return (n + 7) & ~(<usize>7); }
@inline function sec(base: usize, i: usize): usize { return base + <usize>load<u32>(base + SECTION_TABLE + 8 * i); }
@inline function f64At(p: usize, i: i32): f64 { return load<f64>(p + (<usize>i << 3)); }
@inline function i32At(p: usize, i: i32): i32 { return load<i32>(p + (<usize>i << 2)); }
@inline function u32At(p: usize, i: i32): i32 { return <i32>load<u32>(p + (<usize>i << 2)); }

/** Binds this instance to a model and its scratch; returns the scratch bytes needed (0 if not a model). */
export function setup(base: usize, scratch: usize, kMaximum: i32, maxIn: i32): usize {
  if (load<u32>(base) != SAR_MAGIC || load<u32>(base + 4) != SAR_FORMAT_VERSION) return 0;
  m = <i32>load<u32>(base + 4 * H_N_ITEMS);
  simVals = sec(base, S_SIM_VALS);
  affVals = sec(base, S_AFF_VALS);
  affUnit = sec(base, S_AFF_UNIT);
  simRow = sec(base, S_SIM_ROW);
  simCols = sec(base, S_SIM_COLS);
  affRow = sec(base, S_AFF_ROW);
  affCols = sec(base, S_AFF_COLS);
  rmin = load<f64>(base + 8 * F_RATING_MIN);
  rmax = load<f64>(base + 8 * F_RATING_MAX);
  kMax = kMaximum;
  const mm = <usize>m;
  scores = scratch;
  unitScores = scores + 8 * mm;
  mask = unitScores + 8 * mm;
  heapIdx = mask + a8(mm);
  heapVal = heapIdx + a8(4 * <usize>kMax);
  outIdx = heapVal + 8 * <usize>kMax;
  outVal = outIdx + a8(4 * <usize>kMax);
  inCols = outVal + 8 * <usize>kMax;
  inVals = inCols + a8(4 * <usize>maxIn);
  inUnit = inVals + 8 * <usize>maxIn;
  return inUnit + 8 * <usize>maxIn - scratch;
}

export function outIdxAddr(): usize { return outIdx; }
export function outValAddr(): usize { return outVal; }
export function inColsAddr(): usize { return inCols; }
export function inValsAddr(): usize { return inVals; }
export function inUnitAddr(): usize { return inUnit; }

/** out = Σ_t vals[t] · S[cols[t], ·] (out zeroed first). */
function product(cols: usize, vals: usize, n: i32, out: usize): void {
  memory.fill(out, 0, 8 * <usize>m);
  for (let t = 0; t < n; t++) {
    const i = i32At(cols, t);
    const a = f64At(vals, t);
    const end = u32At(simRow, i + 1);
    for (let k = u32At(simRow, i); k < end; k++) {
      const p = out + (<usize>i32At(simCols, k) << 3);
      store<f64>(p, load<f64>(p) + a * f64At(simVals, k));
    }
  }
}

/** PY's rescale (src/kinds/sar/score/product.ts normalizeScores), same operation order. */
function normalize(): void {
  let cmin = Infinity;
  let cmax = -Infinity;
  for (let j = 0; j < m; j++) {
    const c = f64At(unitScores, j);
    if (c < cmin) cmin = c;
    if (c > cmax) cmax = c;
  }
  const lo = cmin * rmin;
  const hi = cmax * rmax;
  const range = hi - lo;
  if (range == 0) return;
  const span = rmax - rmin;
  for (let j = 0; j < m; j++) {
    const p = scores + (<usize>j << 3);
    store<f64>(p, ((load<f64>(p) - lo) / range) * span + rmin);
  }
}

// Bounded heap whose root is the worst kept entry; "worse" = lower score, or equal score and larger
// index (ties go to the smaller item index = smaller id). NaN scores never enter.
@inline function worse(va: f64, ia: i32, vb: f64, ib: i32): bool { return va < vb || (va == vb && ia > ib); }

function siftDown(i: i32, n: i32): void {
  const id = i32At(heapIdx, i);
  const v = f64At(heapVal, i);
  while (true) {
    let c = 2 * i + 1;
    if (c >= n) break;
    if (c + 1 < n && worse(f64At(heapVal, c + 1), i32At(heapIdx, c + 1), f64At(heapVal, c), i32At(heapIdx, c))) c++;
    if (!worse(f64At(heapVal, c), i32At(heapIdx, c), v, id)) break;
    store<i32>(heapIdx + (<usize>i << 2), i32At(heapIdx, c));
    store<f64>(heapVal + (<usize>i << 3), f64At(heapVal, c));
    i = c;
  }
  store<i32>(heapIdx + (<usize>i << 2), id);
  store<f64>(heapVal + (<usize>i << 3), v);
}

/** Top-k of SCORES over unmasked items into OUT (best first); returns the count. */
function selectTop(k: i32, useMask: bool): i32 {
  if (k > kMax) k = kMax;
  let n = 0;
  for (let j = 0; j < m; j++) {
    if (useMask && load<u8>(mask + <usize>j) != 0) continue;
    const s = f64At(scores, j);
    if (s != s) continue;
    if (n < k) {
      let i = n++;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if (!worse(s, j, f64At(heapVal, parent), i32At(heapIdx, parent))) break;
        store<i32>(heapIdx + (<usize>i << 2), i32At(heapIdx, parent));
        store<f64>(heapVal + (<usize>i << 3), f64At(heapVal, parent));
        i = parent;
      }
      store<i32>(heapIdx + (<usize>i << 2), j);
      store<f64>(heapVal + (<usize>i << 3), s);
    } else if (k > 0 && worse(load<f64>(heapVal), load<i32>(heapIdx), s, j)) {
      store<i32>(heapIdx, j);
      store<f64>(heapVal, s);
      siftDown(0, n);
    }
  }
  for (let r = n; r > 0; ) {
    r--;
    store<i32>(outIdx + (<usize>r << 2), load<i32>(heapIdx));
    store<f64>(outVal + (<usize>r << 3), load<f64>(heapVal));
    store<i32>(heapIdx, i32At(heapIdx, r));
    store<f64>(heapVal, f64At(heapVal, r));
    siftDown(0, r);
  }
  return n;
}

function finish(cols: usize, n: i32, k: i32, flags: i32): i32 {
  if (flags & FLAG_NORMALIZE) normalize();
  const removeSeen = (flags & FLAG_REMOVE_SEEN) != 0;
  if (removeSeen) {
    memory.fill(mask, 0, <usize>m);
    for (let t = 0; t < n; t++) store<u8>(mask + <usize>i32At(cols, t), 1);
  }
  return selectTop(k, removeSeen);
}

/** Personalised top-k of training user u (its stored affinity row). */
export function recommendUser(u: i32, k: i32, flags: i32): i32 {
  const start = u32At(affRow, u);
  const n = u32At(affRow, u + 1) - start;
  const cols = affCols + (<usize>start << 2);
  product(cols, affVals + (<usize>start << 3), n, scores);
  if (flags & FLAG_NORMALIZE) product(cols, affUnit + (<usize>start << 3), n, unitScores);
  return finish(cols, n, k, flags);
}

/**
 * Top-k for an affinity row written to IN_COLS / IN_VALS (/ IN_UNIT when normalizing), cols ascending:
 * posted events, or item-based seeds (FLAG_REMOVE_SEEN then excludes the seeds).
 */
export function recommendRow(n: i32, k: i32, flags: i32): i32 {
  product(inCols, inVals, n, scores);
  if (flags & FLAG_NORMALIZE) product(inCols, inUnit, n, unitScores);
  return finish(inCols, n, k, flags);
}

/** End of the kernel's static data: a model image must start at or after it. */
export function heapBase(): usize {
  return __heap_base;
}
