/**
 * ModelFacts (contracts.ts) of one packed model version: what fallbacks, test clients and TAAR-lite need
 * on the main thread. TAAR-lite runs here on a main-thread kernel instance: a query touches at most 20
 * row entries (µs), less than a hand-off to a worker would cost.
 */
import { WasmKernel } from '../kernel/wasm-kernel.js';
import type { PackedModel } from '../model/kinds/taar/packed-model.js';
import type { ModelFacts, WeightedList } from './contracts.js';
import { related } from './related.js';

export function createModelFacts(model: PackedModel): ModelFacts {
  const kernel = new WasmKernel(model.memory);
  const guids = model.guids;
  const whitelist = model.meta.whitelist.map((id) => guids[id]);
  const testClientCandidates: WeightedList = whitelist.map((g, i) => [g, model.meta.testWeights[i]]);
  const globalTop: WeightedList = model.meta.globalTop.map(([id, n]) => [guids[id], n]);
  const localeTop = localeTopLookup(model);
  return {
    version: model.version,
    whitelist,
    testClientCandidates,
    globalTop,
    localeTop: (locale) => localeTop.get(locale),
    related: (guid, normalize, limit) => related(kernel, model, guid, normalize, limit),
  };
}

/**
 * The locale lists as GUID pairs, built once per locale on first use. Only locales the model has are
 * kept, so the cache is bounded by the model, not by what clients send: a miss (any string from
 * `?locale=` or Accept-Language) is one Map lookup and stores nothing (issue 10 #4).
 */
export interface LocaleTopLookup {
  get(locale: string): WeightedList | undefined;
  /** Lists cached: at most the model's locale count. */
  readonly size: number;
}

export function localeTopLookup(model: PackedModel): LocaleTopLookup {
  const cache = new Map<string, WeightedList>();
  return {
    get(locale) {
      let list = cache.get(locale);
      if (list === undefined) {
        const l = model.localeList(locale);
        if (l === undefined) return undefined;
        list = model.pairs(l.ids, l.weights);
        cache.set(locale, list);
      }
      return list;
    },
    get size() {
      return cache.size;
    },
  };
}
