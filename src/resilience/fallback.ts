/**
 * The fallback chain, as data. When the personalised path cannot answer (no profile, a stage over
 * budget, an open breaker, a shed, an empty ensemble), the request walks `chain` in order and the first
 * step that yields a non-empty list serves it; the response carries `served_by` and `reason`. Fallback
 * steps read only the model facts in memory: they never touch the pool or the profile store.
 *
 * Locale step: the hints are tried in order (profile locale, `?locale=`, first `Accept-Language`
 * tag — see src/server/locale-hints.ts), each first exactly, then by its primary subtag (`de-AT` → `de`).
 * A locale whose list is empty (`fa: []` in the vectors) is a miss.
 */
import type { ModelFacts, WeightedList } from '../recommend/contracts.js';

export const FALLBACK_REASONS = [
  'unknown-client',
  'profile-timeout',
  'profile-error',
  'profile-invalid',
  'breaker-open',
  'shed',
  'scoring-timeout',
  'scoring-error',
  'no-recommendations',
] as const;
export type FallbackReason = (typeof FALLBACK_REASONS)[number];

export type FallbackStepName = 'locale' | 'global';
/** `none`: every step of the chain came back empty (or the chain is empty): `results` is `[]`, as TAAR. */
export type ServedBy = 'ensemble' | 'test-client' | FallbackStepName | 'none';

export const DEFAULT_FALLBACK_CHAIN: readonly FallbackStepName[] = ['locale', 'global'];

export interface FallbackContext {
  facts: ModelFacts;
  localeHints: readonly string[];
}

export interface FallbackAnswer {
  servedBy: FallbackStepName | 'none';
  /** At most `limit` entries, in the step's own order (already ranked by the model). */
  list: WeightedList;
  /** The locale whose list served, for the locale step. */
  locale?: string;
}

type StepResult = { list: WeightedList; locale?: string } | undefined;

const STEPS: Record<FallbackStepName, (ctx: FallbackContext) => StepResult> = {
  locale(ctx) {
    for (const hint of ctx.localeHints) {
      for (const candidate of [hint, primarySubtag(hint)]) {
        if (!candidate) continue;
        const list = ctx.facts.localeTop(candidate);
        if (list && list.length > 0) return { list, locale: candidate };
      }
    }
    return undefined;
  },
  global(ctx) {
    return ctx.facts.globalTop.length > 0 ? { list: ctx.facts.globalTop } : undefined;
  },
};

export function runFallback(chain: readonly FallbackStepName[], ctx: FallbackContext, limit: number): FallbackAnswer {
  for (const name of chain) {
    const hit = STEPS[name](ctx);
    if (hit)
      return {
        servedBy: name,
        list: hit.list.slice(0, limit),
        ...(hit.locale !== undefined ? { locale: hit.locale } : {}),
      };
  }
  return { servedBy: 'none', list: [] };
}

function primarySubtag(tag: string): string | undefined {
  const cut = tag.search(/[-_]/);
  return cut > 0 ? tag.slice(0, cut) : undefined;
}
