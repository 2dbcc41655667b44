/**
 * Instantiates the AssemblyScript kernel (build/kernel.wasm) over a packed model's shared memory.
 * Each instance claims its own scratch region by growing the memory (grow() is atomic and returns the old
 * size, so concurrent workers get disjoint regions) and writes the region's sub-offsets table there.
 * The module is compiled once per thread; instantiation is cheap.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { RecscoreError } from '../errors.js';
import * as L from '../model/layout.js';
import { LR_ZERO_DENOMINATOR, type Kernel, type Ranked } from './kernel.js';

interface KernelExports {
  collaborative(model: number, scratch: number, nHashes: number, k: number): number;
  similarity(model: number, scratch: number, k: number): number;
  lite(model: number, scratch: number, keyGuid: number, mode: number, keep: number): number;
  prepareLr(model: number): void;
  heapBase(): number;
}

let compiled: WebAssembly.Module | undefined;
export function kernelModule(): WebAssembly.Module {
  compiled ??= new WebAssembly.Module(readFileSync(fileURLToPath(new URL('../../../build/kernel.wasm', import.meta.url))));
  return compiled;
}

function instantiate(memory: WebAssembly.Memory): KernelExports {
  const instance = new WebAssembly.Instance(kernelModule(), {
    env: {
      memory,
      abort: () => {
        throw new RecscoreError('RECSCORE_INTERNAL', 'kernel abort');
      },
    },
  });
  const ex = instance.exports as unknown as KernelExports;
  if (ex.heapBase() > L.MODEL_BASE) throw new RecscoreError('RECSCORE_INTERNAL', `kernel static data (${ex.heapBase()} bytes) overlaps MODEL_BASE`);
  return ex;
}

/** Runs the pack-time kernel step (ln of the LR table) on a freshly packed memory. */
export function finishPacking(memory: WebAssembly.Memory): void {
  instantiate(memory).prepareLr(L.MODEL_BASE);
}

export class WasmKernel implements Kernel {
  readonly #ex: KernelExports;
  readonly #memory: WebAssembly.Memory;
  readonly scratch: number;
  #view!: { hashes: Int32Array; cont: Float64Array; cat: Int32Array; outIds: Int32Array; outW: Float64Array };

  constructor(memory: WebAssembly.Memory) {
    this.#memory = memory;
    this.#ex = instantiate(memory);
    const header = new Uint32Array(memory.buffer as unknown as ArrayBuffer, L.MODEL_BASE, L.HEADER_BYTES / 4);
    const dims: L.ModelDims = {
      nGuids: header[L.H_N_GUIDS], nItems: header[L.H_N_ITEMS], nFactors: header[L.H_N_FACTORS],
      nDonors: header[L.H_N_DONORS], nLr: header[L.H_N_LR], maxLiteRow: header[L.H_MAX_LITE_ROW],
    };
    const plan = L.planScratch(dims);
    this.scratch = memory.grow(plan.bytes / L.PAGE) * L.PAGE;
    new Uint32Array(memory.buffer as unknown as ArrayBuffer, this.scratch, L.SCRATCH_SLOTS).set(plan.offsets);
    const buf = memory.buffer as unknown as ArrayBuffer;
    const at = (slot: number) => this.scratch + plan.offsets[slot];
    const g = dims.nGuids + 1;
    this.#view = {
      hashes: new Int32Array(buf, at(L.IN_HASHES), L.MAX_INSTALLED),
      cont: new Float64Array(buf, at(L.IN_CONT), 5),
      cat: new Int32Array(buf, at(L.IN_CAT), 3),
      outIds: new Int32Array(buf, at(L.OUT_IDS), g),
      outW: new Float64Array(buf, at(L.OUT_W), g),
    };
  }

  /** The heap holds at most nGuids + 1 entries: no result list can be longer than the GUID count. */
  #k(k: number): number {
    return Math.max(0, Math.min(k, this.#view.outIds.length));
  }

  #out(n: number): Ranked {
    return { ids: this.#view.outIds.slice(0, n), weights: this.#view.outW.slice(0, n) };
  }

  collaborative(hashes: ArrayLike<number>, k: number): Ranked {
    if (hashes.length > L.MAX_INSTALLED) throw new RecscoreError('RECSCORE_BAD_REQUEST', `at most ${L.MAX_INSTALLED} installed add-ons`);
    this.#view.hashes.set(hashes);
    return this.#out(this.#ex.collaborative(L.MODEL_BASE, this.scratch, hashes.length, this.#k(k)));
  }

  similarity(cont: ArrayLike<number>, cat: ArrayLike<number>, k: number): Ranked | typeof LR_ZERO_DENOMINATOR {
    this.#view.cont.set(cont);
    this.#view.cat.set(cat);
    const n = this.#ex.similarity(L.MODEL_BASE, this.scratch, this.#k(k));
    return n < 0 ? LR_ZERO_DENOMINATOR : this.#out(n);
  }

  lite(keyId: number, mode: number, keep: number): Ranked {
    return this.#out(this.#ex.lite(L.MODEL_BASE, this.scratch, keyId, mode, this.#k(keep)));
  }

  get memory(): WebAssembly.Memory {
    return this.#memory;
  }
}
