/**
 * The per-kind parts that live above the model layer, keyed by the kind's name (src/model/kind.ts says
 * what the model layer asks of a kind). The composition root (src/server/start.ts) takes a kind's entry
 * here and hands its functions down: `finish` to the off-thread loader, `createFacts` to the registry,
 * so the model lifecycle never imports the kernel or the recommenders.
 *
 * A new kind adds one entry here (its ModelKind, its kernel's pack-time step, the facts its fallbacks
 * need) and its batch scorer to the worker's table (src/dispatch/worker.ts; tasks carry the kind's name).
 * Still TAAR-shaped: the pool's request encoding (encode-batch.ts, client-features) and ScoreInput; a
 * second kind's requests need their own encoder keyed by the same name.
 */
import { finishPacking } from '../kernel/wasm-kernel.js';
import type { ModelKind, ServableModel } from '../model/kind.js';
import { taarKind } from '../model/kinds/taar/kind.js';
import type { PackedModel } from '../model/kinds/taar/packed-model.js';
import type { ModelFacts } from '../recommend/contracts.js';
import { createModelFacts } from '../recommend/model-facts.js';

export interface ServingKind<M extends ServableModel = ServableModel> {
  model: ModelKind<M>;
  /** The kernel's pack-time step on a freshly packed memory, before the version is opened. */
  finish(memory: WebAssembly.Memory): void;
  /** What fallbacks, test clients and TAAR-lite read on the main thread. */
  createFacts(model: M): ModelFacts;
}

export const taarServing: ServingKind<PackedModel> = {
  model: taarKind,
  finish: finishPacking,
  createFacts: createModelFacts,
};

export const servingKinds = { [taarKind.name]: taarServing } as const;
