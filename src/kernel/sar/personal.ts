/**
 * Personalised top-k (SPEC §6): for a training user from the stored affinity row, or for posted events
 * with the affinity computed now (the model's decay, a reference time). Normalize, then remove-seen by
 * masking every seen item whatever its affinity (§9 Q3), then top-k. Unknown users are reported, not
 * scored (§7).
 */
import { SECONDS_PER_DAY, decayFactor } from '../../model/kinds/sar/train/accumulate.js';
import type { SarModel } from '../../model/kinds/sar/types.js';
import { indexOf } from './lookup.js';
import { normalizeScores, rowTimesSim } from './product.js';
import { topK } from './topk.js';

export interface RecOptions {
  k?: number;
  removeSeen?: boolean;
  normalize?: boolean;
}
export type Top = Array<[string, number]>;
export type UserRecs = { user: string; known: true; top: Top } | { user: string; known: false };

export interface AffinityRow {
  cols: ArrayLike<number>;
  vals: ArrayLike<number>;
  unit: ArrayLike<number>;
}

export function userAffinity(model: SarModel, u: number): AffinityRow {
  const a = model.aff.rowPtr[u];
  const b = model.aff.rowPtr[u + 1];
  return {
    cols: model.aff.cols.subarray(a, b),
    vals: model.aff.vals.subarray(a, b),
    unit: model.affUnit.subarray(a, b),
  };
}

export function recommendForUser(model: SarModel, user: string, opts: RecOptions = {}): UserRecs {
  const u = indexOf(model.users, user);
  if (u < 0) return { user, known: false };
  return { user, known: true, top: recommendForRow(model, userAffinity(model, u), opts) };
}

/** Item scores of one user: r = a·S (the pairwise predict reads this row; unknown items score 0). */
export function predict(model: SarModel, user: string, item: string): number | undefined {
  const u = indexOf(model.users, user);
  if (u < 0) return undefined;
  const j = indexOf(model.items, item);
  if (j < 0) return 0;
  const row = userAffinity(model, u);
  let r = 0;
  for (let t = 0; t < row.cols.length; t++) {
    const i = row.cols[t];
    const sim = model.sim;
    const k = indexOf32(sim.cols, sim.rowPtr[i], sim.rowPtr[i + 1], j);
    if (k >= 0) r += row.vals[t] * sim.vals[k];
  }
  return r;
}

export function recommendForRow(model: SarModel, row: AffinityRow, opts: RecOptions = {}): Top {
  const m = model.items.length;
  const scores = rowTimesSim(model.sim, row.cols, row.vals, new Float64Array(m));
  if (opts.normalize) {
    const unit = rowTimesSim(model.sim, row.cols, row.unit, new Float64Array(m));
    normalizeScores(scores, unit, model.stats.ratingMin, model.stats.ratingMax);
  }
  let seen: Uint8Array | undefined;
  if (opts.removeSeen) {
    seen = new Uint8Array(m);
    for (let t = 0; t < row.cols.length; t++) seen[row.cols[t]] = 1;
  }
  return topK(scores, opts.k ?? 10, seen).map(([j, s]) => [model.items[j], s]);
}

export interface PostedEvent {
  item: string;
  rating?: number;
  timestamp?: number;
}

/**
 * The affinity row of posted events: summed per item, decayed as in training with t0 = `referenceTime`,
 * else the newest posted event. Items unknown to the model are dropped (they cannot be scored).
 */
export function eventsAffinity(model: SarModel, events: readonly PostedEvent[], referenceTime?: number): AffinityRow {
  const halfLife = model.params.decayHalfLifeDays;
  let t0 = referenceTime;
  if (halfLife !== undefined && t0 === undefined) {
    t0 = -Infinity;
    for (const e of events) if (e.timestamp !== undefined && e.timestamp > t0) t0 = e.timestamp;
  }
  const acc = new Map<number, [number, number]>();
  for (const e of events) {
    const i = indexOf(model.items, e.item);
    if (i < 0) continue;
    const r = e.rating ?? 1;
    const f =
      halfLife === undefined || e.timestamp === undefined
        ? 1
        : decayFactor(t0!, e.timestamp, halfLife * SECONDS_PER_DAY);
    const cur = acc.get(i);
    if (cur) {
      cur[0] += r * f;
      cur[1] += f;
    } else acc.set(i, [r * f, f]);
  }
  const cols = [...acc.keys()].sort((a, b) => a - b);
  return { cols, vals: cols.map((i) => acc.get(i)![0]), unit: cols.map((i) => acc.get(i)![1]) };
}

export function recommendForEvents(
  model: SarModel,
  events: readonly PostedEvent[],
  opts: RecOptions & { referenceTime?: number } = {},
): Top {
  return recommendForRow(model, eventsAffinity(model, events, opts.referenceTime), opts);
}

function indexOf32(a: Int32Array, lo: number, hi: number, v: number): number {
  hi--;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] === v) return mid;
    if (a[mid] < v) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}
