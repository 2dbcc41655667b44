/**
 * A packed SAR image → SarModel whose numeric arrays are views into the image (no copies). Everything a
 * scorer will index is checked first — magic, version, size, sha256, section bounds and alignment, CSR
 * shapes — so a bad file fails here with RECSCORE_BUNDLE_INVALID, never as an out-of-range read later.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { RecscoreError } from '../../../../errors.js';
import { SIMILARITY_TYPES, type Csr, type SarModel, type SarParams, type SarStats } from '../types.js';
import * as L from './layout.js';
import { checksum } from './pack.js';

function bad(problem: string): never {
  throw new RecscoreError('RECSCORE_BUNDLE_INVALID', `SAR model: ${problem}`);
}

/**
 * `image` must start on an 8-byte boundary of its buffer (readModelFile guarantees it). `trusted`: an
 * image another thread already unpacked in full (a pool worker's view of a served version) skips the
 * checksum and CSR scans and decodes the id tables only on first use; bounds and shapes are still checked.
 */
export function unpackModel(image: Uint8Array, opts: { verifyChecksum?: boolean; trusted?: boolean } = {}): SarModel {
  if (image.byteOffset % 8 !== 0) bad('image is not 8-byte aligned');
  if (image.length < L.HEADER_BYTES) bad(`${image.length} bytes is shorter than the header`);
  const u32 = new Uint32Array(image.buffer, image.byteOffset, L.HEADER_BYTES / 4);
  const f64 = new Float64Array(image.buffer, image.byteOffset, L.HEADER_BYTES / 8);
  if (u32[L.H_MAGIC] !== L.SAR_MAGIC) bad('not a packed SAR model (magic)');
  if (u32[L.H_VERSION] !== L.SAR_FORMAT_VERSION)
    bad(`format version ${u32[L.H_VERSION]}, this build reads ${L.SAR_FORMAT_VERSION}`);
  if (u32[L.H_HEADER_BYTES] !== L.HEADER_BYTES) bad('header size');
  if (u32[L.H_FILE_BYTES] !== image.length)
    bad(`truncated or padded: header says ${u32[L.H_FILE_BYTES]} bytes, got ${image.length}`);
  if (opts.verifyChecksum !== false && !opts.trusted) {
    const want = image.subarray(L.CHECKSUM_OFFSET, L.CHECKSUM_OFFSET + L.CHECKSUM_BYTES);
    const got = checksum(image);
    if (!got.every((b, i) => b === want[i])) bad('sha256 checksum mismatch (corrupt file)');
  }
  const m = u32[L.H_N_ITEMS];
  const n = u32[L.H_N_USERS];
  const simNnz = u32[L.H_SIM_NNZ];
  const affNnz = u32[L.H_AFF_NNZ];
  const expectLen: Partial<Record<L.SectionName, number>> = {
    SIM_VALS: simNnz * 8,
    AFF_VALS: affNnz * 8,
    AFF_UNIT: affNnz * 8,
    ITEM_FREQ: m * 8,
    SIM_ROW: (m + 1) * 4,
    SIM_COLS: simNnz * 4,
    AFF_ROW: (n + 1) * 4,
    AFF_COLS: affNnz * 4,
    ITEM_OFFS: (m + 1) * 4,
    USER_OFFS: (n + 1) * 4,
  };
  const section = <T>(
    name: L.SectionName,
    make: (buf: ArrayBufferLike, off: number, len: number) => T,
    width: number,
  ): T => {
    const i = L.SECTION_INDEX[name];
    const off = u32[L.SECTION_TABLE_OFFSET / 4 + 2 * i];
    const len = u32[L.SECTION_TABLE_OFFSET / 4 + 2 * i + 1];
    if (off < L.HEADER_BYTES || off % 8 !== 0 || off + len > image.length) bad(`section ${name} out of bounds`);
    if (expectLen[name] !== undefined && expectLen[name] !== len)
      bad(`section ${name} has ${len} bytes, expected ${expectLen[name]}`);
    return make(image.buffer, image.byteOffset + off, len / width);
  };
  const F64 = (b: ArrayBufferLike, o: number, l: number) => new Float64Array(b, o, l);
  const U32 = (b: ArrayBufferLike, o: number, l: number) => new Uint32Array(b, o, l);
  const I32 = (b: ArrayBufferLike, o: number, l: number) => new Int32Array(b, o, l);
  const U8 = (b: ArrayBufferLike, o: number, l: number) => new Uint8Array(b, o, l);
  const sim: Csr = {
    rowPtr: section('SIM_ROW', U32, 4),
    cols: section('SIM_COLS', I32, 4),
    vals: section('SIM_VALS', F64, 8),
  };
  const aff: Csr = {
    rowPtr: section('AFF_ROW', U32, 4),
    cols: section('AFF_COLS', I32, 4),
    vals: section('AFF_VALS', F64, 8),
  };
  if (!opts.trusted) {
    checkCsr('similarity', sim, m);
    checkCsr('affinity', aff, m);
  }
  const itemIds = () => decodeIds('item', section('ITEM_OFFS', U32, 4), section('ITEM_STR', U8, 1));
  const userIds = () => decodeIds('user', section('USER_OFFS', U32, 4), section('USER_STR', U8, 1));
  const info = JSON.parse(utf8(section('STATS_JSON', U8, 1))) as { stats: SarStats };
  const simType = SIMILARITY_TYPES[u32[L.P_SIMILARITY]] ?? bad(`similarity code ${u32[L.P_SIMILARITY]}`);
  const params: SarParams = {
    similarity: simType,
    threshold: u32[L.P_THRESHOLD],
    unit: u32[L.P_UNIT] === 1 ? 'timestamp' : 'user',
  };
  if (u32[L.P_DECAY] === 1) params.decayHalfLifeDays = f64[L.F_HALF_LIFE];
  if (info.stats.referenceTime !== f64[L.F_REFERENCE_TIME] && !Number.isNaN(f64[L.F_REFERENCE_TIME]))
    bad('statistics disagree with the header');
  const model: SarModel = {
    params,
    items: [],
    users: [],
    sim,
    aff,
    affUnit: section('AFF_UNIT', F64, 8),
    itemFreq: section('ITEM_FREQ', F64, 8),
    stats: {
      ...info.stats,
      ratingMin: f64[L.F_RATING_MIN],
      ratingMax: f64[L.F_RATING_MAX],
      referenceTime: f64[L.F_REFERENCE_TIME],
    },
  };
  if (!opts.trusted) {
    model.items = itemIds();
    model.users = userIds();
    return model;
  }
  let items: string[] | undefined;
  let users: string[] | undefined;
  return Object.defineProperties(model, {
    items: { get: () => (items ??= itemIds()), enumerable: true },
    users: { get: () => (users ??= userIds()), enumerable: true },
  });
}

