// Top-k of n candidates, best first by (weight desc, pos asc), as a bucket sort instead of a comparison
// heap. Candidates are binned by weight with a monotone map (a higher bin always holds strictly higher
// weights), whole bins are taken from the top until k candidates are covered, and only candidates that
// share a bin are compared exactly. The result equals the heap's (topk.ts) for every finite input;
// NaN and infinite weights, where the bins are meaningless, still go through the heap.
import { OUT_IDS, OUT_W, X_SEL_BIN, X_SEL_HIST, X_SEL_ID, X_SEL_ORDER, X_SEL_POS, X_SEL_W, xs } from './layout';
import { heapDrain, heapPush, heapReset } from './topk';

/** = SEL_MAX_BINS in src/model/kinds/taar/layout.ts (the size of X_SEL_HIST). */
const SEL_MAX_BINS: i32 = 4096;

// Addresses of the current call's arrays: module globals are per instance, like the heap's.
let sw: usize = 0;
let sp: usize = 0;
let so: usize = 0;

@inline function wOf(c: i32): f64 { return load<f64>(sw + (<usize>c << 3)); }
@inline function pOf(c: i32): i32 { return load<i32>(sp + (<usize>c << 2)); }
@inline function oAt(i: i32): i32 { return load<i32>(so + (<usize>i << 2)); }
@inline function oSet(i: i32, c: i32): void { store<i32>(so + (<usize>i << 2), c); }

@inline function before(wa: f64, pa: i32, wb: f64, pb: i32): bool {
  return wa > wb || (wa == wb && pa < pb);
}

/**
 * Puts the best `need` of ORDER[s..e) first, in order. A bin already in order (equal weights arrive in
 * position order, e.g. every collaborative score 0 when no installed add-on is in the matrix) costs one
 * scan; a few entries an insertion sort; more a bounded heap of `need`, then heapsort.
 */
function sortRange(s: i32, e: i32, need: i32): void {
  let ordered = true;
  for (let i = s + 1; i < e; i++) {
    const a = oAt(i - 1);
    const b = oAt(i);
    if (before(wOf(b), pOf(b), wOf(a), pOf(a))) { ordered = false; break; }
  }
  if (ordered) return;
  if (e - s <= 32) {
    insertionSort(s, e);
    return;
  }
  const n = need < e - s ? need : e - s;
  for (let i = (n >> 1) - 1; i >= 0; i--) siftWorst(s, i, n);
  for (let i = s + n; i < e; i++) {
    const c = oAt(i);
    const r = oAt(s);
    if (before(wOf(c), pOf(c), wOf(r), pOf(r))) {
      oSet(i, r);
      oSet(s, c);
      siftWorst(s, 0, n);
    }
  }
  for (let m = n - 1; m > 0; m--) {
    const t = oAt(s);
    oSet(s, oAt(s + m));
    oSet(s + m, t);
    siftWorst(s, 0, m);
  }
}

/** Insertion sort of ORDER[s..e) best first: linear in the entries plus their inversions. */
function insertionSort(s: i32, e: i32): void {
  for (let i = s + 1; i < e; i++) {
    const c = oAt(i);
    const w = wOf(c);
    const p = pOf(c);
    let j = i;
    while (j > s) {
      const d = oAt(j - 1);
      if (!before(w, p, wOf(d), pOf(d))) break;
      oSet(j, d);
      j--;
    }
    oSet(j, c);
  }
}

/** Heap over ORDER[base..base+n) whose root is the worst entry (heapsort then leaves best first). */
function siftWorst(base: i32, i: i32, n: i32): void {
  const c0 = oAt(base + i);
  const w = wOf(c0);
  const p = pOf(c0);
  while (true) {
    let ch = 2 * i + 1;
    if (ch >= n) break;
    let d = oAt(base + ch);
    if (ch + 1 < n) {
      const d2 = oAt(base + ch + 1);
      if (before(wOf(d), pOf(d), wOf(d2), pOf(d2))) { ch++; d = d2; }
    }
    if (!before(w, p, wOf(d), pOf(d))) break;
    oSet(base + i, d);
    i = ch;
  }
  oSet(base + i, c0);
}

function viaHeap(scratch: usize, n: i32, k: i32): i32 {
  const ids = xs(scratch, X_SEL_ID);
  heapReset(scratch, k);
  for (let c = 0; c < n; c++) heapPush(load<i32>(ids + (<usize>c << 2)), wOf(c), pOf(c));
  return heapDrain(scratch);
}

/**
 * The integer nearest to 0 ≤ v < 2^31: adding 1.5·2^52 leaves it in the low mantissa bits. V8's
 * truncating float-to-int conversions cost several times more.
 */
@inline export function roundSmall(v: f64): i32 {
  return <i32>reinterpret<i64>(v + 6755399441055744.0);
}

/** Bin d = top − min(top, round((w − lo)·scale)): monotone, so bin d < d' ⇒ weight > weight'. */
@inline function binOf(w: f64, lo: f64, scale: f64, top: i32): i32 {
  const b = roundSmall((w - lo) * scale);
  return top - select<i32>(top, b, b > top);
}

/**
 * Inputs: X_SEL_W/X_SEL_POS/X_SEL_ID[0..n) (positions distinct) and the weights' bounds (lo ≤ w ≤ hi
 * for every weight that is not NaN; callers track them while writing the candidates). Output:
 * OUT_IDS/OUT_W, best first when `ordered`, else the same min(n, k) entries in any order (the ensemble
 * reads a list whose GUIDs are distinct as a set); returns min(n, k).
 */
