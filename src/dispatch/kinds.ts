/**
 * The per-kind parts that live above the model layer, keyed by the kind's name (src/model/kind.ts says
 * what the model layer asks of a kind). The composition root (src/server/start.ts) takes a kind's entry
 * here and hands its functions down: `finish` to the off-thread loader, `createFacts` to the registry,
 * so the model lifecycle never imports the kernel or the recommenders. The pool looks a version's kind up
 * here for its batch encoding and warm-up, so it never names a kind either.
 *
 * A new kind adds one entry here (its ModelKind, its kernel's pack-time step, the facts its fallbacks
 * need, its batch encoder and warm-up batch) and its batch scorer to the worker's table
 * (src/dispatch/worker.ts; tasks carry the kind's name). Requests reach the pool encoded by the kind's
 * own request encoder (TAAR: client-features + ScoringPool.score; SAR: sar-encode.ts + sar-scorer.ts).
 */
import { RecscoreError } from '../errors.js';
import { finishPacking } from '../kernel/wasm-kernel.js';
import type { ModelKind, ServableModel } from '../model/kind.js';
import { sarKind } from '../model/kinds/sar/kind.js';
import type { SarPackedModel } from '../model/kinds/sar/packed-model.js';
import { taarKind } from '../model/kinds/taar/kind.js';
import type { PackedModel } from '../model/kinds/taar/packed-model.js';
import { encodeClient } from '../recommend/client-features.js';
import type { ModelFacts } from '../recommend/contracts.js';
import { createModelFacts } from '../recommend/model-facts.js';
import { createSarFacts } from '../recommend/sar/facts.js';
import { encodeBatch, type BatchRequest } from './encode-batch.js';
import type { TaskBase } from './protocol.js';
import { encodeSarBatch, type SarEncoded } from './sar-encode.js';
import { SAR_USER } from './sar-protocol.js';

export interface ServingKind<M extends ServableModel = ServableModel, R = unknown> {
  model: ModelKind<M>;
  /** The kernel's pack-time step on a freshly packed memory, before the version is opened. */
  finish(memory: WebAssembly.Memory): void;
  /** What fallbacks, test clients and TAAR-lite read on the main thread. */
  createFacts(model: M): ModelFacts;
  /** One batch task of encoded requests of this kind, all on `model` (the pool's items carry more fields). */
  encodeBatch(model: M, requests: readonly R[]): TaskBase;
  /** A small batch that makes a worker instantiate the version's kernel (ScoringPool.warm). */
  warmBatch(model: M): TaskBase;
}

export const taarServing: ServingKind<PackedModel, BatchRequest> = {
  model: taarKind,
  finish: finishPacking,
  createFacts: createModelFacts,
  encodeBatch: (model, requests) => encodeBatch(model, requests as BatchRequest[]),
  warmBatch(model) {
    const installed = model.meta.whitelist.slice(0, 3).map((id) => model.guids[id]);
    const client = encodeClient(model, { client_id: 'warm-up', installed_addons: installed }, {});
    const size = model.meta.whitelist.length;
    return encodeBatch(model, [
      { client, pick: { mode: 'draw', size: 10, seed: 1 } },
      { client, pick: { mode: 'top', size } },
    ]);
  },
};

export const sarServing: ServingKind<SarPackedModel, SarEncoded> = {
  model: sarKind,
  // Nothing to compute at pack time: the SAR image is complete as training wrote it.
  finish: () => {},
  createFacts: createSarFacts,
  encodeBatch: encodeSarBatch,
  warmBatch(model) {
    const hasUser = model.model.aff.rowPtr.length > 1;
    return encodeSarBatch(model, hasUser ? [{ mode: SAR_USER, user: 0, k: 10, flags: 0 }] : []);
  },
};

export const servingKinds = { [taarKind.name]: taarServing, [sarKind.name]: sarServing } as const;

/** The serving parts of a kind by name; an unknown name is a typed error naming the known ones. */
export function servingKind(name: string): ServingKind {
  if (Object.hasOwn(servingKinds, name)) return servingKinds[name] as unknown as ServingKind;
  const known = Object.keys(servingKinds).join(', ');
  throw new RecscoreError('RECSCORE_INTERNAL', `unknown model kind ${JSON.stringify(name)}; known: ${known}`);
}