/** The STATS_JSON section (training statistics and the parse report), parsed; not needed to score. */
export function modelInfo(image: Uint8Array): Record<string, unknown> {
  const u32 = new Uint32Array(image.buffer, image.byteOffset, L.HEADER_BYTES / 4);
  const i = L.SECTION_TABLE_OFFSET / 4 + 2 * L.SECTION_INDEX.STATS_JSON;
  return JSON.parse(utf8(image.subarray(u32[i], u32[i] + u32[i + 1]))) as Record<string, unknown>;
}

/**
 * Reads a model file with one read into a SharedArrayBuffer (so worker threads can share it without a
 * copy) and unpacks it.
 */
export function readModelFile(path: string): { model: SarModel; image: Uint8Array } {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    throw new RecscoreError(
      'RECSCORE_MODEL_MISSING',
      `cannot open SAR model ${path}: ${(e as NodeJS.ErrnoException).code ?? e}`,
    );
  }
  try {
    const size = fstatSync(fd).size;
    const image = new Uint8Array(new SharedArrayBuffer(size));
    let got = 0;
    while (got < size) {
      const r = readSync(fd, image, got, size - got, got);
      if (r === 0) break;
      got += r;
    }
    if (got !== size) bad(`${path}: short read`);
    return { model: unpackModel(image), image };
  } finally {
    closeSync(fd);
  }
}

function checkCsr(what: string, csr: Csr, nCols: number): void {
  const rows = csr.rowPtr.length - 1;
  if (csr.rowPtr[0] !== 0 || csr.rowPtr[rows] !== csr.cols.length)
    bad(`${what} CSR row pointers do not span the entries`);
  for (let r = 0; r < rows; r++)
    if (csr.rowPtr[r + 1] < csr.rowPtr[r]) bad(`${what} CSR row ${r} ends before it starts`);
  for (let k = 0; k < csr.cols.length; k++)
    if (csr.cols[k] < 0 || csr.cols[k] >= nCols) bad(`${what} CSR column out of range`);
}

function decodeIds(what: string, offs: Uint32Array, str: Uint8Array): string[] {
  const out = new Array<string>(offs.length - 1);
  for (let i = 0; i + 1 < offs.length; i++) {
    if (offs[i + 1] < offs[i] || offs[i + 1] > str.length) bad(`${what} id table offsets`);
    out[i] = utf8(str.subarray(offs[i], offs[i + 1]));
    if (i > 0 && !(out[i - 1] < out[i])) bad(`${what} ids are not strictly sorted`);
  }
  return out;
}

/** Buffer decodes views of a SharedArrayBuffer (TextDecoder may refuse shared memory). */
function utf8(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
}
