/**
 * Plain TypeScript reference kernel: the formulas of SPEC §6 written the obvious way (full sorts, linear
 * scans, Maps) over the same packed sections the WASM kernel reads. It is the oracle of the differential
 * tests and the baseline of `npm run bench:kernel`; it is not used to serve.
 */
import * as L from '../model/kinds/taar/layout.js';
import type { PackedModel } from '../model/kinds/taar/packed-model.js';
import { ensemble } from './ensemble.js';
import { LITE_MODES, LR_ZERO_DENOMINATOR, type EnsembleInput, type Kernel, type Ranked } from './kernel.js';

const TRUNC_EPS = 0.001; // FLOOR_DISTANCE_ADJUSTMENT

function ranked(entries: Array<{ id: number; w: number }>, k: number): Ranked {
  const top = entries.slice(0, Math.max(0, k));
  return { ids: Int32Array.from(top, (e) => e.id), weights: Float64Array.from(top, (e) => e.w) };
}

export class ReferenceKernel implements Kernel {
  constructor(private readonly m: PackedModel) {}

  collaborative(hashes: ArrayLike<number>, k: number): Ranked {
    const { m } = this;
    const F = m.nFactors;
    const itemHash = m.i32('ITEM_HASH', m.nItems);
    const itemGuid = m.i32('ITEM_GUID', m.nItems);
    const feat = m.f64('ITEM_FEAT', L.evenItems(m.nItems) * F);
    const at = (r: number, f: number) => feat[L.featIndex(r, f, F)];
    const installed = new Set(Array.from(hashes));
    const u = new Array<number>(F).fill(0);
    for (let r = 0; r < m.nItems; r++) if (installed.has(itemHash[r])) for (let f = 0; f < F; f++) u[f] += at(r, f);
    const scores: Array<{ id: number; w: number; r: number }> = [];
    for (let r = 0; r < m.nItems; r++) {
      if (itemGuid[r] < 0 || installed.has(itemHash[r])) continue;
      let s = 0;
      for (let f = 0; f < F; f++) s += u[f] * at(r, f);
      scores.push({ id: itemGuid[r], w: s, r });
    }
    scores.sort((a, b) => b.w - a.w || a.r - b.r);
    return ranked(scores, k);
  }

  similarity(cont: ArrayLike<number>, cat: ArrayLike<number>, k: number): Ranked | typeof LR_ZERO_DENOMINATOR {
    const { m } = this;
    const nD = m.nDonors;
    const dc = m.f64('DONOR_CONT', nD * 5);
    const dk = m.i32('DONOR_CAT', nD * 3);
    const x = m.f64('LR_X', m.nLr);
    const val = m.f64('LR_VAL', m.nLr);
    const ln = m.f64('LR_LN', m.nLr);
    const bad = m.i32('LR_BAD', m.nLr);
    const donors: Array<{ i: number; lr: number; ln: number }> = [];
    for (let i = 0; i < nD; i++) {
      let canberra = 0;
      for (let t = 0; t < 5; t++) {
        const den = Math.abs(dc[i * 5 + t]) + Math.abs(cont[t]);
        if (den !== 0) canberra += Math.abs(dc[i * 5 + t] - cont[t]) / den;
      }
      let mism = 0;
      for (let t = 0; t < 3; t++) if (dk[i * 3 + t] !== cat[t]) mism++;
      const dist = (canberra + TRUNC_EPS) * (mism / 3);
      let j = 0;
      let best = Math.abs(dist - x[0]);
      for (let q = 1; q < m.nLr; q++) {
        const v = Math.abs(dist - x[q]);
        if (v < best) {
          best = v;
          j = q;
        }
      }
      if (bad[j]) return LR_ZERO_DENOMINATOR;
      donors.push({ i, lr: val[j], ln: ln[j] });
    }
    donors.sort((a, b) => b.lr - a.lr);
    const offs = m.u32('DONOR_ADDON_OFFS', nD + 1);
    const addons = m.i32('DONOR_ADDONS', offs[nD]);
    const acc = new Map<number, number>();
    for (const d of donors) {
      if (!(d.ln > 0)) continue;
      for (let p = offs[d.i]; p < offs[d.i + 1]; p++) acc.set(addons[p], (acc.get(addons[p]) ?? 0) + d.ln);
    }
    const out = [...acc.entries()].map(([id, w]) => ({ id, w }));
    out.sort((a, b) => m.rank[a.id] - m.rank[b.id]);
    out.sort((a, b) => b.w - a.w);
    return ranked(out, k);
  }

  ensemble(lists: EnsembleInput[], installed: Iterable<number>, installedCount: number, limits: number[]): Ranked[] {
    const set = installed instanceof Set ? installed : new Set(installed);
    return limits.map((limit) => ensemble(lists, limit + installedCount, this.m.rank, set, limit));
  }

  lite(keyId: number, mode: number, keep: number): Ranked {
    const { m } = this;
    const nKeys = m.header[L.H_N_LITE_KEYS];
    const slot = m.i32('LITE_KEY_OF_GUID', m.nGuids)[keyId];
    if (slot < 0) return ranked([], 0);
    const fo = m.u32('LITE_FILT_OFFS', nKeys + 1);
    const fg = m.i32('LITE_FILT_GUID', fo[nKeys]);
    const fc = m.f64('LITE_FILT_COUNT', fo[nKeys]);
    const row: Array<{ id: number; n: number }> = [];
    for (let p = fo[slot]; p < fo[slot + 1]; p++) row.push({ id: fg[p], n: fc[p] });
    const perGuid = (n: L.SectionName) => m.f64(n, m.nGuids);
    const total = row.reduce((s, e) => s + e.n, 0);
    let w: Array<{ id: number; w: number }>;
    if (mode === LITE_MODES.none) w = row.map((e) => ({ id: e.id, w: e.n }));
    else if (mode === LITE_MODES.row_count)
      w = row.map((e) => ({ id: e.id, w: (1.0 * e.n) / perGuid('LITE_ROWCOUNT')[e.id] }));
    else if (mode === LITE_MODES.row_sum)
      w = row.map((e) => ({ id: e.id, w: (e.n * 1.0) / perGuid('LITE_COUNTMAP')[e.id] }));
    else if (mode === LITE_MODES.rownorm_sum) {
      const rc = perGuid('LITE_ROWCOUNT');
      const ns = perGuid('LITE_ROWNORMSUM');
      w = row.filter((e) => rc[e.id] !== 0 && ns[e.id] !== 0).map((e) => ({ id: e.id, w: e.n / total / ns[e.id] }));
    } else {
      const ro = m.u32('LITE_ROW_OFFS', nKeys + 1);
      const rec2 = m.f64('LITE_REC2', ro[nKeys]);
      const keyOf = m.i32('LITE_KEY_OF_GUID', m.nGuids);
      const c = row.map((e) => ({ id: e.id, w: 0 }));
      for (let rep = 0; rep < row.length; rep++) c.forEach((e, i) => (e.w += row[i].n / total));
      for (const e of c) {
        const s = keyOf[e.id];
        if (s >= 0) for (let q = ro[s]; q < ro[s + 1]; q++) e.w += rec2[q];
      }
      const sum = c.reduce((s, e) => s + e.w, 0);
      w = c.map((e) => ({ id: e.id, w: e.w / sum }));
    }
    w.sort((a, b) => b.w - a.w);
    return ranked(w, keep);
  }
}
