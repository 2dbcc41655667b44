/**
 * The model version in service. `install` swaps atomically (one reference assignment): a request reads
 * the current version once and keeps using that object, so requests in flight finish on the old version
 * while new ones see the new; the old memory is freed by GC when the last of them lets go.
 */
import type { ModelFacts } from '../../recommend/contracts.js';
import { createModelFacts } from '../../recommend/model-facts.js';
import type { PackedModel } from '../kinds/taar/packed-model.js';

export interface ServingVersion {
  model: PackedModel;
  facts: ModelFacts;
  source: string;
  loadedAt: Date;
}

export class ModelRegistry {
  #current: ServingVersion | undefined;
  #listeners: Array<(v: ServingVersion, previous: ServingVersion | undefined) => void> = [];

  get current(): ServingVersion | undefined {
    return this.#current;
  }
  get model(): PackedModel | undefined {
    return this.#current?.model;
  }
  get facts(): ModelFacts | undefined {
    return this.#current?.facts;
  }

  install(model: PackedModel, source: string): ServingVersion {
    const next: ServingVersion = { model, facts: createModelFacts(model), source, loadedAt: new Date() };
    const previous = this.#current;
    this.#current = next;
    this.#listeners.forEach((l) => l(next, previous));
    return next;
  }

  onInstall(listener: (v: ServingVersion, previous: ServingVersion | undefined) => void): void {
    this.#listeners.push(listener);
  }
}
