/**
 * SarModel → one packed file image (layout.ts): sections copied in order, header filled, sha256 last.
 * `writeModel` writes it beside the target and renames, so a reader never sees half a model.
 */
import { createHash } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import { SIMILARITY_TYPES, type SarModel } from '../types.js';
import * as L from './layout.js';

type Bytes = Uint8Array;

export function packModel(model: SarModel, extraStats: Record<string, unknown> = {}): Uint8Array {
  const enc = new TextEncoder();
  const strings = (ids: string[]) => {
    const parts = ids.map((s) => enc.encode(s));
    const offs = new Uint32Array(ids.length + 1);
    parts.forEach((p, i) => (offs[i + 1] = offs[i] + p.length));
    const str = new Uint8Array(offs[ids.length]);
    parts.forEach((p, i) => str.set(p, offs[i]));
    return { offs, str };
  };
  const items = strings(model.items);
  const users = strings(model.users);
  const stats = enc.encode(JSON.stringify({ params: model.params, stats: model.stats, ...extraStats }));
  const bytesOf = (a: ArrayBufferView): Bytes => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  const content: Record<L.SectionName, Bytes> = {
    SIM_VALS: bytesOf(model.sim.vals),
    AFF_VALS: bytesOf(model.aff.vals),
    AFF_UNIT: bytesOf(model.affUnit),
    ITEM_FREQ: bytesOf(model.itemFreq),
    SIM_ROW: bytesOf(model.sim.rowPtr),
    SIM_COLS: bytesOf(model.sim.cols),
    AFF_ROW: bytesOf(model.aff.rowPtr),
    AFF_COLS: bytesOf(model.aff.cols),
    ITEM_OFFS: bytesOf(items.offs),
    ITEM_STR: items.str,
    USER_OFFS: bytesOf(users.offs),
    USER_STR: users.str,
    STATS_JSON: stats,
  };
  let size = L.HEADER_BYTES;
  const offsets = L.SECTIONS.map(([name]) => {
    const at = size;
    size = L.align8(size + content[name].length);
    return at;
  });
  if (size > 0xffffffff) throw new RangeError(`packed SAR model would be ${size} bytes (over 4 GiB)`);
  const out = new Uint8Array(size);
  const u32 = new Uint32Array(out.buffer, 0, L.HEADER_BYTES / 4);
  const f64 = new Float64Array(out.buffer, 0, L.HEADER_BYTES / 8);
  L.SECTIONS.forEach(([name], i) => {
    out.set(content[name], offsets[i]);
    u32[L.SECTION_TABLE_OFFSET / 4 + 2 * i] = offsets[i];
    u32[L.SECTION_TABLE_OFFSET / 4 + 2 * i + 1] = content[name].length;
  });
  u32[L.H_MAGIC] = L.SAR_MAGIC;
  u32[L.H_VERSION] = L.SAR_FORMAT_VERSION;
  u32[L.H_HEADER_BYTES] = L.HEADER_BYTES;
  u32[L.H_FILE_BYTES] = size;
  u32[L.H_N_ITEMS] = model.items.length;
  u32[L.H_N_USERS] = model.users.length;
  u32[L.H_SIM_NNZ] = model.sim.cols.length;
  u32[L.H_AFF_NNZ] = model.aff.cols.length;
  const p = model.params;
  u32[L.P_SIMILARITY] = SIMILARITY_TYPES.indexOf(p.similarity);
  u32[L.P_THRESHOLD] = p.threshold;
  u32[L.P_UNIT] = p.unit === 'timestamp' ? 1 : 0;
  u32[L.P_DECAY] = p.decayHalfLifeDays === undefined ? 0 : 1;
  f64[L.F_HALF_LIFE] = p.decayHalfLifeDays ?? NaN;
  f64[L.F_REFERENCE_TIME] = model.stats.referenceTime;
  f64[L.F_RATING_MIN] = model.stats.ratingMin;
  f64[L.F_RATING_MAX] = model.stats.ratingMax;
  f64[L.F_EVENTS] = model.stats.events;
  f64[L.F_UNITS] = model.stats.units;
  out.set(checksum(out), L.CHECKSUM_OFFSET);
  return out;
}

/** sha256 over the whole image except the checksum field itself. */
export function checksum(image: Uint8Array): Uint8Array {
  const h = createHash('sha256');
  h.update(image.subarray(0, L.CHECKSUM_OFFSET));
  h.update(image.subarray(L.CHECKSUM_OFFSET + L.CHECKSUM_BYTES));
  return new Uint8Array(h.digest());
}

export async function writeModel(path: string, model: SarModel, extraStats?: Record<string, unknown>): Promise<number> {
  const image = packModel(model, extraStats);
  const tmp = `${path}.tmp-${process.pid}`;
  await fsp.writeFile(tmp, image);
  await fsp.rename(tmp, path);
  return image.length;
}
