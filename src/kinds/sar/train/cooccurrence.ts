/**
 * C = UᵀU with U the binary unit × item matrix (SPEC §4), thresholded, turned into S row by row
 * (Gustavson's sparse product): row i visits the units that hold i and counts their items in a dense
 * m-sized counter. Work is Σ_units |unit|², memory is the m-sized scratch plus S itself — never m × m.
 */
import type { Csr, SimilarityType } from '../types.js';
import { GrowF64, GrowI32 } from './grow.js';
import { similarityFn } from './similarity.js';

export interface Units {
  /** unit → items (CSR pattern) */
  ptr: Uint32Array;
  items: Int32Array;
  /** item → units (the transpose) */
  itemPtr: Uint32Array;
  itemUnits: Int32Array;
}

export function similarityFromUnits(
  units: Units,
  nItems: number,
  type: SimilarityType,
  threshold: number,
  onRow?: (row: number) => void,
): { sim: Csr; itemFreq: Float64Array } {
  const d = new Float64Array(nItems);
  for (let i = 0; i < nItems; i++) {
    const n = units.itemPtr[i + 1] - units.itemPtr[i];
    d[i] = n >= threshold ? n : 0;
  }
  const s = similarityFn(type, nItems);
  const count = new Int32Array(nItems);
  const touched = new Int32Array(nItems);
  const rowPtr = new Uint32Array(nItems + 1);
  const cols = new GrowI32();
  const vals = new GrowF64();
  for (let i = 0; i < nItems; i++) {
    let nt = 0;
    if (d[i] > 0) {
      for (let a = units.itemPtr[i]; a < units.itemPtr[i + 1]; a++) {
        const u = units.itemUnits[a];
        for (let b = units.ptr[u]; b < units.ptr[u + 1]; b++) {
          const j = units.items[b];
          if (d[j] === 0) continue;
          if (count[j]++ === 0) touched[nt++] = j;
        }
      }
      touched.subarray(0, nt).sort();
      const di = d[i];
      for (let t = 0; t < nt; t++) {
        const j = touched[t];
        const c = count[j];
        count[j] = 0;
        if (c < threshold) continue;
        cols.push(j);
        vals.push(s(c, di, d[j]));
      }
    }
    if (cols.n > 0xffffffff) throw new RangeError('similarity has more than 2^32 entries');
    rowPtr[i + 1] = cols.n;
    onRow?.(i);
  }
  // Views, not copies: a copy would briefly hold the largest array three times over.
  return { sim: { rowPtr, cols: cols.view(), vals: vals.view() }, itemFreq: d };
}
