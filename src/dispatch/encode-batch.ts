/** Requests ⇄ the batch messages of protocol.ts (main-thread side of the worker protocol). */
import type { PackedModel } from '../model/kinds/taar/packed-model.js';
import { RecscoreError } from '../errors.js';
import type {
  Pick,
  RecommenderFailure,
  RecommenderName,
  ScoreInput,
  ScoreOutput,
  WeightedList,
} from '../recommend/contracts.js';
import type { EncodedClient } from '../recommend/client-features.js';
import { invalidSimilarityInput, SIMILARITY_LR_FAILURE } from '../recommend/score-client.js';
import * as P from './protocol.js';

export interface BatchRequest {
  client: EncodedClient;
  pick: Pick;
}

export function encodeBatch(model: PackedModel, requests: BatchRequest[]): P.BatchTask {
  const n = requests.length;
  let nh = 0;
  let ni = 0;
  for (const { client } of requests) {
    nh += client.hashes.length;
    ni += client.installedIds.length;
  }
  const { buffer, views: t } = P.newTask(n, nh, ni);
  for (let i = 0; i < n; i++) {
    const { client: c, pick } = requests[i];
    t.pickMode[i] = pick.mode === 'draw' ? P.PICK_DRAW : pick.mode === 'lists' ? P.PICK_LISTS : P.PICK_TOP;
    t.pickSize[i] = pick.size;
    if (pick.mode === 'draw') t.seed[i] = pick.seed;
    t.hashes.set(c.hashes, t.hashOffs[i]);
    t.hashOffs[i + 1] = t.hashOffs[i] + c.hashes.length;
    let at = t.instOffs[i];
    for (const id of c.installedIds) t.instIds[at++] = id;
    t.instOffs[i + 1] = at;
    t.installedCount[i] = c.installedCount;
    t.canCollab[i] = c.canCollaborative ? 1 : 0;
    if (c.similarity.kind === 'ok') {
      t.sim[i] = P.SIM_OK;
      t.cont.set(c.similarity.cont, 5 * i);
      t.cat.set(c.similarity.cat, 3 * i);
    } else t.sim[i] = c.similarity.kind === 'invalid' ? P.SIM_INVALID : P.SIM_CANNOT;
    t.locale[i] = c.localeList ?? -1;
  }
  return {
    kind: model.kind,
    version: model.version,
    memory: model.memory,
    n,
    nh,
    ni,
    candidatesLimit: model.meta.whitelist.length,
    buffer,
  };
}

export interface DecodedResult {
  picked: WeightedList;
  candidateCount: number;
  contributed: number;
  failed: number;
  /** PICK_LISTS: the four lists by name (P.LIST_ORDER). */
  lists?: Record<(typeof P.LIST_ORDER)[number], WeightedList>;
}

/** Decodes request i of a result (views: P.resultViews of it, made once per batch). */
export function decodeResult(model: PackedModel, r: P.ResultViews, i: number, lists = false): DecodedResult {
  if (lists) {
    const out: Partial<Record<(typeof P.LIST_ORDER)[number], WeightedList>> = {};
    let at = r.offs[i];
    P.LIST_ORDER.forEach((name, k) => {
      const len = r.parts[P.LIST_ORDER.length * i + k];
      out[name] = model.pairs(r.ids, r.weights, at, at + len);
      at += len;
    });
    const all = out as Record<(typeof P.LIST_ORDER)[number], WeightedList>;
    return {
      picked: all.ensemble,
      candidateCount: r.candidateCount[i],
      contributed: r.contributed[i],
      failed: r.failed[i],
      lists: all,
    };
  }
  return {
    picked: model.pairs(r.ids, r.weights, r.offs[i], r.offs[i + 1]),
    candidateCount: r.candidateCount[i],
    contributed: r.contributed[i],
    failed: r.failed[i],
  };
}

const NAMES: Array<[number, RecommenderName]> = [
  [P.CONTRIB_COLLABORATIVE, 'collaborative'],
  [P.CONTRIB_SIMILARITY, 'similarity'],
  [P.CONTRIB_LOCALE, 'locale'],
];

/** A TAAR request's answer from request i of its batch's result (the pool's `score`, and trips). */
export function taarOutput(
  model: PackedModel,
  client: EncodedClient,
  input: ScoreInput,
  r: P.ResultViews,
  i: number,
): ScoreOutput {
  const d = decodeResult(model, r, i, input.pick.mode === 'lists');
  if (d.failed & P.FAIL_REQUEST) {
    const message = 'scoring this request failed in the worker (its batch-mates were scored)';
    throw new RecscoreError('RECSCORE_REQUEST_FAILED', message, { reason: 'request-failed' });
  }
  const failures: RecommenderFailure[] = [];
  if (client.similarity.kind === 'invalid') failures.push(invalidSimilarityInput(client.similarity.message));
  if (d.failed & P.FAIL_SIMILARITY_LR) failures.push(SIMILARITY_LR_FAILURE);
  return {
    modelVersion: model.version,
    picked: d.picked,
    candidateCount: d.candidateCount,
    contributed: NAMES.filter(([bit]) => d.contributed & bit).map(([, n]) => n),
    failures,
    ...(d.lists ? { lists: d.lists } : {}),
  };
}
