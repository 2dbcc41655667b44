/**
 * The model version in service. `install` swaps atomically (one reference assignment): a request reads
 * `current` once and keeps using that object through scoring, so requests in flight finish on the old
 * version while new ones see the new; the old memory is freed by GC when the last of them lets go.
 *
 * Kind-neutral: the facts of a version (what fallbacks need on the main thread) are made by
 * `createFacts`, which the composition root passes in (src/server/start.ts; it lives in a higher layer).
 */
import type { ServableModel } from '../kind.js';

export interface ServingVersion<M extends ServableModel = ServableModel, F = unknown> {
  model: M;
  facts: F;
  source: string;
  loadedAt: Date;
}

export class ModelRegistry<M extends ServableModel = ServableModel, F = unknown> {
  readonly #createFacts: (model: M) => F;
  #current: ServingVersion<M, F> | undefined;
  #listeners: Array<(v: ServingVersion<M, F>, previous: ServingVersion<M, F> | undefined) => void> = [];

  constructor(createFacts: (model: M) => F) {
    this.#createFacts = createFacts;
  }

  get current(): ServingVersion<M, F> | undefined {
    return this.#current;
  }
  get model(): M | undefined {
    return this.#current?.model;
  }
  get facts(): F | undefined {
    return this.#current?.facts;
  }

  install(model: M, source: string): ServingVersion<M, F> {
    const next: ServingVersion<M, F> = { model, facts: this.#createFacts(model), source, loadedAt: new Date() };
    const previous = this.#current;
    this.#current = next;
    this.#listeners.forEach((l) => l(next, previous));
    return next;
  }

  onInstall(listener: (v: ServingVersion<M, F>, previous: ServingVersion<M, F> | undefined) => void): void {
    this.#listeners.push(listener);
  }
}
