/**
 * MurmurHash64A (Austin Appleby), the hash Redis's HyperLogLog applies to every element, with Redis's seed
 * (0xadc83b19). Same bytes in, same 64 bits out as Redis on a little-endian machine, so a sketch built here
 * has the registers `PFADD` would set: the two can be merged and compared.
 *
 * 64-bit arithmetic runs on 32-bit halves (BigInt costs ~20× more per element); the result is returned as
 * two unsigned 32-bit halves. test/events/hll-murmur.test.ts checks it against a BigInt transcription.
 */
export const REDIS_HLL_SEED = 0xadc83b19;

const M_HI = 0xc6a4a793;
const M_LO = 0x5bd1e995;
const M_LO_0 = M_LO & 0xffff;
const M_LO_1 = M_LO >>> 16;

/** The result of the last hash: written in place to avoid an allocation per element. */
export interface Hash64 {
  hi: number;
  lo: number;
}

let hHi = 0;
let hLo = 0;

// (hHi:hLo) = low 64 bits of (aHi:aLo) × M, returned through the module variables. Integer steps only
// (16-bit halves, every sum exact in a double below 2^53): no `%` or division, which cost a call each.
// Halves are kept as signed int32 (`| 0`), unsigned only in the result: an unsigned half above 2^31 is
// not a small integer, and every store of one to a module variable allocated a heap number.
function mulM(aHi: number, aLo: number): void {
  const a0 = aLo & 0xffff;
  const a1 = aLo >>> 16;
  const p01 = a0 * M_LO_1; // < 2^32
  const p10 = a1 * M_LO_0; // < 2^32
  const low = a0 * M_LO_0 + ((p01 & 0xffff) + (p10 & 0xffff)) * 65536; // < 2^34
  const carry = (low / 4294967296) | 0; // 0..3
  const hi = a1 * M_LO_1 + (p01 >>> 16) + (p10 >>> 16) + carry; // < 2^33
  hLo = low | 0;
  hHi = (hi + Math.imul(aHi, M_LO) + Math.imul(aLo, M_HI)) | 0;
}

/**
 * MurmurHash64A of `data` (its first `len` bytes) with `seed` (a 32-bit unsigned value, as Redis's
 * `unsigned int`).
 */
export function murmur64a(
  data: Uint8Array,
  seed: number = REDIS_HLL_SEED,
  out: Hash64 = { hi: 0, lo: 0 },
  len: number = data.length,
): Hash64 {
  // h = seed ^ (len * m); len < 2^31 so len*m fits the same 32-bit-halves multiply.
  mulM(0, len | 0);
  let h1 = hHi; // seed is 32-bit: it only touches the low half
  let h0 = (hLo ^ seed) | 0;
  const blocks = len - (len & 7);
  let i = 0;
  for (; i < blocks; i += 8) {
    const kLo = data[i] | (data[i + 1] << 8) | (data[i + 2] << 16) | (data[i + 3] << 24) | 0;
    const kHi = data[i + 4] | (data[i + 5] << 8) | (data[i + 6] << 16) | (data[i + 7] << 24) | 0;
    mulM(kHi, kLo);
    // k ^= k >> 47: only bits 47..63 (in the high half) move down, into the low half.
    let k1 = hHi;
    let k0 = (hLo ^ (hHi >>> 15)) | 0;
    mulM(k1, k0);
    k1 = hHi;
    k0 = hLo;
    h1 = (h1 ^ k1) | 0;
    h0 = (h0 ^ k0) | 0;
    mulM(h1, h0);
    h1 = hHi;
    h0 = hLo;
  }
  const rest = len & 7;
  if (rest > 0) {
    for (let j = rest - 1; j >= 0; j--) {
      const b = data[i + j];
      if (j >= 4) h1 = (h1 ^ (b << ((j - 4) * 8))) | 0;
      else h0 = (h0 ^ (b << (j * 8))) | 0;
    }
    mulM(h1, h0);
    h1 = hHi;
    h0 = hLo;
  }
  h0 = (h0 ^ (h1 >>> 15)) | 0;
  mulM(h1, h0);
  h1 = hHi;
  h0 = hLo;
  h0 = (h0 ^ (h1 >>> 15)) | 0;
  out.hi = h1 >>> 0;
  out.lo = h0 >>> 0;
  return out;
}
