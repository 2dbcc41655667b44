/**
 * `--help` lists every option each command accepts (with defaults and variables), and an unknown option
 * names the nearest one.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createModelBody } from '../control/model-params.js';
import { isRecscoreError } from '../errors.js';
import { SETTINGS } from '../config/index.js';
import type { Setting } from '../config/settings.js';
import { optionError, parse } from './args.js';
import { commandHelp, formatHelp, fullHelp, HELP_COMMANDS } from './help.js';
import { PROFILES_OPTIONS } from './profiles.js';
import { SYNTH_OPTIONS } from './synth.js';

/** The options a command's parser accepts, from the error its parser raises for an unknown option. */
async function acceptedBy(run: (args: string[]) => Promise<number>): Promise<string[]> {
  try {
    await run(['--zz-not-an-option']);
  } catch (e) {
    if (isRecscoreError(e) && Array.isArray(e.details?.known)) return e.details.known as string[];
    throw e;
  }
  throw new Error('accepted an unknown option');
}

test("serve's help is the settings table: every flag, its default and its variable", () => {
  const text = formatHelp('serve', commandHelp('serve')!);
  for (const s of Object.values(SETTINGS) as Setting<unknown>[]) {
    if (!s.flag) {
      assert.match(text, new RegExp(s.env!), `${s.env} (no flag) is named`);
      continue;
    }
    const line = text.split('\n').find((l) => l.startsWith(`  --${s.flag} `) || l === `  --${s.flag}`);
    assert.ok(line, `--${s.flag} listed`);
    const block = text.slice(text.indexOf(line));
    const entry = block.slice(0, block.indexOf('\n  --', 1) === -1 ? undefined : block.indexOf('\n  --', 1));
    assert.ok(entry.includes(`default ${s.shown}`), `--${s.flag} shows its default ${s.shown}`);
    if (s.env) assert.ok(entry.includes(`env ${s.env}`), `--${s.flag} shows ${s.env}`);
  }
});

test('every command lists exactly the options its parser accepts', async () => {
  const parsers: Record<string, () => Promise<string[]>> = {
    score: async () => acceptedBy((await import('./score.js')).scoreCommand),
    related: async () => acceptedBy((await import('./related.js')).relatedCommand),
    'models pack': async () => acceptedBy((await import('./models-pack.js')).packCommand),
    events: async () => acceptedBy((await import('./events.js')).eventsCommand),
    stats: async () => acceptedBy((await import('./events.js')).statsCommand),
    'models synth': async () => Object.keys(SYNTH_OPTIONS),
    ...Object.fromEntries(
      ['list', 'show', 'train', 'delete', 'default'].map((sub) => [
        `models ${sub}`,
        async () => acceptedBy(async (args) => (await import('./models-api.js')).modelsApiCommand(sub, args)),
      ]),
    ),
    profiles: async () => Object.keys(PROFILES_OPTIONS),
    serve: async () => Object.keys(commandHelp('serve')!.options),
  };
  assert.deepEqual(Object.keys(parsers).sort(), [...HELP_COMMANDS].sort());
  for (const name of HELP_COMMANDS) {
    const listed = Object.keys(commandHelp(name)!.options).sort();
    assert.deepEqual(listed, (await parsers[name]()).sort(), name);
  }
  for (const name of HELP_COMMANDS) assert.ok(fullHelp().includes(`recscore ${name}: `), name);
});

test("models train's help shows the API's defaults (createModelBody)", () => {
  const d = createModelBody.parse({ usage: 'x' });
  const o = commandHelp('models train')!.options;
  assert.deepEqual(
    [o.similarity.default, o.threshold.default, o.unit.default, o['decay-days'].default],
    [d.similarityFunction, String(d.supportThreshold), d.cooccurrenceUnit, String(d.decayPeriodInDays)],
  );
});

test('an unknown option names itself and the nearest known one', () => {
  const options = { models: { type: 'string' }, profiles: { type: 'string' }, limit: { type: 'string' } } as const;
  assert.throws(() => parse(['--modles', 'x'], options), {
    code: 'RECSCORE_CONFIG',
    message: 'unknown option --modles; did you mean --models?',
  });
  assert.throws(() => parse(['--limt=3'], options), { message: 'unknown option --limt; did you mean --limit?' });
  // Nothing close: the known options instead of a wild guess.
  assert.throws(() => parse(['--xyzzy'], options), {
    message: 'unknown option --xyzzy (options: --models, --profiles, --limit)',
  });
  const other = optionError(
    Object.assign(new Error('bad\nvalue'), { code: 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' }),
    [],
  );
  assert.equal(other.message, 'bad value');
});
