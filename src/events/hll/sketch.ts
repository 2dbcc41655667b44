/**
 * A HyperLogLog sketch with Redis's parameters and register rule (p = 14, 6-bit registers; hllPatLen):
 * index = low 14 bits of MurmurHash64A(element), rank = 1 + number of trailing zeros of the other 50 bits
 * (51 when all are zero). The same element sets the same register here and in Redis, so counts agree with
 * PFCOUNT and sketches merge with Redis's (union = register-wise max).
 *
 * Memory: a sketch starts sparse (a sorted Uint32Array of index<<6|rank, 4 bytes per set register) and turns
 * dense (one byte per register, 16 KiB) past SPARSE_MAX entries, so the many small per-item / per-segment
 * sketches of a day cost what they hold.
 */
import { RecscoreError } from '../../errors.js';
import { HLL_Q, HLL_REGISTERS, estimateFromHistogram } from './estimate.js';
import { murmur64a, REDIS_HLL_SEED, type Hash64 } from './murmur64a.js';
import { decodeRedisHll, encodeRedisDense } from './redis-format.js';

const SPARSE_MAX = 2048; // 8 KiB sparse; beyond that a dense array is both smaller per entry and O(1)
const encoder = new TextEncoder();
let scratch = new Uint8Array(256);
const hashOut: Hash64 = { hi: 0, lo: 0 };

/** Register index and rank of an element, as Redis's hllPatLen computes them. */
export interface Position {
  index: number;
  rank: number;
}

function ctz32(w: number): number {
  return 31 - Math.clz32(w & -w);
}

/** Hashes `id`'s UTF-8 bytes; returns index * 64 + rank (one number: no allocation per element). */
export function positionOf(id: string): number {
  const n = id.length;
  if (n * 3 > scratch.length) scratch = new Uint8Array(n * 3);
  // Client ids are ASCII in practice: their UTF-8 bytes are their char codes, without a call into
  // TextEncoder (about half of this function's cost, run for every event and served answer).
  let written = n;
  for (let i = 0; i < n; i++) {
    const c = id.charCodeAt(i);
    if (c >= 0x80) {
      written = encoder.encodeInto(id, scratch).written;
      break;
    }
    scratch[i] = c;
  }
  const h = murmur64a(scratch, REDIS_HLL_SEED, hashOut, written);
  return positionOfHash(h.hi, h.lo);
}

export function positionOfHash(hi: number, lo: number): number {
  const index = lo & (HLL_REGISTERS - 1);
  const w = ((lo >>> 14) | (hi << 18)) >>> 0; // hash bits 14..45
  let rank: number;
  if (w !== 0) rank = ctz32(w) + 1;
  else {
    const top = hi >>> 14; // hash bits 46..63
    rank = top !== 0 ? 32 + ctz32(top) + 1 : HLL_Q + 1;
  }
  return index * 64 + rank;
}

export class HllSketch {
  #sparse: Uint32Array | null = new Uint32Array(8);
  #n = 0; // used entries of #sparse
  #dense: Uint8Array | null = null;

  /** Adds an element (a client id): true when a register changed. */
  add(id: string): boolean {
    return this.addPosition(positionOf(id));
  }

  /** Adds a precomputed positionOf() value (hash once, add to many sketches). */
  addPosition(pos: number): boolean {
    const index = pos >>> 6;
    const rank = pos & 63;
    if (this.#dense) {
      if (this.#dense[index] >= rank) return false;
      this.#dense[index] = rank;
      return true;
    }
    return this.#addSparse(index, rank);
  }

  #addSparse(index: number, rank: number): boolean {
    const a = this.#sparse!;
    let lo = 0;
    let hi = this.#n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (a[mid] >>> 6 < index) lo = mid + 1;
      else hi = mid;
    }
    if (lo < this.#n && a[lo] >>> 6 === index) {
      if ((a[lo] & 63) >= rank) return false;
      a[lo] = index * 64 + rank;
      return true;
    }
    if (this.#n === SPARSE_MAX) {
      this.#toDense();
      this.#dense![index] = rank;
      return true;
    }
    let arr = a;
    if (this.#n === a.length) {
      arr = new Uint32Array(Math.min(a.length * 2, SPARSE_MAX));
      arr.set(a);
      this.#sparse = arr;
    }
    arr.copyWithin(lo + 1, lo, this.#n);
    arr[lo] = index * 64 + rank;
    this.#n++;
    return true;
  }

