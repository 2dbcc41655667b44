/**
 * Redis's on-disk/in-memory HyperLogLog string (hyperloglog.c), so sketches travel both ways: the bytes of a
 * Redis key (`GET`) decode into registers here, and a serialized embedded sketch can be `SET` into Redis and
 * read by `PFCOUNT`/`PFMERGE`.
 *
 *   header (16 bytes): "HYLL" | encoding (0 dense, 1 sparse) | 3 unused | 8-byte cached cardinality
 *                      (little-endian; bit 7 of the last byte set = cache invalid)
 *   dense:  16384 registers of 6 bits, packed little-endian-first, 12,288 bytes
 *   sparse: opcodes ZERO 00xxxxxx (xxxxxx+1 zero registers), XZERO 01xxxxxx yyyyyyyy (14-bit length+1 zeros),
 *           VAL 1vvvvvxx (xx+1 registers of value vvvvv+1)
 */
import { RecscoreError } from '../../errors.js';
import { HLL_REGISTERS } from './estimate.js';

const HDR = 16;
const DENSE_BYTES = (HLL_REGISTERS * 6 + 7) >> 3;
export const REDIS_DENSE_SIZE = HDR + DENSE_BYTES;

function bad(problem: string): RecscoreError {
  return new RecscoreError('RECSCORE_BAD_SKETCH', `HyperLogLog bytes: ${problem}`);
}

/** Registers (one byte each, 16384 of them) of a Redis HLL string, dense or sparse. */
export function decodeRedisHll(buf: Uint8Array): Uint8Array {
  if (buf.length < HDR || buf[0] !== 0x48 || buf[1] !== 0x59 || buf[2] !== 0x4c || buf[3] !== 0x4c)
    throw bad('no HYLL header');
  const regs = new Uint8Array(HLL_REGISTERS);
  if (buf[4] === 0) {
    if (buf.length !== REDIS_DENSE_SIZE) throw bad(`dense size ${buf.length}, expected ${REDIS_DENSE_SIZE}`);
    for (let r = 0; r < HLL_REGISTERS; r++) {
      const bit = r * 6;
      const byte = HDR + (bit >> 3);
      const fb = bit & 7;
      const b0 = buf[byte];
      const b1 = byte + 1 < buf.length ? buf[byte + 1] : 0;
      regs[r] = ((b0 >> fb) | (b1 << (8 - fb))) & 63;
    }
    return regs;
  }
  if (buf[4] !== 1) throw bad(`unknown encoding ${buf[4]}`);
  let idx = 0;
  for (let p = HDR; p < buf.length; ) {
    const op = buf[p];
    let run: number;
    if ((op & 0xc0) === 0) {
      run = (op & 0x3f) + 1;
      p += 1;
    } else if ((op & 0xc0) === 0x40) {
      if (p + 1 >= buf.length) throw bad('truncated XZERO');
      run = (((op & 0x3f) << 8) | buf[p + 1]) + 1;
      p += 2;
    } else {
      run = (op & 0x3) + 1;
      const val = ((op >> 2) & 0x1f) + 1;
      if (idx + run > HLL_REGISTERS) throw bad('sparse runs pass the last register');
      regs.fill(val, idx, idx + run);
      p += 1;
    }
    idx += run;
    if (idx > HLL_REGISTERS) throw bad('sparse runs pass the last register');
  }
  if (idx !== HLL_REGISTERS) throw bad(`sparse runs cover ${idx} registers, not ${HLL_REGISTERS}`);
  return regs;
}

/** The dense Redis string of `regs` (cached cardinality marked invalid, so Redis recomputes it). */
export function encodeRedisDense(regs: Uint8Array): Uint8Array {
  const out = new Uint8Array(REDIS_DENSE_SIZE);
  out.set([0x48, 0x59, 0x4c, 0x4c, 0, 0, 0, 0]);
  out[15] = 0x80;
  for (let r = 0; r < HLL_REGISTERS; r++) {
    const v = regs[r];
    if (v === 0) continue;
    const bit = r * 6;
    const byte = HDR + (bit >> 3);
    const fb = bit & 7;
    out[byte] |= (v << fb) & 0xff;
    if (fb > 2) out[byte + 1] |= v >> (8 - fb);
  }
  return out;
}
