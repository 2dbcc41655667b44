/**
 * s_ij from c_ij and the thresholded diagonal d (SPEC §5), in PY's order of operations so the float64
 * results round as PY's do. Called only where c_ij ≥ threshold > 0; elsewhere s_ij = 0 (the §9 Q1/Q2/Q4
 * corrections: no −∞, no NaN, LMI elementwise).
 */
import type { SimilarityType } from '../types.js';

export type SimilarityFn = (c: number, di: number, dj: number) => number;

export function similarityFn(type: SimilarityType, nItems: number): SimilarityFn {
  switch (type) {
    case 'cooccurrence':
      return (c) => c;
    case 'jaccard':
      return (c, di, dj) => c / (di + dj - c);
    case 'lift':
      return (c, di, dj) => c / (di * dj);
    case 'cosine':
      return (c, di, dj) => c / Math.sqrt(di * dj);
    case 'inclusion-index':
      return (c, di, dj) => c / Math.min(di, dj);
    case 'mutual-information':
      return (c, di, dj) => Math.log2(nItems * (c / (di * dj)));
    case 'lexicographers-mutual-information':
      return (c, di, dj) => c * Math.log2(nItems * (c / (di * dj)));
  }
}
