import { RecscoreError } from '../../errors.js';
import { MAX_SYNTH_GUIDS } from './options.js';
import type { SynthOptions } from './types.js';

export interface SynthPreset {
  model: Omit<SynthOptions, 'seed'>;
  profiles: number;
}

/**
 * `demo` has the vectors' scale (SPEC §12.2); `large` is 50× its GUIDs/items with 20× the donors,
 * for load tests. Benchmarks override `items`/`donors` (up to a 1M-item matrix).
 */
export const SYNTH_PRESETS = {
  demo: {
    model: {
      guids: 2_000,
      items: 1_900,
      factors: 20,
      donors: 1_000,
      locales: 40,
      whitelist: 200,
      coinstallKeys: 600,
      lrPoints: 1_000,
    },
    profiles: 2_000,
  },
  large: {
    model: {
      guids: 100_000,
      items: 95_000,
      factors: 20,
      donors: 20_000,
      locales: 40,
      whitelist: 200,
      coinstallKeys: 5_000,
      lrPoints: 1_000,
    },
    profiles: 20_000,
  },
} as const satisfies Record<string, SynthPreset>;

export type SynthPresetName = keyof typeof SYNTH_PRESETS;
export const SYNTH_PRESET_NAMES = Object.keys(SYNTH_PRESETS) as SynthPresetName[];
export const DEFAULT_SYNTH_SEED = 20261122;

export interface SynthOverrides {
  seed?: number;
  items?: number;
  donors?: number;
  profiles?: number;
}

/**
 * A preset with overrides applied. Raising `items` past the preset's universe raises `guids` with it,
 * keeping the presets' 95 % item share, so `--items 1000000` alone is enough for a benchmark model.
 */
export function resolveSynthPreset(
  name: string,
  overrides: SynthOverrides = {},
): { model: SynthOptions; profiles: number } {
  if (!Object.hasOwn(SYNTH_PRESETS, name)) {
    throw new RecscoreError(
      'RECSCORE_BAD_OPTION',
      `unknown synth preset "${name}" (expected ${SYNTH_PRESET_NAMES.join(' or ')})`,
    );
  }
  const preset: SynthPreset = SYNTH_PRESETS[name as SynthPresetName];
  const model: SynthOptions = { ...preset.model, seed: overrides.seed ?? DEFAULT_SYNTH_SEED };
  if (overrides.items !== undefined) {
    model.items = overrides.items;
    model.guids = Math.min(MAX_SYNTH_GUIDS, Math.max(model.guids, Math.ceil(overrides.items / 0.95)));
  }
  if (overrides.donors !== undefined) model.donors = overrides.donors;
  return { model, profiles: overrides.profiles ?? preset.profiles };
}
