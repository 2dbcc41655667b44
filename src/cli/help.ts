/**
 * `recscore --help` and `recscore <command> --help`: every option of every command with its default and
 * environment variable. `serve`'s options are the settings table (src/config/settings.ts), so they cannot
 * drift from what serve reads; the one-shot commands' options are listed here, and
 * src/cli/help.test.ts checks each list against the options the command's parser accepts
 * (`COMMAND_OPTIONS`, which the commands pass to `parse`).
 */
import { isSwitch, SETTINGS, TAAR_MODEL_VARIABLES } from '../config/index.js';
import type { Setting } from '../config/settings.js';
import { SIMILARITY_TYPES } from '../model/kinds/sar/types.js';

export interface OptionHelp {
  /** `N`, `DIR`, … (none for a switch) */
  value?: string;
  doc: string;
  default?: string;
  env?: string;
}

export interface CommandHelp {
  usage: string;
  summary: string;
  options: Record<string, OptionHelp>;
}

const DEBUG: OptionHelp = { doc: 'Print the stack with an error' };
const MODELS: OptionHelp = { value: 'DIR|gs://B/P|FILE.rscb', doc: 'Model folder, GCS prefix or packed bundle' };
const EVENTS: OptionHelp = {
  value: 'DIR|redis://…',
  doc: 'Event store',
  default: '<data dir>/events',
  env: 'RECSCORE_EVENTS',
};
const DAY = 'YYYY-MM-DD';
/** The registry client's options (src/cli/models-api.ts), on every `models list|show|train|delete|default`. */
const API_CLIENT: Record<string, OptionHelp> = {
  url: { value: 'URL', doc: 'The running server', default: 'http://127.0.0.1:8000', env: 'RECSCORE_URL' },
  key: { value: 'KEY', doc: 'An admin API key (sent as x-api-key)', env: 'RECSCORE_API_KEY' },
};
const apiCommand = (usage: string, summary: string, options: Record<string, OptionHelp> = {}): CommandHelp => ({
  usage: `recscore models ${usage} [--url URL] [--key KEY]`,
  summary: `${summary}, through a running server's /api/models`,
  options: { ...API_CLIENT, ...options },
});

const ONE_SHOT: Record<string, CommandHelp> = {
  score: {
    usage: 'recscore score --models DIR --profiles FILE.jsonl [--limit N]',
    summary: 'Score profiles offline: one JSON line per profile (every recommender and the ensemble)',
    options: {
      models: MODELS,
      profiles: { value: 'FILE.jsonl', doc: 'Profiles, one JSON object a line (TAAR vectors or client_info)' },
      limit: { value: 'N', doc: 'Entries per list, 0–100000', default: '10' },
      debug: DEBUG,
    },
  },
  related: {
    usage: 'recscore related --models DIR (--guid G [--normalize M] | --queries FILE.jsonl) [--limit N]',
    summary: 'TAAR-lite offline: add-ons installed together with one',
    options: {
      models: MODELS,
      guid: { value: 'GUID', doc: 'One add-on GUID' },
      normalize: { value: 'MODE', doc: 'Rank normalisation', default: 'rownorm_sum' },
      queries: { value: 'FILE.jsonl', doc: 'Queries, one `{"guid", "normalize"?}` a line (instead of --guid)' },
      limit: { value: 'N', doc: 'GUIDs per answer, 0–10000', default: '4' },
      debug: DEBUG,
    },
  },
  'models synth': {
    usage: 'recscore models synth --out DIR [--preset demo|large] [--seed N] [--items N] [--donors N] …',
    summary: 'Write a synthetic model (and profiles) in TAAR’s file layout',
    options: {
      out: { value: 'DIR', doc: 'Output folder' },
      preset: { value: 'demo|large', doc: 'Size preset', default: 'demo' },
      seed: { value: 'N', doc: 'Random seed', default: "the preset's" },
      items: { value: 'N', doc: 'Item-matrix rows', default: "the preset's" },
      donors: { value: 'N', doc: 'Donors', default: "the preset's" },
      profiles: { value: 'FILE', doc: 'Also write profiles to this file (.jsonl)' },
      'profile-count': { value: 'N', doc: 'Profiles to write', default: "the preset's" },
    },
  },
  'models pack': {
    usage: 'recscore models pack --models SRC --out FILE.rscb',
    summary: 'Pack a model into one bundle file (a restart is one read)',
    options: {
      models: MODELS,
      out: { value: 'FILE.rscb', doc: 'Bundle to write' },
      debug: DEBUG,
    },
  },
  'models list': apiCommand('list', 'Print every registered model'),
  'models show': apiCommand('show ID', 'Print one model: status, parameters, statistics'),
  'models train': apiCommand(
    'train --usage PATH|gs://… [--evaluation PATH] [--similarity S] [--threshold N] [--unit U] …',
    'Register a SAR model and train it; wait for the end with a progress bar (exit 1 if it fails)',
    {
      usage: {
        value: 'PATH|gs://…|events:FROM..TO',
        doc: "Usage log: a path under the server's data dir, a URL or an event range",
      },
      evaluation: { value: 'PATH', doc: 'Held-out usage log to evaluate the model on' },
      description: { value: 'TEXT', doc: 'Free text, ≤ 256 characters', default: 'empty' },
      similarity: { value: 'S', doc: `Similarity: ${SIMILARITY_TYPES.join('|')}`, default: 'jaccard' },
      threshold: { value: 'N', doc: 'Support threshold: fewer co-occurrences count as none', default: '6' },
      unit: {
        value: 'user|timestamp',
        doc: 'What co-occurs: items of a user, or of one user at one time',
        default: 'user',
      },
      'decay-days': { value: 'D', doc: 'Half-life of user affinity', default: '30' },
      'no-decay': { doc: 'No time decay of user affinity (sends enableUserAffinity false)' },
      'no-wait': { doc: 'Print the Created record and exit instead of waiting' },
    },
  ),
  'models delete': apiCommand('delete ID', 'Delete a model (cancels its training)'),
  'models default': apiCommand('default [ID]', 'Make a Completed model the default; without ID, print the default'),
  profiles: {
    usage: 'recscore profiles load FILE --redis URL [--prefix P] | profiles --info|--reset --redis URL',
    summary: 'Load profiles into Redis as a new generation, or show / delete them',
    options: {
      redis: { value: 'URL', doc: 'redis://host:port[/db]' },
      prefix: { value: 'P', doc: 'Key prefix', default: 'recscore:' },
      batch: { value: 'N', doc: 'Profiles per pipeline', default: '1000' },
      'grace-ms': { value: 'MS', doc: 'Wait before deleting the old generation', default: '0' },
      info: { doc: 'Show the live generation' },
      reset: { doc: 'Delete every generation' },
      help: { doc: 'This help' },
    },
  },
  events: {
    usage: `recscore events export --from ${DAY} --to ${DAY} --format jsonl|parquet|csv [--out FILE]`,
    summary: 'Export the event log',
    options: {
      from: { value: DAY, doc: 'First day' },
      to: { value: DAY, doc: 'Last day' },
      format: { value: 'jsonl|parquet|csv', doc: 'Output format' },
      out: { value: 'FILE', doc: 'Output file (parquet needs one)', default: 'stdout' },
      events: EVENTS,
    },
  },
  stats: {
    usage: `recscore stats distinct|engagement|ctr [--from ${DAY} --to ${DAY} | --day ${DAY}] [--event T] …`,
    summary: 'Engagement figures from the event store (as GET /v1/stats/…)',
    options: {
      from: { value: DAY, doc: 'First day (distinct, ctr)' },
      to: { value: DAY, doc: 'Last day (distinct, ctr)' },
      day: { value: DAY, doc: 'The day (engagement)' },
      event: { value: 'T[,T…]', doc: 'Event types', default: 'all' },
      by: { value: 'DIM', doc: 'Break down by (ctr)', default: 'served_by' },
      where: { value: 'dim=value', doc: 'Segment (repeatable)' },
      events: EVENTS,
    },
  },
};