  #toDense(): void {
    const d = new Uint8Array(HLL_REGISTERS);
    const a = this.#sparse!;
    for (let i = 0; i < this.#n; i++) d[a[i] >>> 6] = a[i] & 63;
    this.#dense = d;
    this.#sparse = null;
    this.#n = 0;
  }

  /** Union in place: each register becomes the larger of the two. */
  merge(other: HllSketch | Uint8Array): this {
    if (other instanceof HllSketch && other.#sparse) {
      for (let i = 0; i < other.#n; i++) this.addPosition(other.#sparse[i]);
      return this;
    }
    const regs = other instanceof HllSketch ? other.#dense! : other;
    if (!this.#dense) this.#toDense();
    const d = this.#dense!;
    for (let r = 0; r < HLL_REGISTERS; r++) if (regs[r] > d[r]) d[r] = regs[r];
    return this;
  }

  /** Cardinality estimate; equals Redis's PFCOUNT for the same registers. */
  count(): number {
    const hist = new Float64Array(HLL_Q + 2);
    if (this.#dense) for (let r = 0; r < HLL_REGISTERS; r++) hist[this.#dense[r]]++;
    else {
      hist[0] = HLL_REGISTERS - this.#n;
      for (let i = 0; i < this.#n; i++) hist[this.#sparse![i] & 63]++;
    }
    return estimateFromHistogram(hist);
  }

  /** A copy of the 16384 registers, one byte each. */
  registers(): Uint8Array {
    if (this.#dense) return this.#dense.slice();
    const d = new Uint8Array(HLL_REGISTERS);
    for (let i = 0; i < this.#n; i++) d[this.#sparse![i] >>> 6] = this.#sparse![i] & 63;
    return d;
  }

  /** Bytes held by the register storage (what a day's sketches cost in memory, without object overhead). */
  get bytes(): number {
    return this.#dense ? this.#dense.byteLength : this.#sparse!.byteLength;
  }

  /** Redis's dense string: byte-compatible with a Redis HLL key (`SET` it, then `PFCOUNT`). */
  toBytes(): Uint8Array {
    return encodeRedisDense(this.registers());
  }

  /** From a Redis HLL string (dense or sparse), e.g. the value of `GET key` or of toBytes(). */
  static fromBytes(buf: Uint8Array): HllSketch {
    return HllSketch.fromRegisters(decodeRedisHll(buf));
  }

  /** Compact bytes for the embedded snapshot: 0 + sparse entries (4 bytes LE each), or 1 + 16384 registers. */
  toCompact(): Uint8Array {
    if (this.#dense) {
      const out = new Uint8Array(1 + HLL_REGISTERS);
      out[0] = 1;
      out.set(this.#dense, 1);
      return out;
    }
    const out = new Uint8Array(1 + this.#n * 4);
    const view = new DataView(out.buffer);
    for (let i = 0; i < this.#n; i++) view.setUint32(1 + i * 4, this.#sparse![i], true);
    return out;
  }

  static fromCompact(buf: Uint8Array): HllSketch {
    if (buf[0] === 1 && buf.length === 1 + HLL_REGISTERS) return HllSketch.fromRegisters(buf.subarray(1));
    if (buf[0] !== 0 || (buf.length - 1) % 4 !== 0)
      throw new RecscoreError('RECSCORE_BAD_SKETCH', 'compact sketch bytes');
    const s = new HllSketch();
    const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    for (let i = 1; i < buf.length; i += 4) {
      const pos = view.getUint32(i, true);
      if ((pos & 63) === 0 || (pos & 63) > HLL_Q + 1 || pos >>> 6 >= HLL_REGISTERS) {
        throw new RecscoreError('RECSCORE_BAD_SKETCH', 'compact sketch entry out of range');
      }
      s.addPosition(pos);
    }
    return s;
  }

  static fromRegisters(regs: Uint8Array): HllSketch {
    const s = new HllSketch();
    for (let r = 0; r < HLL_REGISTERS; r++) if (regs[r] !== 0) s.addPosition(r * 64 + Math.min(regs[r], HLL_Q + 1));
    return s;
  }

  /** Estimated size of the union, the sketches left unchanged. */
  static unionCount(sketches: Iterable<HllSketch>): number {
    const u = new HllSketch();
    for (const s of sketches) u.merge(s);
    return u.count();
  }
}
