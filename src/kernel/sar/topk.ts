/**
 * Top-k of a dense score array (SPEC §6): score descending, ties by index ascending — and indices are
 * in id order, so that is "ties by item id". Excluded entries are skipped; zero and negative scores
 * still compete. The plain reference: O(m·k) worst case, O(m) when the k best come early.
 */
export function topK(scores: Float64Array, k: number, excluded?: Uint8Array): Array<[number, number]> {
  const idx = new Int32Array(k);
  const val = new Float64Array(k);
  let n = 0;
  if (k <= 0) return [];
  for (let j = 0; j < scores.length; j++) {
    if (excluded?.[j]) continue;
    const s = scores[j];
    if (s !== s) continue; // NaN is not a score
    if (n === k && !(s > val[k - 1])) continue; // equal scores keep the earlier (smaller) index
    let p = n < k ? n++ : k - 1;
    while (p > 0 && s > val[p - 1]) {
      idx[p] = idx[p - 1];
      val[p] = val[p - 1];
      p--;
    }
    idx[p] = j;
    val[p] = s;
  }
  const out: Array<[number, number]> = [];
  for (let p = 0; p < n; p++) out.push([idx[p], val[p]]);
  return out;
}
