/**
 * The SAR WASM kernel (build/sar.wasm, from assembly/sar.ts) over a packed model image in a shared
 * WebAssembly.Memory: the image sits at MODEL_BASE (after the kernel's static data), each kernel instance
 * claims its own scratch with memory.grow() (atomic: concurrent workers get disjoint regions). Results
 * equal the TypeScript reference bit for bit (test/sar/kernel-differential.test.ts).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { RecscoreError } from '../../errors.js';
import type { SarModel } from '../../model/kinds/sar/types.js';
import { indexOf } from './lookup.js';
import { eventsAffinity, type PostedEvent, type RecOptions, type Top } from './personal.js';
import type { Seed } from './item-based.js';

const PAGE = 65536;
export const MODEL_BASE = PAGE;
export const FLAG_REMOVE_SEEN = 1;
export const FLAG_NORMALIZE = 2;
/** Default bounds of one instance's scratch: the longest top-k, the most distinct items in a posted row. */
export const DEFAULT_K_MAX = 1024;
export const DEFAULT_MAX_IN = 65536;

interface Exports {
  setup(base: number, scratch: number, kMax: number, maxIn: number): number;
  recommendUser(u: number, k: number, flags: number): number;
  recommendRow(n: number, k: number, flags: number): number;
  outIdxAddr(): number;
  outValAddr(): number;
  inColsAddr(): number;
  inValsAddr(): number;
  inUnitAddr(): number;
  heapBase(): number;
}

let compiled: WebAssembly.Module | undefined;
function sarModule(): WebAssembly.Module {
  compiled ??= new WebAssembly.Module(
    readFileSync(fileURLToPath(new URL('../../../../build/sar.wasm', import.meta.url))),
  );
  return compiled;
}

/** A shared memory holding `image` at MODEL_BASE: what a pool would hand to every worker. */
export function memoryWithModel(image: Uint8Array): WebAssembly.Memory {
  const pages = Math.ceil((MODEL_BASE + image.length) / PAGE);
  const memory = new WebAssembly.Memory({ initial: pages, maximum: 65536, shared: true });
  new Uint8Array(memory.buffer, MODEL_BASE, image.length).set(image);
  return memory;
}

export class SarKernel {
  readonly #ex: Exports;
  readonly kMax: number;
  readonly maxIn: number;
  // Views over this instance's fixed scratch slots, made once: growing the memory later (another
  // instance claiming scratch) leaves these bytes where they are.
  #outIdx!: Int32Array;
  #outVal!: Float64Array;
  #inCols!: Int32Array;
  #inVals!: Float64Array;
  #inUnit!: Float64Array;

  /** `model` is the unpacked view of the same image (ids and lookups stay in JS). */
  constructor(
    memory: WebAssembly.Memory,
    readonly model: SarModel,
    opts: { kMax?: number; maxIn?: number } = {},
  ) {
    this.kMax = opts.kMax ?? DEFAULT_K_MAX;
    this.maxIn = opts.maxIn ?? DEFAULT_MAX_IN;
    const instance = new WebAssembly.Instance(sarModule(), {
      env: {
        memory,
        abort: () => {
          throw new RecscoreError('RECSCORE_INTERNAL', 'SAR kernel abort');
        },
      },
    });
    this.#ex = instance.exports as unknown as Exports;
    if (this.#ex.heapBase() > MODEL_BASE)
      throw new RecscoreError('RECSCORE_INTERNAL', 'SAR kernel static data overlaps the model');
    const m = model.itemFreq.length; // not items.length: a pool worker's model decodes its ids lazily
    const need = 17 * m + 32 * this.kMax + 20 * this.maxIn + 64;
    const scratch = memory.grow(Math.ceil(need / PAGE)) * PAGE;
    if (this.#ex.setup(MODEL_BASE, scratch, this.kMax, this.maxIn) === 0) {
      throw new RecscoreError(
        'RECSCORE_BUNDLE_INVALID',
        'SAR model: the kernel does not recognise the image at MODEL_BASE',
      );
    }
    const buf = memory.buffer;
    this.#outIdx = new Int32Array(buf, this.#ex.outIdxAddr(), this.kMax);
    this.#outVal = new Float64Array(buf, this.#ex.outValAddr(), this.kMax);
    this.#inCols = new Int32Array(buf, this.#ex.inColsAddr(), this.maxIn);
    this.#inVals = new Float64Array(buf, this.#ex.inValsAddr(), this.maxIn);
    this.#inUnit = new Float64Array(buf, this.#ex.inUnitAddr(), this.maxIn);
  }

  #flags(o: RecOptions): number {
    return (o.removeSeen ? FLAG_REMOVE_SEEN : 0) | (o.normalize ? FLAG_NORMALIZE : 0);
  }

