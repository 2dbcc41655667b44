/**
 * Packed bundle: the model region of a shared memory written to one file, so a restart maps a model
 * version with one read instead of decoding and packing JSON again.
 *
 *   0   u32 magic 'RSCB'      4  u32 bundle format    8  u32 layout version   12 u32 JSON length
 *   16  f64 model bytes       24 32 bytes sha256 of the model bytes           56 8 bytes reserved
 *   64  JSON {version, source, createdAt} padded to 8 bytes
 *   …   model bytes = memory[MODEL_BASE, MODEL_BASE + modelBytes), verbatim (offsets are absolute)
 */
import { createHash } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';
import { ModelError, RecscoreError } from '../../errors.js';
import type { ModelKind, ServableModel } from '../kind.js';
import { modelKind } from '../kinds/index.js';
// Memory-wide constants (page size, where model regions start, the memory's maximum), the same for every kind.
import * as L from '../kinds/taar/layout.js';

const BUNDLE_MAGIC = 0x42435352; // 'RSCB'
const BUNDLE_FORMAT = 1;
const PREFIX = 64;

export interface BundleInfo {
  version: string;
  source: string;
  createdAt: string;
}

const pad8 = (n: number) => Math.ceil(n / 8) * 8;

export async function writeBundle(model: ServableModel, file: string, source: string): Promise<number> {
  const info: BundleInfo = { version: model.version, source, createdAt: new Date().toISOString() };
  const json = Buffer.from(JSON.stringify(info), 'utf8');
  const body = new Uint8Array(model.memory.buffer as unknown as ArrayBuffer, L.MODEL_BASE, model.modelBytes);
  const prefix = Buffer.alloc(PREFIX + pad8(json.length));
  prefix.writeUInt32LE(BUNDLE_MAGIC, 0);
  prefix.writeUInt32LE(BUNDLE_FORMAT, 4);
  prefix.writeUInt32LE(modelKind(model.kind).layoutVersion, 8);
  prefix.writeUInt32LE(json.length, 12);
  prefix.writeDoubleLE(model.modelBytes, 16);
  createHash('sha256').update(body).digest().copy(prefix, 24);
  json.copy(prefix, PREFIX);
  const tmp = `${file}.${process.pid}.tmp`;
  const fh = await open(tmp, 'w');
  try {
    await fh.write(prefix);
    await fh.write(body);
  } finally {
    await fh.close();
  }
  await rename(tmp, file).catch(async (e) => {
    await rm(tmp, { force: true });
    throw e;
  });
  return prefix.length + body.length;
}

/** Reads a bundle of `kind` (its layout version must match; the kind's `open` checks the header's magic). */
export async function readBundle<M extends ServableModel>(
  file: string,
  kind: ModelKind<M>,
): Promise<{ model: M; info: BundleInfo }> {
  const bad = (problem: string) => new ModelError('RECSCORE_BUNDLE_INVALID', file, problem);
  const fh = await open(file, 'r');
  try {
    const head = Buffer.alloc(PREFIX);
    if ((await fh.read(head, 0, PREFIX, 0)).bytesRead < PREFIX) throw bad('shorter than the bundle header');
    if (head.readUInt32LE(0) !== BUNDLE_MAGIC) throw bad('not a recscore bundle (bad magic)');
    if (head.readUInt32LE(4) !== BUNDLE_FORMAT || head.readUInt32LE(8) !== kind.layoutVersion) {
      const found = `${head.readUInt32LE(4)}/layout ${head.readUInt32LE(8)}`;
      throw bad(`bundle format ${found}, this build reads ${BUNDLE_FORMAT}/${kind.layoutVersion} (${kind.name})`);
    }
    const jsonLen = head.readUInt32LE(12);
    const modelBytes = head.readDoubleLE(16);
    if (
      !Number.isInteger(modelBytes) ||
      modelBytes <= 0 ||
      modelBytes % L.PAGE !== 0 ||
      L.MODEL_BASE + modelBytes > L.MAX_PAGES * L.PAGE
    )
      throw bad(`implausible model size ${modelBytes}`);
    const json = Buffer.alloc(jsonLen);
    await fh.read(json, 0, jsonLen, PREFIX);
    const info = JSON.parse(json.toString('utf8')) as BundleInfo;
    const memory = new WebAssembly.Memory({
      initial: (L.MODEL_BASE + modelBytes) / L.PAGE,
      maximum: L.MAX_PAGES,
      shared: true,
    });
    // Read straight into the shared memory: no intermediate copy of a large model.
    const body = new Uint8Array(memory.buffer as unknown as ArrayBuffer, L.MODEL_BASE, modelBytes);
    let at = 0;
    const start = PREFIX + pad8(jsonLen);
    while (at < modelBytes) {
      const { bytesRead } = await fh.read(body, at, Math.min(modelBytes - at, 1 << 30), start + at);
      if (bytesRead === 0) throw bad(`truncated: ${at} of ${modelBytes} model bytes`);
      at += bytesRead;
    }
    if (!createHash('sha256').update(body).digest().equals(head.subarray(24, 56))) throw bad('checksum mismatch');
    const model = kind.open({ kind: kind.name, memory });
    if (model.version !== info.version) throw bad(`header names version ${info.version}, model says ${model.version}`);
    return { model, info };
  } catch (e) {
    if (e instanceof RecscoreError) throw e;
    throw new ModelError('RECSCORE_BUNDLE_INVALID', file, (e as Error).message, { cause: e });
  } finally {
    await fh.close();
  }
}
