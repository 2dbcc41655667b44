/** Index renumbering and CSR construction by counting sort: O(entries + rows + cols), no comparisons. */
import type { Csr } from '../types.js';

/**
 * Sorts names by code unit (the tie-break order of SPEC §6); returns them and old index → new index.
 * The comparator-free Array sort compares strings by UTF-16 code units natively (several times faster
 * than a JS comparator on 600k ids); `idOf` maps each sorted name back to its old index.
 */
export function sortNames(names: string[], idOf: (name: string) => number): { sorted: string[]; rank: Int32Array } {
  const sorted = names.slice().sort();
  const rank = new Int32Array(names.length);
  for (let pos = 0; pos < sorted.length; pos++) rank[idOf(sorted[pos])] = pos;
  return { sorted, rank };
}

/**
 * Entries (row[e], col[e]) → CSR permutation: `perm[k]` is the entry stored at position k, rows in order
 * and columns ascending within a row (entries are distinct, so the order is total).
 */
export function csrOrder(
  rows: Int32Array,
  cols: Int32Array,
  nRows: number,
  nCols: number,
): { rowPtr: Uint32Array; perm: Int32Array } {
  const n = rows.length;
  const byCol = countingSort(cols, nCols, identity(n));
  const rowPtr = new Uint32Array(nRows + 1);
  for (let e = 0; e < n; e++) rowPtr[rows[e] + 1]++;
  for (let r = 0; r < nRows; r++) rowPtr[r + 1] += rowPtr[r];
  const next = rowPtr.slice(0, nRows);
  const perm = new Int32Array(n);
  for (let k = 0; k < n; k++) {
    const e = byCol[k];
    perm[next[rows[e]]++] = e;
  }
  return { rowPtr, perm };
}

/** The pattern of a CSR's transpose (values unused): rowPtr over columns, the row of each entry, and its position. */
export function transposePattern(
  ptr: Uint32Array,
  cols: Int32Array,
  nCols: number,
): { ptr: Uint32Array; idx: Int32Array; at: Uint32Array } {
  const nRows = ptr.length - 1;
  const tPtr = new Uint32Array(nCols + 1);
  for (let k = 0; k < cols.length; k++) tPtr[cols[k] + 1]++;
  for (let c = 0; c < nCols; c++) tPtr[c + 1] += tPtr[c];
  const next = tPtr.slice(0, nCols);
  const idx = new Int32Array(cols.length);
  const at = new Uint32Array(cols.length); // where the entry sits in the original rows
  for (let r = 0; r < nRows; r++) {
    for (let k = ptr[r]; k < ptr[r + 1]; k++) {
      const t = next[cols[k]]++;
      idx[t] = r;
      at[t] = k;
    }
  }
  return { ptr: tPtr, idx, at };
}

export function emptyCsr(rows: number): Csr {
  return { rowPtr: new Uint32Array(rows + 1), cols: new Int32Array(0), vals: new Float64Array(0) };
}

function identity(n: number): Int32Array {
  const a = new Int32Array(n);
  for (let i = 0; i < n; i++) a[i] = i;
  return a;
}

function countingSort(keys: Int32Array, nKeys: number, items: Int32Array): Int32Array {
  const start = new Uint32Array(nKeys + 1);
  for (let k = 0; k < items.length; k++) start[keys[items[k]] + 1]++;
  for (let c = 0; c < nKeys; c++) start[c + 1] += start[c];
  const out = new Int32Array(items.length);
  for (let k = 0; k < items.length; k++) out[start[keys[items[k]]]++] = items[k];
  return out;
}
