/**
 * SAR requests ⇄ SAR batch messages (sar-protocol.ts), main-thread side. A request's ids are resolved
 * here against the version's id tables (binary search, no per-version Map): a stored user → its index;
 * posted events → their affinity row with the model's decay (SPEC §6); item-based seeds → summed weights
 * of the known seeds (SPEC §7, unknown seeds ignored). An unknown user, or seeds none of which the model
 * knows, never reach a worker: the answer is known without scoring.
 */
import { RecscoreError } from '../errors.js';
import { eventsAffinity, userAffinity, type AffinityRow, type Top } from '../kernel/sar/personal.js';
import { indexOf } from '../kernel/sar/lookup.js';
import { DEFAULT_K_MAX, DEFAULT_MAX_IN, FLAG_NORMALIZE, FLAG_REMOVE_SEEN } from '../kernel/sar/wasm.js';
import type { SarPackedModel } from '../model/kinds/sar/packed-model.js';
import * as P from './protocol.js';
import * as S from './sar-protocol.js';

export interface SarOptions {
  /** default 10, at most 1,024 */
  k?: number;
  removeSeen?: boolean;
  normalize?: boolean;
}
export interface SarPostedEvent {
  item: string;
  /** epoch seconds; without it the event is not decayed */
  timestamp?: number;
  /** default 1 */
  weight?: number;
}
/** Personalised for a stored user or for posted events; item-based for seeds (an id, or [id, weight]). */
export type SarRequest =
  | ({ user: string } & SarOptions)
  | ({
      events: readonly SarPostedEvent[];
      referenceTime?: number;
      /** A stored user whose affinity row is added to the events' (unknown: the events alone). */
      history?: string;
    } & SarOptions)
  | {
      seeds: ReadonlyArray<string | [string, number]>;
      k?: number;
      /** default true: the seeds themselves are not recommended (SPEC §7) */
      removeSeen?: boolean;
    };

/** One request ready to batch: the SAR_* mode and its row (undefined for SAR_USER). */
export interface SarEncoded {
  mode: number;
  user: number;
  k: number;
  flags: number;
  cols?: Int32Array;
  vals?: Float64Array;
  unit?: Float64Array;
}

const bad = (message: string): never => {
  throw new RecscoreError('RECSCORE_BAD_REQUEST', message);
};

function kOf(k: number | undefined): number {
  const v = k ?? 10;
  if (!Number.isInteger(v) || v < 0 || v > DEFAULT_K_MAX) bad(`k must be an integer from 0 to ${DEFAULT_K_MAX}`);
  return v;
}

function finite(v: unknown, what: string): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v)) bad(`${what} must be a finite number`);
  return v as number;
}

/** Whether the version has a stored history for `user` (a personalised request for it is scored). */
export function knowsUser(version: SarPackedModel, user: string): boolean {
  return indexOf(version.model.users, user) >= 0;
}

