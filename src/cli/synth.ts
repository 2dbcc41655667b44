/**
 * `recscore models synth`: writes a deterministic synthetic TAAR model set (and optionally client
 * profiles) for the demo server, benchmarks and load tests. Exit codes: 0 done, 2 bad arguments.
 */
import { parseArgs } from 'node:util';
import { RecscoreError, isRecscoreError } from '../errors.js';
import { optionError } from './args.js';
import {
  SYNTH_PRESET_NAMES,
  generateModelSet,
  generateProfiles,
  resolveSynthPreset,
  writeModelSet,
  writeProfiles,
  type SynthOptions,
  type SynthOutput,
} from '../model/synth/index.js';

export const SYNTH_USAGE =
  `usage: recscore models synth --out DIR [--preset ${SYNTH_PRESET_NAMES.join('|')}] [--seed N] [--items N] ` +
  `[--donors N]
                             [--profiles FILE.jsonl] [--profile-count N]`;

interface SynthArgs {
  out: string;
  preset: string;
  seed?: number;
  items?: number;
  donors?: number;
  profilesFile?: string;
  profileCount?: number;
}

export async function synthCommand(args: string[]): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(`${SYNTH_USAGE}\n`);
    return 0;
  }
  let parsed: SynthArgs;
  let model: SynthOptions;
  let profiles: number;
  let output: SynthOutput;
  let started = performance.now();
  try {
    parsed = parseSynthArgs(args);
    const { seed, items, donors, profileCount } = parsed;
    ({ model, profiles } = resolveSynthPreset(parsed.preset, { seed, items, donors, profiles: profileCount }));
    output = generateModelSet(model); // validates every size
  } catch (e) {
    if (!isRecscoreError(e)) throw e;
    process.stderr.write(`error ${e.code}: ${e.message}\n${SYNTH_USAGE}\n`);
    return 2;
  }
  await writeModelSet(parsed.out, output);
  const seconds = () => ((performance.now() - started) / 1000).toFixed(1);
  process.stdout.write(
    `wrote 9 model files to ${parsed.out} (preset ${parsed.preset}, seed ${model.seed}: ` +
      `${output.itemMatrix.length} items × ` +
      `${model.factors}, ${output.donors.length} donors, ${output.whitelist.length} whitelisted, ` +
      `${Object.keys(output.coinstall).length} co-install rows) in ${seconds()} s\n`,
  );
  if (parsed.profilesFile !== undefined) {
    started = performance.now();
    await writeProfiles(parsed.profilesFile, generateProfiles(output, { seed: model.seed, count: profiles }));
    process.stdout.write(`wrote ${profiles} profiles to ${parsed.profilesFile} in ${seconds()} s\n`);
  }
  return 0;
}

/** Throws RecscoreError RECSCORE_CONFIG naming the offending argument. */
export const SYNTH_OPTIONS = {
  out: { type: 'string' },
  preset: { type: 'string' },
  seed: { type: 'string' },
  items: { type: 'string' },
  donors: { type: 'string' },
  profiles: { type: 'string' },
  'profile-count': { type: 'string' },
} as const;

export function parseSynthArgs(args: string[]): SynthArgs {
  let values: Record<string, string | undefined>;
  try {
    ({ values } = parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: SYNTH_OPTIONS,
    }));
  } catch (e) {
    throw optionError(e, Object.keys(SYNTH_OPTIONS));
  }
  if (!values.out) throw new RecscoreError('RECSCORE_CONFIG', '--out DIR is required');
  if (values.profiles === '') throw new RecscoreError('RECSCORE_CONFIG', '--profiles needs a file name');
  return {
    out: values.out,
    preset: values.preset ?? 'demo',
    seed: intArg('--seed', values.seed),
    items: intArg('--items', values.items),
    donors: intArg('--donors', values.donors),
    profilesFile: values.profiles,
    profileCount: intArg('--profile-count', values['profile-count']),
  };
}

function intArg(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!/^\d+$/.test(v) || !Number.isSafeInteger(n)) {
    throw new RecscoreError('RECSCORE_CONFIG', `${name} must be a non-negative integer, got "${v}"`);
  }
  return n;
}
