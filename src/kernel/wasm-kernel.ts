/**
 * Instantiates the AssemblyScript kernel (build/kernel.wasm) over a packed model's shared memory.
 * Each instance claims its own scratch region by growing the memory (grow() is atomic and returns the old
 * size, so concurrent workers get disjoint regions) and writes the region's sub-offsets table there.
 * The module is compiled once per thread; instantiation is cheap. Scratch holds only per-request state:
 * every model-derived table (including the kernel's column-major donor copy) is packed once, shared.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { RecscoreError } from '../errors.js';
import * as L from '../model/kinds/taar/layout.js';
import { ensemble as referenceEnsemble } from './ensemble.js';
import { LR_ZERO_DENOMINATOR, type EnsembleInput, type Kernel, type Ranked, type SetsQuery } from './kernel.js';

interface KernelExports {
  collaborative(model: number, scratch: number, nHashes: number, k: number, ordered: number): number;
  similarity(model: number, scratch: number, k: number, ordered: number): number;
  lite(model: number, scratch: number, keyGuid: number, mode: number, keep: number): number;
  ensemble(model: number, scratch: number, perListLimit: number, nInstalled: number, limit: number): number;
  scoreSets(
    model: number,
    scratch: number,
    nHashes: number,
    canCollaborative: number,
    simOk: number,
    localeList: number,
    k: number,
    ext: number,
    nInstalled: number,
    limit: number,
    cap: number,
  ): number;
  prepareLr(model: number): void;
  heapBase(): number;
}

const ARENA_BYTES = 64 * 1024;

let compiled: WebAssembly.Module | undefined;
export function kernelModule(): WebAssembly.Module {
  compiled ??= new WebAssembly.Module(
    readFileSync(fileURLToPath(new URL('../../../build/kernel.wasm', import.meta.url))),
  );
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
  if (ex.heapBase() > L.MODEL_BASE)
    throw new RecscoreError('RECSCORE_INTERNAL', `kernel static data (${ex.heapBase()} bytes) overlaps MODEL_BASE`);
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
  #view!: {
    hashes: Int32Array;
    cont: Float64Array;
    cat: Int32Array;
    outIds: Int32Array;
    outW: Float64Array;
    installed: Int32Array;
    listIds: Int32Array;
    listW: Float64Array;
    listOffs: Int32Array;
    listCoef: Float64Array;
    rank: Int32Array;
  };

  constructor(memory: WebAssembly.Memory) {
    this.#memory = memory;
    this.#ex = instantiate(memory);
    const header = new Uint32Array(memory.buffer as unknown as ArrayBuffer, L.MODEL_BASE, L.HEADER_BYTES / 4);
    const dims: L.ModelDims = {
      nGuids: header[L.H_N_GUIDS],
      nItems: header[L.H_N_ITEMS],
      nFactors: header[L.H_N_FACTORS],
      nDonors: header[L.H_N_DONORS],
      nLr: header[L.H_N_LR],
      maxLiteRow: header[L.H_MAX_LITE_ROW],
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
      installed: new Int32Array(buf, at(L.IN_INSTALLED), L.MAX_INSTALLED),
      listIds: new Int32Array(buf, at(L.IN_LIST_IDS), L.listCapacity(dims.nGuids)),
      listW: new Float64Array(buf, at(L.IN_LIST_W), L.listCapacity(dims.nGuids)),
      listOffs: new Int32Array(buf, at(L.IN_LIST_OFFS), 4),
      listCoef: new Float64Array(buf, at(L.IN_LIST_COEF), 3),
      rank: new Int32Array(buf, header[L.HEADER_INFO_SLOTS + L.SECTION_INDEX.GUID_RANK], dims.nGuids),
    };
  }

  /** The heap holds at most nGuids + 1 entries: no result list can be longer than the GUID count. */
  #k(k: number): number {
    return Math.max(0, Math.min(k, this.#view.outIds.length));
  }

  // Results are copied out of the shared memory into views over a private arena: one typed array with
  // its own backing store costs far more than a view (the arena is freed once no view refers to it).
  #arena = new ArrayBuffer(ARENA_BYTES);
  #arenaAt = 0;

  #out(n: number): Ranked {
    const bytes = (n * 12 + 7) & ~7;
    if (this.#arenaAt + bytes > this.#arena.byteLength) {
      this.#arena = new ArrayBuffer(Math.max(ARENA_BYTES, bytes));
      this.#arenaAt = 0;
    }
    const weights = new Float64Array(this.#arena, this.#arenaAt, n);
    const ids = new Int32Array(this.#arena, this.#arenaAt + n * 8, n);
    this.#arenaAt += bytes;
    weights.set(this.#view.outW.subarray(0, n));
    ids.set(this.#view.outIds.subarray(0, n));
    return { ids, weights };
  }

  collaborative(hashes: ArrayLike<number>, k: number, ordered = true): Ranked {
    if (hashes.length > L.MAX_INSTALLED)
      throw new RecscoreError('RECSCORE_BAD_REQUEST', `at most ${L.MAX_INSTALLED} installed add-ons`);
    this.#view.hashes.set(hashes);
    return this.#out(this.#ex.collaborative(L.MODEL_BASE, this.scratch, hashes.length, this.#k(k), +ordered));
  }

  similarity(
    cont: ArrayLike<number>,
    cat: ArrayLike<number>,
    k: number,
    ordered = true,
  ): Ranked | typeof LR_ZERO_DENOMINATOR {
    this.#view.cont.set(cont);
    this.#view.cat.set(cat);
    const n = this.#ex.similarity(L.MODEL_BASE, this.scratch, this.#k(k), +ordered);
    return n < 0 ? LR_ZERO_DENOMINATOR : this.#out(n);
  }

  ensemble(lists: EnsembleInput[], installed: Iterable<number>, installedCount: number, limits: number[]): Ranked[] {
    const v = this.#view;
    let nInstalled = 0;
    if (installed instanceof Int32Array && installed.length <= v.installed.length) {
      v.installed.set(installed);
      nInstalled = installed.length;
    } else {
      for (const g of installed) {
        // more installed GUIDs than the scratch holds (requests are capped at MAX_INSTALLED before this)
        if (nInstalled === v.installed.length) return this.#referenceEnsemble(lists, installed, installedCount, limits);
        v.installed[nInstalled++] = g;
      }
    }
    // no list needs more than the largest per-list limit; the kernel cuts each limit's own
    let longest = installedCount;
    for (const limit of limits) longest = Math.max(longest, limit + installedCount);
    let at = 0;
    for (let l = 0; l < 3; l++) {
      v.listOffs[l] = at;
      const entry = lists[l];
      v.listCoef[l] = entry ? entry.coefficient : 0;
      if (!entry) continue;
      const { ids, weights } = entry.list;
      const n = Math.min(ids.length, longest);
      // lists beyond the scratch (only a locale list with many duplicates can be) use the reference
      if (at + n > v.listIds.length || lists.length > 3)
        return this.#referenceEnsemble(lists, installed, installedCount, limits);
      if (ids instanceof Int32Array && weights instanceof Float64Array) {
        v.listIds.set(ids.subarray(0, n), at);
        v.listW.set(weights.subarray(0, n), at);
      } else {
        for (let i = 0; i < n; i++) {
          v.listIds[at + i] = ids[i];
          v.listW[at + i] = weights[i];
        }
      }
      at += n;
    }
    v.listOffs[3] = at;
    return limits.map((limit) => {
      const perList = Math.min(0x7fffffff, Math.max(0, limit + installedCount));
      return this.#out(this.#ex.ensemble(L.MODEL_BASE, this.scratch, perList, nInstalled, this.#k(limit)));
    });
  }

  /**
   * Ensembles computed by the TypeScript reference (inputs beyond the kernel's scratch): ~50× slower, so
   * serving counts them (the worker reports them per batch, the pool logs and counts them in a metric).
   */
  referenceEnsembles = 0;

  #referenceEnsemble(
    lists: EnsembleInput[],
    installed: Iterable<number>,
    installedCount: number,
    limits: number[],
  ): Ranked[] {
    this.referenceEnsembles++;
    const set = new Set(installed);
    return limits.map((limit) => referenceEnsemble(lists, limit + installedCount, this.#view.rank, set, limit));
  }

  /**
   * scoreClient(…, [limit], listsAsSets = true)'s ensemble in one kernel call: the three lists go straight
   * into the ensemble's input inside the kernel. Returns the entry count — the entries are outIds/outW
   * [0, count), valid until the next call on this kernel; which lists took part in `setsFlags` — or −1 when
   * the inputs do not fit the kernel's scratch (the caller then takes scoreClient, which reports them).
   */
  scoreSets(q: SetsQuery): number {
    const v = this.#view;
    const nHashes = q.hashTo - q.hashFrom;
    const nInstalled = q.installedTo - q.installedFrom;
    if (nHashes > v.hashes.length || nInstalled > v.installed.length) return -1;
    for (let j = 0; j < nHashes; j++) v.hashes[j] = q.hashes[q.hashFrom + j];
    for (let j = 0; j < nInstalled; j++) v.installed[j] = q.installed[q.installedFrom + j];
    const cont = q.cont;
    if (cont) {
      for (let j = 0; j < 5; j++) v.cont[j] = cont[5 * q.featureAt + j];
      for (let j = 0; j < 3; j++) v.cat[j] = q.cat[3 * q.featureAt + j];
    }
    for (let l = 0; l < 3; l++) v.listCoef[l] = q.coefficients[l];
    const ext = Math.min(0x7fffffff, Math.max(0, q.limit + q.installedCount));
    const r = this.#ex.scoreSets(
      L.MODEL_BASE,
      this.scratch,
      nHashes,
      +q.canCollaborative,
      +(cont !== null),
      q.localeList,
      this.#k(ext),
      ext,
      nInstalled,
      this.#k(q.limit),
      v.listIds.length,
    );
    if (r < 0) return -1;
    this.setsFlags = r & 15;
    return r >>> 4;
  }

  /** SETS_* bits of the last scoreSets call. */
  setsFlags = 0;

  /** The kernel's output region (scoreSets' answer); overwritten by every call. */
  get outIds(): Int32Array {
    return this.#view.outIds;
  }
  get outW(): Float64Array {
    return this.#view.outW;
  }

  lite(keyId: number, mode: number, keep: number): Ranked {
    return this.#out(this.#ex.lite(L.MODEL_BASE, this.scratch, keyId, mode, this.#k(keep)));
  }

  get memory(): WebAssembly.Memory {
    return this.#memory;
  }
}
