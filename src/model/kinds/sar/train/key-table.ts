/**
 * Open-addressing hash table from a key (a: int32, b: float64) to a dense id 0, 1, 2, … in insertion
 * order. It holds (user, item) pairs and (user, timestamp) baskets: a JS Map of composite string keys
 * would cost ~100 bytes per entry, this costs ~40 at load 0.5.
 */
const F = new Float64Array(1);
const U = new Uint32Array(F.buffer);

function hash(a: number, b: number): number {
  F[0] = b;
  let h = Math.imul(a ^ 0x9e3779b9, 0x85ebca6b) ^ U[0];
  h = Math.imul(h ^ (h >>> 15), 0xc2b2ae35) ^ U[1];
  h = Math.imul(h ^ (h >>> 13), 0x27d4eb2f);
  return (h ^ (h >>> 16)) >>> 0;
}

export class KeyTable {
  private slots: Int32Array; // id + 1, 0 = empty
  private mask: number;
  private ka: Int32Array;
  private kb: Float64Array;
  size = 0;

  constructor(capacity = 1 << 12) {
    let cap = 16;
    while (cap < capacity * 2) cap *= 2;
    this.slots = new Int32Array(cap);
    this.mask = cap - 1;
    this.ka = new Int32Array(capacity);
    this.kb = new Float64Array(capacity);
  }

  /** The id of (a, b), inserting it when absent; `isNew` tells which happened. */
  idOf(a: number, b: number): number {
    let s = hash(a, b) & this.mask;
    for (;;) {
      const v = this.slots[s];
      if (v === 0) break;
      if (this.ka[v - 1] === a && this.kb[v - 1] === b) {
        this.isNew = false;
        return v - 1;
      }
      s = (s + 1) & this.mask;
    }
    const id = this.size++;
    if (id === this.ka.length) this.growKeys();
    this.ka[id] = a;
    this.kb[id] = b;
    this.slots[s] = id + 1;
    if (this.size * 2 > this.slots.length) this.rehash();
    this.isNew = true;
    return id;
  }
  isNew = false;

  keyA(id: number): number {
    return this.ka[id];
  }
  keyB(id: number): number {
    return this.kb[id];
  }

  private growKeys(): void {
    const ka = new Int32Array(this.ka.length * 2);
    ka.set(this.ka);
    const kb = new Float64Array(this.kb.length * 2);
    kb.set(this.kb);
    this.ka = ka;
    this.kb = kb;
  }

  private rehash(): void {
    const slots = new Int32Array(this.slots.length * 2);
    const mask = slots.length - 1;
    for (let id = 0; id < this.size; id++) {
      let s = hash(this.ka[id], this.kb[id]) & mask;
      while (slots[s] !== 0) s = (s + 1) & mask;
      slots[s] = id + 1;
    }
    this.slots = slots;
    this.mask = mask;
  }
}