function serveHelp(): CommandHelp {
  const options: Record<string, OptionHelp> = {};
  for (const s of Object.values(SETTINGS) as Setting<unknown>[]) {
    if (!s.flag) continue;
    options[s.flag] = {
      ...(isSwitch(s) ? {} : { value: s.kind.describe }),
      doc: s.doc.replace(/`/g, ''),
      default: s.shown,
      ...(s.env ? { env: s.env } : {}),
    };
  }
  options['no-draw'] = { doc: 'Same as --draw false' };
  options.debug = DEBUG;
  const envOnly = (Object.values(SETTINGS) as Setting<unknown>[]).filter((s) => !s.flag && s.env);
  return {
    usage: 'recscore serve [options]',
    summary:
      'Serve recommendations over HTTP. A flag wins over its variable, which wins over the default. ' +
      `Variables without a flag: ${envOnly.map((s) => s.env).join(', ')}, and TAAR's ${TAAR_MODEL_VARIABLES[0]} … ` +
      `(${TAAR_MODEL_VARIABLES.length} model locations)`,
    options,
  };
}

/** The help of one command, or undefined for an unknown name. `sar` prints its own (recscore sar --help). */
export function commandHelp(name: string): CommandHelp | undefined {
  return name === 'serve' ? serveHelp() : ONE_SHOT[name];
}

export const HELP_COMMANDS = [
  'score',
  'related',
  'serve',
  'models synth',
  'models pack',
  'models list',
  'models show',
  'models train',
  'models delete',
  'models default',
  'profiles',
  'events',
  'stats',
];

export function formatHelp(name: string, help: CommandHelp): string {
  const rows = Object.entries(help.options).map(([flag, o]) => {
    const left = `  --${flag}${o.value ? ` ${o.value}` : ''}`;
    const extra = [o.default !== undefined ? `default ${o.default}` : '', o.env ? `env ${o.env}` : '']
      .filter(Boolean)
      .join('; ');
    return { left, right: `${o.doc}${extra ? ` [${extra}]` : ''}` };
  });
  const width = Math.min(44, Math.max(...rows.map((r) => r.left.length)) + 2);
  const lines = rows.map((r) =>
    r.left.length + 2 > width ? `${r.left}\n${' '.repeat(width)}${r.right}` : r.left.padEnd(width) + r.right,
  );
  return `recscore ${name}: ${help.summary}\nusage: ${help.usage}\noptions:\n${lines.join('\n')}\n`;
}

/** `recscore --help`: every command and all of its options. */
export function fullHelp(): string {
  const parts = HELP_COMMANDS.map((c) => formatHelp(c, commandHelp(c)!));
  const head = 'usage: recscore <command> [options]   (recscore <command> --help: one command)';
  const sar = 'recscore sar train|recommend|similar|popular|evaluate|synth …   (recscore sar --help)';
  return `${head}\n\n${parts.join('\n')}\n${sar}\n`;
}
