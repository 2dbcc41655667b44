/** Deterministic synthetic TAAR model sets and client profiles (demo server, benchmarks, load tests). */
export { generateModelSet } from './model-set.js';
export { generateProfiles } from './profiles.js';
export { writeModelSet, writeProfiles, type WriteModelSetOptions } from './write.js';
export {
  SYNTH_PRESETS,
  SYNTH_PRESET_NAMES,
  DEFAULT_SYNTH_SEED,
  resolveSynthPreset,
  type SynthPreset,
  type SynthPresetName,
  type SynthOverrides,
} from './presets.js';
export { validateSynthOptions, MAX_SYNTH_ITEMS, MAX_SYNTH_GUIDS } from './options.js';
export type { SynthOptions, SynthOutput, SynthDonor, SynthProfile, SynthMappingEntry } from './types.js';
export { Prng } from './prng.js';
export { float32Shortest, javaFloatText } from './float-text.js';
