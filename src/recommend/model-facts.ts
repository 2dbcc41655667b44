/**
 * ModelFacts (contracts.ts) of one packed model version: what fallbacks, test clients and TAAR-lite need
 * on the main thread. TAAR-lite runs here on a main-thread kernel instance: a query touches at most 20
 * row entries (µs), less than a hand-off to a worker would cost.
 */
import { WasmKernel } from '../kernel/wasm-kernel.js';
import type { PackedModel } from '../model/packed-model.js';
import type { ModelFacts, WeightedList } from './contracts.js';
import { related } from './related.js';

export function createModelFacts(model: PackedModel): ModelFacts {
  const kernel = new WasmKernel(model.memory);
  const guids = model.guids;
  const whitelist = model.meta.whitelist.map((id) => guids[id]);
  const testClientCandidates: WeightedList = whitelist.map((g, i) => [g, model.meta.testWeights[i]]);
  const globalTop: WeightedList = model.meta.globalTop.map(([id, n]) => [guids[id], n]);
  const localeCache = new Map<string, WeightedList | undefined>();
  return {
    version: model.version,
    whitelist,
    testClientCandidates,
    globalTop,
    localeTop(locale: string) {
      if (!localeCache.has(locale)) {
        const l = model.localeList(locale);
        localeCache.set(locale, l && model.pairs(l.ids, l.weights));
      }
      return localeCache.get(locale);
    },
    related: (guid, normalize, limit) => related(kernel, model, guid, normalize, limit),
  };
}