/** undefined: nothing to score (an unknown user, or no seed the model knows); the caller answers itself. */
export function encodeSarRequest(version: SarPackedModel, req: SarRequest): SarEncoded | undefined {
  const model = version.model;
  if ('seeds' in req) {
    const k = kOf(req.k);
    const weights = new Map<number, number>();
    for (const s of req.seeds) {
      const [item, w = 1] = typeof s === 'string' ? [s, 1] : s;
      if (typeof item !== 'string') bad('a seed must be an item id or [item id, weight]');
      const i = indexOf(model.items, item);
      if (i >= 0) weights.set(i, (weights.get(i) ?? 0) + finite(w, 'a seed weight')!);
    }
    if (weights.size === 0) return undefined;
    const cols = Int32Array.from(weights.keys()).sort();
    return row(
      cols,
      Float64Array.from(cols, (i) => weights.get(i)!),
      undefined,
      k,
      req.removeSeen === false ? 0 : FLAG_REMOVE_SEEN,
    );
  }
  const k = kOf(req.k);
  const flags = (req.removeSeen ? FLAG_REMOVE_SEEN : 0) | (req.normalize ? FLAG_NORMALIZE : 0);
  if ('user' in req) {
    const u = indexOf(model.users, req.user);
    return u < 0 ? undefined : { mode: S.SAR_USER, user: u, k, flags };
  }
  if (!Array.isArray(req.events)) bad('events must be an array');
  const events = req.events.map((e, i) => {
    if (typeof e?.item !== 'string') bad(`event ${i}: item must be a string`);
    const rating = finite(e.weight, `event ${i}: weight`);
    return { item: e.item, rating, timestamp: finite(e.timestamp, `event ${i}: timestamp`) };
  });
  let a: AffinityRow = eventsAffinity(model, events, finite(req.referenceTime, 'referenceTime'));
  const u = req.history === undefined ? -1 : indexOf(model.users, req.history);
  if (u >= 0) a = addRows(userAffinity(model, u), a);
  return row(Int32Array.from(a.cols), Float64Array.from(a.vals), Float64Array.from(a.unit), k, flags);
}

/** a + b entry by entry (both with ascending cols): a stored history plus what was posted now. */
function addRows(a: AffinityRow, b: AffinityRow): AffinityRow {
  const cols: number[] = [];
  const vals: number[] = [];
  const unit: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.cols.length || j < b.cols.length) {
    const ca = i < a.cols.length ? a.cols[i] : Infinity;
    const cb = j < b.cols.length ? b.cols[j] : Infinity;
    const c = Math.min(ca, cb);
    cols.push(c);
    vals.push((ca === c ? a.vals[i] : 0) + (cb === c ? b.vals[j] : 0));
    unit.push((ca === c ? a.unit[i++] : 0) + (cb === c ? b.unit[j++] : 0));
  }
  return { cols, vals, unit };
}

function row(
  cols: Int32Array,
  vals: Float64Array,
  unit: Float64Array | undefined,
  k: number,
  flags: number,
): SarEncoded {
  if (cols.length > DEFAULT_MAX_IN) bad(`more than ${DEFAULT_MAX_IN} distinct items`);
  return { mode: S.SAR_ROW, user: -1, k, flags, cols, vals, unit };
}

export function encodeSarBatch(model: SarPackedModel, requests: readonly SarEncoded[]): S.SarBatchTask {
  const n = requests.length;
  let nIn = 0;
  for (const r of requests) nIn += r.cols?.length ?? 0;
  const { buffer, views: t } = S.newSarTask(n, nIn);
  for (let i = 0; i < n; i++) {
    const r = requests[i];
    t.mode[i] = r.mode;
    t.user[i] = r.user;
    t.k[i] = r.k;
    t.flags[i] = r.flags;
    const at = t.inOffs[i];
    if (r.cols) {
      t.inCols.set(r.cols, at);
      t.inVals.set(r.vals!, at);
      if (r.unit) t.inUnit.set(r.unit, at);
    }
    t.inOffs[i + 1] = at + (r.cols?.length ?? 0);
  }
  return { kind: model.kind, version: model.version, memory: model.memory, n, nIn, buffer };
}

/** Request i's top list (views: P.resultViews of its batch's result). */
export function decodeSarResult(model: SarPackedModel, r: P.ResultViews, i: number): Top {
  if (r.failed[i] & P.FAIL_REQUEST) {
    const message = 'scoring this request failed in the worker (its batch-mates were scored)';
    throw new RecscoreError('RECSCORE_REQUEST_FAILED', message, { reason: 'request-failed' });
  }
  const items = model.model.items;
  const out: Top = new Array(r.offs[i + 1] - r.offs[i]);
  for (let j = r.offs[i]; j < r.offs[i + 1]; j++) out[j - r.offs[i]] = [items[r.ids[j]], r.weights[j]];
  return out;
}
