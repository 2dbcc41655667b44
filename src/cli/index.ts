#!/usr/bin/env node
/**
 * The `recscore` command: the one entry point with side effects. Each subcommand module exports an
 * async function returning the exit code; errors print as one line (`error CODE: message`), with the
 * stack only under --debug.
 */
import { isRecscoreError } from '../errors.js';
import { commandHelp, formatHelp, fullHelp } from './help.js';

type Command = (args: string[]) => Promise<number>;

const COMMANDS: Record<string, () => Promise<Command>> = {
  score: async () => (await import('./score.js')).scoreCommand,
  related: async () => (await import('./related.js')).relatedCommand,
  serve: async () => (await import('./serve.js')).serveCommand,
  'models synth': async () => (await import('./synth.js')).synthCommand,
  'models pack': async () => (await import('./models-pack.js')).packCommand,
  profiles: async () => (await import('./profiles.js')).profilesCommand,
  events: async () => (await import('./events.js')).eventsCommand,
  stats: async () => (await import('./events.js')).statsCommand,
  sar: async () => (await import('./sar.js')).sarCommand,
};

const USAGE = `usage: recscore <command> [options]
  score    --models DIR --profiles FILE.jsonl [--limit N]
  related  --models DIR (--guid GUID [--normalize MODE] | --queries FILE.jsonl) [--limit N]
  serve    [--models DIR|gs://…] [--profiles FILE|redis://HOST:PORT[/DB]] [--profiles-prefix P] [--port N] [--demo]
           (every setting: README "Configuration")
  models synth --out DIR [--preset demo|large] [--seed N]
  models pack  --models SRC --out FILE
  profiles load FILE --redis URL | profiles --info|--reset --redis URL
  events export --from DAY --to DAY --format jsonl|parquet|csv [--out FILE] [--events DIR|redis://…]
  stats distinct|engagement|ctr [--from DAY --to DAY | --day DAY] [--event T] [--by DIM] [--where dim=value]
  sar train|recommend|similar|popular|evaluate|synth …   (recscore sar --help)`;

export async function main(argv: string[]): Promise<number> {
  const debug = argv.includes('--debug');
  const [first, second] = argv;
  const key = first === 'models' && second ? `models ${second}` : first;
  const load = key ? COMMANDS[key] : undefined;
  if (first === '--help' || first === '-h' || first === 'help') {
    process.stdout.write(fullHelp());
    return 0;
  }
  if (!load) {
    const unknown = first ? `error RECSCORE_CONFIG: unknown command "${argv.slice(0, 2).join(' ')}"\n` : '';
    process.stderr.write(`${unknown}${USAGE}\n`);
    return 2;
  }
  const rest = argv.slice(key!.split(' ').length).filter((a) => a !== '--debug');
  const help = commandHelp(key!);
  // `sar` and `profiles` have subcommands with their own usage; every other command's help is here.
  if (help && (rest.includes('--help') || rest.includes('-h'))) {
    process.stdout.write(formatHelp(key!, help));
    return 0;
  }
  try {
    return await (await load())(rest);
  } catch (e) {
    if (isRecscoreError(e)) {
      process.stderr.write(`error ${e.code}: ${e.message}\n`);
      if (debug) process.stderr.write(`${e.stack}\n`);
      return e.code === 'RECSCORE_CONFIG' ? 2 : 1;
    }
    process.stderr.write(`error RECSCORE_INTERNAL: ${(e as Error)?.message ?? String(e)}\n`);
    if (debug) process.stderr.write(`${(e as Error)?.stack}\n`);
    return 1;
  }
}

const code = await main(process.argv.slice(2));
// Let pending stdout writes flush before exiting.
process.exitCode = code;
