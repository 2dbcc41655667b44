/**
 * The JavaScript side of one packed model version: typed views over its sections plus what only JS
 * needs (GUID strings, the GUID → id map, dictionaries from META). Built once per version on the main
 * thread; workers use only the memory and the header (src/kernel/wasm-kernel.ts). TAAR's view of its
 * kind (kind.ts).
 */
import { RecscoreError } from '../../../errors.js';
import * as L from './layout.js';
import type { ServableModel } from '../../kind.js';
import type { PackedMeta } from './pack-meta.js';

/** TAAR's name in the per-kind tables (src/model/kinds/index.ts, src/dispatch/kinds.ts, the worker). */
export const TAAR = 'taar';

export class PackedModel implements ServableModel {
  readonly kind = TAAR;
  readonly memory: WebAssembly.Memory;
  readonly header: Uint32Array;
  readonly meta: PackedMeta;
  #guids: string[] | undefined;
  #guidIds: Map<string, number> | undefined;
  #categoricalIds: Map<string, number> | undefined;
  #localeIndex: Map<string, number> | undefined;
  /** Views are created once; the model region never moves (memory growth only appends). */
  readonly rank: Int32Array;
  readonly localeOffs: Uint32Array;
  readonly localeGuid: Int32Array;
  readonly localeW: Float64Array;
  readonly ranking: Float64Array;

  constructor(memory: WebAssembly.Memory, known?: { meta: PackedMeta; guids: string[] }) {
    this.memory = memory;
    const buf = memory.buffer as unknown as ArrayBuffer;
    this.header = new Uint32Array(buf, L.MODEL_BASE, L.HEADER_BYTES / 4);
    if (this.header[L.H_MAGIC] !== L.MAGIC || this.header[L.H_LAYOUT_VERSION] !== L.LAYOUT_VERSION) {
      throw new RecscoreError(
        'RECSCORE_BUNDLE_INVALID',
        `packed model has magic ${this.header[L.H_MAGIC]} / layout ${this.header[L.H_LAYOUT_VERSION]}, ` +
          `expected ${L.MAGIC} / ${L.LAYOUT_VERSION}`,
      );
    }
    this.meta =
      known?.meta ?? JSON.parse(Buffer.from(buf, this.addr('META'), this.header[L.H_META_BYTES]).toString('utf8'));
    this.#guids = known?.guids;
    this.rank = this.i32('GUID_RANK', this.nGuids);
    this.localeOffs = new Uint32Array(buf, this.addr('LOCALE_OFFS'), this.meta.locales.length + 1);
    const nLocale = this.localeOffs[this.meta.locales.length];
    this.localeGuid = this.i32('LOCALE_GUID', nLocale);
    this.localeW = this.f64('LOCALE_W', nLocale);
    this.ranking = this.f64('LITE_RANKING', this.nGuids);
  }

  // The string side is built on first use: workers score on ids and never need it.
  get guids(): string[] {
    return (this.#guids ??= this.decodeGuids());
  }
  get guidIds(): Map<string, number> {
    return (this.#guidIds ??= new Map(this.guids.map((g, i) => [g, i])));
  }
  get categoricalIds(): Map<string, number> {
    return (this.#categoricalIds ??= new Map(this.meta.categorical.map((k, i) => [k, i])));
  }
  get localeIndex(): Map<string, number> {
    return (this.#localeIndex ??= new Map(this.meta.locales.map((k, i) => [k, i])));
  }

  get version(): string {
    return this.meta.version;
  }
  get nGuids(): number {
    return this.header[L.H_N_GUIDS];
  }
  get nItems(): number {
    return this.header[L.H_N_ITEMS];
  }
  get nFactors(): number {
    return this.header[L.H_N_FACTORS];
  }
  get nDonors(): number {
    return this.header[L.H_N_DONORS];
  }
  get nLr(): number {
    return this.header[L.H_N_LR];
  }
  get modelBytes(): number {
    return this.header[L.H_MODEL_BYTES];
  }
  get dims(): L.ModelDims {
    return {
      nGuids: this.nGuids,
      nItems: this.nItems,
      nFactors: this.nFactors,
      nDonors: this.nDonors,
      nLr: this.nLr,
      maxLiteRow: this.header[L.H_MAX_LITE_ROW],
    };
  }

  addr(name: L.SectionName): number {
    return this.header[L.HEADER_INFO_SLOTS + L.SECTION_INDEX[name]];
  }
  i32(name: L.SectionName, n: number): Int32Array {
    return new Int32Array(this.memory.buffer as unknown as ArrayBuffer, this.addr(name), n);
  }
  u32(name: L.SectionName, n: number): Uint32Array {
    return new Uint32Array(this.memory.buffer as unknown as ArrayBuffer, this.addr(name), n);
  }
  f64(name: L.SectionName, n: number): Float64Array {
    return new Float64Array(this.memory.buffer as unknown as ArrayBuffer, this.addr(name), n);
  }

  /** GUID ids + weights (or the [from, to) slice of them) as TAAR's `[[guid, weight], …]`. */
  pairs(ids: ArrayLike<number>, weights: ArrayLike<number>, from = 0, to = ids.length): Array<[string, number]> {
    const guids = this.guids;
    const out = new Array<[string, number]>(to - from);
    for (let i = from; i < to; i++) out[i - from] = [guids[ids[i]], weights[i]];
    return out;
  }

  /** The locale's list as TAAR holds it after load (sorted), as GUID ids and weights. */
  localeList(locale: string): { ids: Int32Array; weights: Float64Array } | undefined {
    const i = this.localeIndex.get(locale);
    if (i === undefined) return undefined;
    const a = this.localeOffs[i];
    const b = this.localeOffs[i + 1];
    return { ids: this.localeGuid.subarray(a, b), weights: this.localeW.subarray(a, b) };
  }

  private decodeGuids(): string[] {
    const n = this.nGuids;
    const offs = this.u32('GUID_STR_OFFS', n + 1);
    const bytes = Buffer.from(this.memory.buffer as unknown as ArrayBuffer, this.addr('GUID_STR_BYTES'), offs[n]);
    const out = new Array<string>(n);
    for (let i = 0; i < n; i++) out[i] = bytes.toString('utf8', offs[i], offs[i + 1]);
    return out;
  }
}
