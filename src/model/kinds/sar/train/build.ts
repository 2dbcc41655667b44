/**
 * Accumulated events → SarModel: renumber users and items in id order, lay affinities out as CSR (§3),
 * derive the co-occurrence units (users, or (user, timestamp) baskets), and compute S and the item
 * frequencies (§4, §5).
 */
import type { SarModel } from '../types.js';
import type { EventAccumulator } from './accumulate.js';
import { csrOrder, sortNames, transposePattern } from './csr-build.js';
import { similarityFromUnits, type Units } from './cooccurrence.js';

export type Phase = 'affinity' | 'cooccurrence' | 'similarity';
export interface BuildProgress {
  onPhase?(phase: Phase): void;
  /** During the similarity phase: rows done of total. */
  onRows?(done: number, total: number): void;
}

export function buildModel(acc: EventAccumulator, progress: BuildProgress = {}): SarModel {
  const params = acc.params;
  progress.onPhase?.('affinity');
  acc.finish();
  const users = sortNames(acc.users.names, (s) => acc.users.id(s));
  const items = sortNames(acc.items.names, (s) => acc.items.id(s));
  const n = users.sorted.length;
  const m = items.sorted.length;
  const nPairs = acc.pairs.size;
  const pu = new Int32Array(nPairs);
  const pi = new Int32Array(nPairs);
  for (let id = 0; id < nPairs; id++) {
    pu[id] = users.rank[acc.pairs.keyA(id)];
    pi[id] = items.rank[acc.pairs.keyB(id)];
  }
  const { rowPtr, perm } = csrOrder(pu, pi, n, m);
  const cols = new Int32Array(nPairs);
  const vals = new Float64Array(nPairs);
  const unitVals = new Float64Array(nPairs);
  let ratingMin = Infinity;
  let ratingMax = -Infinity;
  for (let k = 0; k < nPairs; k++) {
    const e = perm[k];
    cols[k] = pi[e];
    const a = acc.aff.a[e];
    vals[k] = a;
    unitVals[k] = acc.unit.a[e];
    if (a < ratingMin) ratingMin = a;
    if (a > ratingMax) ratingMax = a;
  }
  progress.onPhase?.('cooccurrence');
  let units: Units;
  let nUnits: number;
  if (params.unit === 'user') {
    const t = transposePattern(rowPtr, cols, m);
    units = { ptr: rowPtr, items: cols, itemPtr: t.ptr, itemUnits: t.idx, itemUnitAt: t.at };
    nUnits = n;
  } else {
    const nb = acc.baskets!.size;
    const bi = acc.biItem.view().map((i) => items.rank[i]);
    const o = csrOrder(acc.biBasket.view(), bi, nb, m);
    const bItems = new Int32Array(o.perm.length);
    for (let k = 0; k < o.perm.length; k++) bItems[k] = bi[o.perm[k]];
    const t = transposePattern(o.rowPtr, bItems, m);
    units = { ptr: o.rowPtr, items: bItems, itemPtr: t.ptr, itemUnits: t.idx, itemUnitAt: t.at };
    nUnits = nb;
  }
  progress.onPhase?.('similarity');
  const { sim, itemFreq } = similarityFromUnits(units, m, params.similarity, params.threshold, (r) => {
    if (progress.onRows && (r & 1023) === 1023) progress.onRows(r + 1, m);
  });
  return {
    params,
    items: items.sorted,
    users: users.sorted,
    sim,
    aff: { rowPtr, cols, vals },
    affUnit: unitVals,
    itemFreq,
    stats: {
      events: acc.events,
      users: n,
      items: m,
      pairs: nPairs,
      units: nUnits,
      similarityNnz: sim.cols.length,
      ratingMin: nPairs ? ratingMin : NaN,
      ratingMax: nPairs ? ratingMax : NaN,
      referenceTime: acc.referenceTime(),
      timestampMin: acc.events ? acc.tsMin : NaN,
      timestampMax: acc.events ? acc.tsMax : NaN,
    },
  };
}