  #top(n: number): Top {
    const out: Top = new Array(n);
    for (let r = 0; r < n; r++) out[r] = [this.model.items[this.#outIdx[r]], this.#outVal[r]];
    return out;
  }

  #k(k: number | undefined): number {
    const v = k ?? 10;
    if (!Number.isInteger(v) || v < 0 || v > this.kMax)
      throw new RecscoreError('RECSCORE_BAD_OPTION', `k must be an integer from 0 to ${this.kMax}`);
    return v;
  }

  /** undefined for a user the model does not know. */
  recommendUser(user: string, opts: RecOptions = {}): Top | undefined {
    const u = indexOf(this.model.users, user);
    if (u < 0) return undefined;
    return this.#top(this.#ex.recommendUser(u, this.#k(opts.k), this.#flags(opts)));
  }

  #row(
    cols: ArrayLike<number>,
    vals: ArrayLike<number>,
    unit: ArrayLike<number> | undefined,
    k: number,
    flags: number,
  ): Top {
    if (cols.length > this.maxIn)
      throw new RecscoreError('RECSCORE_BAD_REQUEST', `more than ${this.maxIn} distinct items`);
    this.#inCols.set(cols);
    this.#inVals.set(vals);
    if (unit) this.#inUnit.set(unit);
    return this.#top(this.#ex.recommendRow(cols.length, k, flags));
  }

  /**
   * Index-level entry points for a pool worker (ids were resolved on the main thread): the top `k` of
   * user `u`, or of an affinity row, land in `outIdx`/`outVal`; the count is returned. `flags`: FLAG_*.
   */
  scoreUser(u: number, k: number, flags: number): number {
    if (!(u >= 0 && u < this.model.aff.rowPtr.length - 1))
      throw new RecscoreError('RECSCORE_BAD_REQUEST', `user index ${u} out of range`);
    return this.#ex.recommendUser(u, this.#k(k), flags);
  }

  scoreRow(cols: Int32Array, vals: Float64Array, unit: Float64Array | undefined, k: number, flags: number): number {
    if (cols.length > this.maxIn)
      throw new RecscoreError('RECSCORE_BAD_REQUEST', `more than ${this.maxIn} distinct items`);
    this.#inCols.set(cols);
    this.#inVals.set(vals);
    if (unit) this.#inUnit.set(unit);
    return this.#ex.recommendRow(cols.length, this.#k(k), flags);
  }

  get outIdx(): Int32Array {
    return this.#outIdx;
  }
  get outVal(): Float64Array {
    return this.#outVal;
  }

  recommendEvents(events: readonly PostedEvent[], opts: RecOptions & { referenceTime?: number } = {}): Top {
    const row = eventsAffinity(this.model, events, opts.referenceTime);
    return this.#row(row.cols, row.vals, row.unit, this.#k(opts.k), this.#flags(opts));
  }

  similarItems(seeds: readonly Seed[], k?: number): Top {
    const weights = new Map<number, number>();
    for (const s of seeds) {
      const [item, w = 1] = typeof s === 'string' ? [s, 1] : s;
      const i = indexOf(this.model.items, item);
      if (i >= 0) weights.set(i, (weights.get(i) ?? 0) + w);
    }
    if (weights.size === 0) return [];
    const cols = [...weights.keys()].sort((a, b) => a - b);
    return this.#row(
      cols,
      cols.map((i) => weights.get(i)!),
      undefined,
      this.#k(k),
      FLAG_REMOVE_SEEN,
    );
  }
}
