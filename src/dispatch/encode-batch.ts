/** EncodedClient[] ⇄ the flat arrays of protocol.ts (main-thread side of the worker protocol). */
import type { PackedModel } from '../model/packed-model.js';
import type { EncodedClient } from '../recommend/client-features.js';
import * as P from './protocol.js';

export function encodeBatch(model: PackedModel, clients: EncodedClient[], limits: [number, number]): P.BatchTask {
  const n = clients.length;
  const hashOffs = new Int32Array(n + 1);
  const instOffs = new Int32Array(n + 1);
  let nh = 0;
  let ni = 0;
  clients.forEach((c, i) => {
    nh += c.hashes.length;
    ni += c.installedIds.size;
    hashOffs[i + 1] = nh;
    instOffs[i + 1] = ni;
  });
  const t: P.BatchTask = {
    version: model.version, memory: model.memory, n, limits, hashOffs, hashes: new Int32Array(nh), instOffs, instIds: new Int32Array(ni),
    installedCount: new Int32Array(n), canCollab: new Uint8Array(n), sim: new Uint8Array(n), cont: new Float64Array(5 * n),
    cat: new Int32Array(3 * n), locale: new Int32Array(n),
  };
  clients.forEach((c, i) => {
    t.hashes.set(c.hashes, hashOffs[i]);
    t.instIds.set([...c.installedIds], instOffs[i]);
    t.installedCount[i] = c.installedCount;
    t.canCollab[i] = c.canCollaborative ? 1 : 0;
    if (c.similarity.kind === 'ok') {
      t.sim[i] = P.SIM_OK;
      t.cont.set(c.similarity.cont, 5 * i);
      t.cat.set(c.similarity.cat, 3 * i);
    } else t.sim[i] = c.similarity.kind === 'invalid' ? P.SIM_INVALID : P.SIM_CANNOT;
    t.locale[i] = c.localeList ?? -1;
  });
  return t;
}

export interface DecodedResult {
  top: Array<[string, number]>;
  candidates: Array<[string, number]>;
  contributed: number;
  failed: number;
}

export function decodeResult(model: PackedModel, r: P.BatchResult, i: number): DecodedResult {
  const list = (l: number) => model.pairs(r.ids, r.weights, r.offs[l], r.offs[l + 1]);
  return { top: list(2 * i), candidates: list(2 * i + 1), contributed: r.contributed[i], failed: r.failed[i] };
}
