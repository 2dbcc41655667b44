/**
 * SAR's model region in a shared WebAssembly.Memory (the model-kind seam, src/model/kind.ts):
 *
 *   MODEL_BASE                        the `.sarm` image, byte for byte (pack/layout.ts): its header's first
 *                                     two u32 are the kind's magic ('SARM') and layout (format) version
 *   MODEL_BASE + align8(file bytes)   u32 version length, then the version id in UTF-8 (not in the image:
 *                                     the image is what training wrote, the version is where it was served from)
 *   MODEL_BASE + modelBytes           page aligned; the kernel instances' scratch regions follow (memory.grow)
 *
 * The packer writes the region before any thread sees the memory; afterwards everyone only reads it, so
 * every worker's SarKernel runs over the same bytes with no copy, as TAAR's kernels do.
 */
import { RecscoreError } from '../../../errors.js';
import type { ServableModel } from '../../kind.js';
// Memory-wide constants (page size, where model regions start, the memory's maximum), the same for every kind.
import { MAX_PAGES, MODEL_BASE, PAGE } from '../taar/layout.js';
import * as L from './pack/layout.js';
import { unpackModel } from './pack/unpack.js';
import type { SarModel } from './types.js';

/** SAR's name in the per-kind tables (src/model/kinds/index.ts, src/dispatch/kinds.ts, the worker). */
export const SAR = 'sar';

const versionAt = (fileBytes: number) => MODEL_BASE + L.align8(fileBytes);

/** A fresh shared memory holding `image` and `version` as above; `fill` writes the image in place. */
export function sarMemory(fileBytes: number, version: string, fill: (image: Uint8Array) => void): WebAssembly.Memory {
  const v = Buffer.from(version, 'utf8');
  const end = versionAt(fileBytes) + 4 + v.length;
  const memory = new WebAssembly.Memory({ initial: Math.ceil(end / PAGE), maximum: MAX_PAGES, shared: true });
  const buf = memory.buffer as unknown as ArrayBuffer;
  fill(new Uint8Array(buf, MODEL_BASE, fileBytes));
  new DataView(buf).setUint32(versionAt(fileBytes), v.length, true);
  new Uint8Array(buf, versionAt(fileBytes) + 4, v.length).set(v);
  return memory;
}

export class SarPackedModel implements ServableModel {
  readonly kind = SAR;
  readonly version: string;
  readonly modelBytes: number;
  /** The unpacked model: typed-array views into `memory` (the reference scorers and SarKernel read it). */
  readonly model: SarModel;

  /** `trusted`: the image was checked in full by the thread that packed or opened it (pool workers). */
  constructor(
    readonly memory: WebAssembly.Memory,
    opts: { verifyChecksum?: boolean; trusted?: boolean } = {},
  ) {
    const buf = memory.buffer as unknown as ArrayBuffer;
    if (buf.byteLength < MODEL_BASE + L.HEADER_BYTES) bad('memory is smaller than a SAR header');
    const head = new Uint32Array(buf, MODEL_BASE, L.HEADER_BYTES / 4);
    if (head[L.H_MAGIC] !== L.SAR_MAGIC || head[L.H_VERSION] !== L.SAR_FORMAT_VERSION)
      bad(`magic ${head[L.H_MAGIC]} / layout ${head[L.H_VERSION]}, expected ${L.SAR_MAGIC} / ${L.SAR_FORMAT_VERSION}`);
    const fileBytes = head[L.H_FILE_BYTES];
    const at = versionAt(fileBytes);
    if (at + 4 > buf.byteLength) bad('image runs past the memory');
    const vlen = new DataView(buf).getUint32(at, true);
    if (at + 4 + vlen > buf.byteLength) bad('version runs past the memory');
    this.version = Buffer.from(buf, at + 4, vlen).toString('utf8');
    this.modelBytes = Math.ceil((at + 4 + vlen - MODEL_BASE) / PAGE) * PAGE;
    this.model = unpackModel(new Uint8Array(buf, MODEL_BASE, fileBytes), opts);
  }
}

function bad(problem: string): never {
  throw new RecscoreError('RECSCORE_BUNDLE_INVALID', `packed SAR model: ${problem}`);
}
