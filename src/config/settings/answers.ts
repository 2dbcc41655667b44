/** Answers, budgets and breakers, the usable-model minimums and profile limits. */
import { bool, int, listOf } from '../values.js';
import { setting, type Setting } from './define.js';

export const FALLBACK_STEPS = ['locale', 'global'] as const;
export type FallbackStep = (typeof FALLBACK_STEPS)[number];
const ms = (max: number) => int(1, max);

export const ANSWER_SETTINGS = {
  draw: setting({
    env: 'RECSCORE_DRAW',
    flag: 'draw',
    kind: bool,
    default: true,
    doc: "TAAR's weighted draw of the results (`--no-draw` = false; per request `?draw=0\\|1`)",
  }),
  maxResults: setting({
    env: 'TAAR_MAX_RESULTS',
    flag: 'max-results',
    kind: int(1, 100),
    default: 10,
    doc: 'Results per recommendation, drawn and fallback lists alike (per request `?count=`/`?limit=` 1–100)',
  }),
  liteMaxResults: setting({
    env: 'TAARLITE_MAX_RESULTS',
    flag: 'lite-max-results',
    kind: int(1, 20),
    default: 4,
    doc: 'A TAAR-lite answer has exactly this many GUIDs or none (the model keeps 20 per GUID)',
  }),
  fallbackChain: setting({
    env: 'RECSCORE_FALLBACK_CHAIN',
    flag: 'fallback-chain',
    kind: listOf(FALLBACK_STEPS),
    default: FALLBACK_STEPS as readonly FallbackStep[],
    doc: 'Fallback steps tried in order; `none` answers `[]` as TAAR does',
  }),
  // Budgets and breakers.
  profileBudgetMs: setting({
    env: 'RECSCORE_PROFILE_BUDGET_MS',
    flag: 'profile-budget-ms',
    kind: ms(60_000),
    default: 15,
    doc: 'Budget of the profile lookup',
  }),
  scoringBudgetMs: setting({
    env: 'RECSCORE_SCORING_BUDGET_MS',
    flag: 'scoring-budget-ms',
    kind: ms(60_000),
    default: 25,
    doc: 'Budget of scoring',
  }),
  totalBudgetMs: setting({
    env: 'RECSCORE_TOTAL_BUDGET_MS',
    flag: 'total-budget-ms',
    kind: ms(60_000),
    default: 50,
    doc: 'Budget of the whole recommendation',
  }),
  breakerFailures: setting({
    env: 'RECSCORE_BREAKER_FAILURES',
    flag: 'breaker-failures',
    kind: int(1, 10_000),
    default: 5,
    doc: "Consecutive profile-store failures that open its breaker (scorer: the sampled rate's minimum count)",
  }),
  breakerHalfOpenMs: setting({
    env: 'RECSCORE_BREAKER_HALF_OPEN_MS',
    flag: 'breaker-half-open-ms',
    kind: ms(3_600_000),
    default: 5_000,
    doc: 'How long an open breaker waits before one probe',
  }),
  // Model versions that cannot personalise are refused (src/model/kinds/taar/usable.ts); 0 turns a check off.
  modelMinWhitelist: setting({
    env: 'RECSCORE_MODEL_MIN_WHITELIST',
    flag: 'model-min-whitelist',
    kind: int(0, 1_000_000_000),
    default: 1,
    doc: 'A model version needs at least this many whitelisted GUIDs',
  }),
  modelMinItems: setting({
    env: 'RECSCORE_MODEL_MIN_ITEMS',
    flag: 'model-min-items',
    kind: int(0, 1_000_000_000),
    default: 1,
    doc: 'A model version needs at least this many item-matrix rows',
  }),
  modelMinDonors: setting({
    env: 'RECSCORE_MODEL_MIN_DONORS',
    flag: 'model-min-donors',
    kind: int(0, 1_000_000_000),
    default: 1,
    doc: 'A model version needs at least this many donors',
  }),
  // Profiles.
  maxProfileBytes: setting({
    env: 'RECSCORE_MAX_PROFILE_BYTES',
    flag: 'max-profile-bytes',
    kind: int(1_024, 16_777_216),
    default: 65_536,
    doc: 'A stored profile larger than this fails its own request (never transferred from Redis)',
  }),
} satisfies Record<string, Setting<unknown>>;
