/**
 * C = UᵀU with U the binary unit × item matrix (SPEC §4), thresholded, turned into S row by row
 * (Gustavson's sparse product): row i visits the units that hold i and counts their items j ≥ i in a
 * dense m-sized counter; S is symmetric (every formula is symmetric in d_i, d_j, bit for bit), so the
 * upper triangle is mirrored at the end. Work is ½·Σ_units |unit|², memory the m-sized scratch plus S —
 * never m × m.
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
  /** for each item → unit entry, its position in the unit's (ascending) item list */
  itemUnitAt: Uint32Array;
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
  const upPtr = new Uint32Array(nItems + 1);
  const upCols = new GrowI32();
  const upVals = new GrowF64();
  const lower = new Uint32Array(nItems); // entries (j, i) with j < i: row i's mirrored part
  for (let i = 0; i < nItems; i++) {
    let nt = 0;
    if (d[i] > 0) {
      for (let a = units.itemPtr[i]; a < units.itemPtr[i + 1]; a++) {
        const u = units.itemUnits[a];
        // The unit's items are ascending and item i sits at itemUnitAt[a]: start there (j ≥ i).
        for (let b = units.itemUnitAt[a]; b < units.ptr[u + 1]; b++) {
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
        upCols.push(j);
        upVals.push(s(c, di, d[j]));
        if (j !== i) lower[j]++;
      }
    }
    upPtr[i + 1] = upCols.n;
    onRow?.(i);
  }
  return { sim: mirror(upPtr, upCols.view(), upVals.view(), lower), itemFreq: d };
}

/** Upper triangle (diagonal included) → full symmetric CSR, columns ascending in every row. */
function mirror(upPtr: Uint32Array, upCols: Int32Array, upVals: Float64Array, lower: Uint32Array): Csr {
  const n = lower.length;
  const rowPtr = new Uint32Array(n + 1);
  for (let i = 0; i < n; i++) {
    const total = rowPtr[i] + lower[i] + (upPtr[i + 1] - upPtr[i]);
    if (total > 0xffffffff) throw new RangeError('similarity has more than 2^32 entries');
    rowPtr[i + 1] = total;
  }
  const cols = new Int32Array(rowPtr[n]);
  const vals = new Float64Array(rowPtr[n]);
  const nextLower = rowPtr.slice(0, n); // rows j < i arrive in ascending j, so lower parts fill in order
  for (let i = 0; i < n; i++) {
    let at = rowPtr[i] + lower[i];
    for (let k = upPtr[i]; k < upPtr[i + 1]; k++) {
      const j = upCols[k];
      cols[at] = j;
      vals[at++] = upVals[k];
      if (j !== i) {
        cols[nextLower[j]] = i;
        vals[nextLower[j]++] = upVals[k];
      }
    }
  }
  return { rowPtr, cols, vals };
}