export function selectTop(scratch: usize, n: i32, k: i32, lo: f64, hi: f64, ordered: bool = true): i32 {
  sw = xs(scratch, X_SEL_W);
  sp = xs(scratch, X_SEL_POS);
  so = xs(scratch, X_SEL_ORDER);
  if (k > n) k = n;
  if (k <= 0) return 0;
  if (!ordered && k == n) return copyAll(scratch, n);
  const range = hi - lo;
  let nb = 16;
  while (nb < n && nb < SEL_MAX_BINS) nb <<= 1;
  const scale = range > 0 ? <f64>nb / range : 0.0;
  if (!isFinite(range) || !isFinite(scale)) return viaHeap(scratch, n, k);
  const top = nb - 1;
  const w0 = sw; // the hot loops below read a local: V8 reloads a module global on every use

  const hist = xs(scratch, X_SEL_HIST);
  // a plain loop: memory.fill on a shared memory is a slow runtime call in V8
  for (let b = 0; b < nb; b += 4) v128.store(hist + (<usize>b << 2), i32x4.splat(0));
  let nan = false;
  for (let c = 0; c < n; c++) {
    const w = load<f64>(w0 + (<usize>c << 3));
    nan |= w != w;
    const hp = hist + (<usize>binOf(w, lo, scale, top) << 2);
    store<i32>(hp, load<i32>(hp) + 1);
  }
  if (nan) return viaHeap(scratch, n, k);
  if (!ordered) return selectSet(scratch, n, k, lo, scale, top, hist);
  // the last bin needed, then the start of each needed bin; the largest needed bin picks the sort below
  let last = 0;
  let start = 0;
  let largest = 0;
  while (true) {
    const hp = hist + (<usize>last << 2);
    const cnt = load<i32>(hp);
    store<i32>(hp, start);
    start += cnt;
    largest = select<i32>(cnt, largest, cnt > largest);
    if (start >= k) break;
    last++;
  }
  // Whether a candidate is needed is a coin toss for the branch predictor, so the needed ones are first
  // compacted without a branch (into X_SEL_BIN, behind the read position), then placed bin by bin.
  const needed = xs(scratch, X_SEL_BIN);
  let m = 0;
  for (let c = 0; c < n; c++) {
    store<i32>(needed + (<usize>m << 2), c);
    m += <i32>(binOf(load<f64>(w0 + (<usize>c << 3)), lo, scale, top) <= last);
  }
  for (let i = 0; i < m; i++) {
    const c = load<i32>(needed + (<usize>i << 2));
    const hp = hist + (<usize>binOf(load<f64>(w0 + (<usize>c << 3)), lo, scale, top) << 2);
    const at = load<i32>(hp);
    oSet(at, c);
    store<i32>(hp, at + 1);
  }
  if (largest <= 48) {
    // Bins are small: one insertion sort over all needed candidates costs only the inversions inside
    // bins and no per-bin branch (many bins are empty when weights are skewed).
    insertionSort(0, start);
  } else {
    let s = 0;
    for (let d = 0; d <= last; d++) {
      const e = load<i32>(hist + (<usize>d << 2));
      if (e - s > 1) sortRange(s, e, k - s);
      s = e;
    }
  }

  const ids = xs(scratch, X_SEL_ID);
  const outIds = xs(scratch, OUT_IDS);
  const outW = xs(scratch, OUT_W);
  for (let i = 0; i < k; i++) {
    const c = oAt(i);
    store<i32>(outIds + (<usize>i << 2), load<i32>(ids + (<usize>c << 2)));
    store<f64>(outW + (<usize>i << 3), wOf(c));
  }
  return k;
}

/** Every candidate to OUT_IDS/OUT_W, in candidate order. */
function copyAll(scratch: usize, n: i32): i32 {
  const ids = xs(scratch, X_SEL_ID);
  const outIds = xs(scratch, OUT_IDS);
  const outW = xs(scratch, OUT_W);
  const w0 = sw;
  for (let c = 0; c < n; c++) {
    store<i32>(outIds + (<usize>c << 2), load<i32>(ids + (<usize>c << 2)));
    store<f64>(outW + (<usize>c << 3), load<f64>(w0 + (<usize>c << 3)));
  }
  return n;
}

/**
 * The best k of n (k < n) in any order, from the histogram of bins: every candidate of a bin before the
 * last needed one is in, written out in one pass without a branch; the last bin's candidates gather in
 * ORDER and only they are sorted, to take the best of them.
 */
function selectSet(scratch: usize, n: i32, k: i32, lo: f64, scale: f64, top: i32, hist: usize): i32 {
  let last = 0;
  let before = 0;
  while (true) {
    const cnt = load<i32>(hist + (<usize>last << 2));
    if (before + cnt >= k) break;
    before += cnt;
    last++;
  }
  const ids = xs(scratch, X_SEL_ID);
  const outIds = xs(scratch, OUT_IDS);
  const outW = xs(scratch, OUT_W);
  const w0 = sw;
  let m = 0;
  let t = 0;
  for (let c = 0; c < n; c++) {
    const w = load<f64>(w0 + (<usize>c << 3));
    const b = binOf(w, lo, scale, top);
    store<i32>(outIds + (<usize>m << 2), load<i32>(ids + (<usize>c << 2)));
    store<f64>(outW + (<usize>m << 3), w);
    m += <i32>(b < last);
    oSet(t, c);
    t += <i32>(b == last);
  }
  if (t > 1) sortRange(0, t, k - m);
  for (let i = 0; m < k; i++, m++) {
    const c = oAt(i);
    store<i32>(outIds + (<usize>m << 2), load<i32>(ids + (<usize>c << 2)));
    store<f64>(outW + (<usize>m << 3), wOf(c));
  }
  return k;
}
