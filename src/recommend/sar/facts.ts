/**
 * ModelFacts (contracts.ts) of a SAR version: what the fallback chain reads on the main thread. SAR has
 * no locales, whitelist or TAAR-lite table; its top-popular list is the items by frequency (SPEC §7),
 * which is what the API back-fills with for unknown users.
 */
import { popularItems } from '../../kernel/sar/popularity.js';
import type { SarPackedModel } from '../../model/kinds/sar/packed-model.js';
import type { ModelFacts } from '../contracts.js';

/** As many as the largest `count` a request may ask for. */
export const SAR_GLOBAL_TOP = 100;

export function createSarFacts(version: SarPackedModel): ModelFacts {
  const globalTop = popularItems(version.model, SAR_GLOBAL_TOP);
  return {
    version: version.version,
    whitelist: [],
    testClientCandidates: [],
    globalTop,
    localeTop: () => undefined,
    related: () => [],
  };
}
