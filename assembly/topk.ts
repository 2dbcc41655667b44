// Bounded selection of the k best (weight, pos) pairs without sorting everything: a binary heap of
// size k whose root is the WORST kept entry, then an in-place heapsort of the survivors.
// Order (SPEC §10.3): higher weight first; equal weights by lower `pos` (file order or GUID rank),
// which is what Python's stable sort(reverse=True) over pos-ordered input produces.
import { X_HEAP_ID, X_HEAP_POS, X_HEAP_W, OUT_IDS, OUT_W, xs } from './layout';

@inline function worse(wa: f64, pa: i32, wb: f64, pb: i32): bool {
  return wa < wb || (wa == wb && pa > pb);
}

let hid: usize = 0;
let hw: usize = 0;
let hp: usize = 0;
let hsize: i32 = 0;
let hcap: i32 = 0;

// Module globals are per instance (not in shared memory), so each worker's heap state is its own.
export function heapReset(scratch: usize, k: i32): void {
  hid = xs(scratch, X_HEAP_ID);
  hw = xs(scratch, X_HEAP_W);
  hp = xs(scratch, X_HEAP_POS);
  hsize = 0;
  hcap = k;
}

@inline function at4(base: usize, i: i32): usize { return base + (<usize>i << 2); }
@inline function at8(base: usize, i: i32): usize { return base + (<usize>i << 3); }

function siftDown(i: i32, n: i32): void {
  const id = load<i32>(at4(hid, i));
  const w = load<f64>(at8(hw, i));
  const p = load<i32>(at4(hp, i));
  while (true) {
    let c = 2 * i + 1;
    if (c >= n) break;
    // pick the worse child: the root must stay the worst entry
    if (
      c + 1 < n &&
      worse(load<f64>(at8(hw, c + 1)), load<i32>(at4(hp, c + 1)), load<f64>(at8(hw, c)), load<i32>(at4(hp, c)))
    )
      c++;
    if (!worse(load<f64>(at8(hw, c)), load<i32>(at4(hp, c)), w, p)) break;
    store<i32>(at4(hid, i), load<i32>(at4(hid, c)));
    store<f64>(at8(hw, i), load<f64>(at8(hw, c)));
    store<i32>(at4(hp, i), load<i32>(at4(hp, c)));
    i = c;
  }
  store<i32>(at4(hid, i), id);
  store<f64>(at8(hw, i), w);
  store<i32>(at4(hp, i), p);
}

export function heapPush(id: i32, w: f64, pos: i32): void {
  if (hcap <= 0) return;
  if (hsize < hcap) {
    // sift up
    let i = hsize++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!worse(w, pos, load<f64>(at8(hw, parent)), load<i32>(at4(hp, parent)))) break;
      store<i32>(at4(hid, i), load<i32>(at4(hid, parent)));
      store<f64>(at8(hw, i), load<f64>(at8(hw, parent)));
      store<i32>(at4(hp, i), load<i32>(at4(hp, parent)));
      i = parent;
    }
    store<i32>(at4(hid, i), id);
    store<f64>(at8(hw, i), w);
    store<i32>(at4(hp, i), pos);
    return;
  }
  if (!worse(load<f64>(hw), load<i32>(hp), w, pos)) return; // not better than the worst kept
  store<i32>(hid, id);
  store<f64>(hw, w);
  store<i32>(hp, pos);
  siftDown(0, hsize);
}

/** Writes the kept entries best-first to OUT_IDS / OUT_W and returns their number. */
export function heapDrain(scratch: usize): i32 {
  const outIds = xs(scratch, OUT_IDS);
  const outW = xs(scratch, OUT_W);
  const n = hsize;
  let m = n;
  while (m > 0) {
    // the root is the worst of the remaining: it goes to the back
    m--;
    store<i32>(at4(outIds, m), load<i32>(hid));
    store<f64>(at8(outW, m), load<f64>(hw));
    store<i32>(hid, load<i32>(at4(hid, m)));
    store<f64>(hw, load<f64>(at8(hw, m)));
    store<i32>(hp, load<i32>(at4(hp, m)));
    siftDown(0, m);
  }
  hsize = 0;
  return n;
}
