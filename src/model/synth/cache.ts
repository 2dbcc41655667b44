/**
 * Generates a synthetic model set + profiles once into a folder and reuses it afterwards (the demo
 * server, load tests). A `READY` marker is written last, so an interrupted generation is redone.
 */
import { existsSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  generateModelSet,
  generateProfiles,
  resolveSynthPreset,
  writeModelSet,
  writeProfiles,
  type SynthOverrides,
} from './index.js';

export interface SynthData {
  models: string;
  profiles: string;
}

export async function ensureSynthData(
  dir: string,
  preset = 'demo',
  overrides: SynthOverrides = {},
): Promise<SynthData> {
  const out: SynthData = { models: join(dir, 'models'), profiles: join(dir, 'profiles.jsonl') };
  if (existsSync(join(dir, 'READY'))) return out;
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const { model, profiles } = resolveSynthPreset(preset, overrides);
  const set = generateModelSet(model);
  await writeModelSet(out.models, set);
  await writeProfiles(out.profiles, generateProfiles(set, { seed: model.seed, count: profiles }));
  await writeFile(join(dir, 'READY'), JSON.stringify({ preset, overrides, at: new Date().toISOString() }));
  return out;
}
