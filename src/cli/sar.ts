/**
 * `recscore sar train|recommend|similar|popular|evaluate|synth`: SAR models from usage events (issue 12).
 * train streams the events from a path or gs:// (progress on a terminal: bytes while parsing, then phases by
 * name), prints the parse report and statistics as JSON and writes one packed model file. Bad input →
 * RECSCORE_CONFIG (exit 2); unreadable events (a missing bucket too) or a refused training → exit 1.
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { Presets, SingleBar } from 'cli-progress';
import { modelEnvFrom } from '../config/index.js';
import { RecscoreError } from '../errors.js';
import { writeModel } from '../model/kinds/sar/pack/pack.js';
import { similarityType } from '../model/kinds/sar/params.js';
import { formatEvent, synthEvents } from '../model/kinds/sar/synth.js';
import { trainFromPath } from '../model/kinds/sar/train/train.js';
import type { SarParams } from '../model/kinds/sar/types.js';
import { intOption, parse, required } from './args.js';
import { evaluateCommand, popularCommand, recommendCommand, similarCommand } from './sar-query.js';

export const SAR_USAGE = `usage: recscore sar <command>
  train     --events PATH|gs://BUCKET/PREFIX|events:FROM..TO --out MODEL
            [--similarity cooccurrence|jaccard|lift|cosine|inclusion-index|
            mutual-information|lexicographers-mutual-information] [--threshold N] [--decay-half-life DAYS]
            [--reference-time EPOCH_S] [--unit user|timestamp] [--max-bad-lines N]
  recommend --model MODEL [--users FILE] [--k 10] [--remove-seen] [--normalize]
  similar   --model MODEL (--item ID | --queries FILE.jsonl) [--k 10]
  popular   --model MODEL [--k 10] [--users]
  evaluate  --model MODEL --test FILE [--k 10]
  synth     --users N --items M --events E --out FILE [--seed S] (.csv → Product Recommendations CSV)`;

const COMMANDS: Record<string, (args: string[]) => Promise<number>> = {
  train: trainCommand,
  recommend: recommendCommand,
  similar: similarCommand,
  popular: popularCommand,
  evaluate: evaluateCommand,
  synth: synthCommand,
};

export async function sarCommand(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === undefined || sub === '--help' || sub === '-h') {
    process.stdout.write(`${SAR_USAGE}\n`);
    return sub === undefined ? 2 : 0;
  }
  // `recscore sar recommend … | head` closes the pipe early: that is the reader's choice, not a failure.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(0);
  });
  const run = COMMANDS[sub];
  if (!run) throw new RecscoreError('RECSCORE_CONFIG', `unknown sar command "${sub}"\n${SAR_USAGE}`);
  return run(rest);
}

function positiveNumber(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n) || n <= 0)
    throw new RecscoreError('RECSCORE_CONFIG', `--${name} must be a positive number, got "${v}"`);
  return n;
}

async function trainCommand(args: string[]): Promise<number> {
  const { values: v } = parse(args, {
    events: { type: 'string' },
    out: { type: 'string' },
    similarity: { type: 'string', default: 'jaccard' },
    threshold: { type: 'string' },
    'decay-half-life': { type: 'string' },
    'reference-time': { type: 'string' },
    unit: { type: 'string', default: 'user' },
    'max-bad-lines': { type: 'string' },
  });
  const events = required('events', v.events);
  const out = required('out', v.out);
  if (v.unit !== 'user' && v.unit !== 'timestamp')
    throw new RecscoreError('RECSCORE_CONFIG', `--unit must be user or timestamp, got "${v.unit}"`);
  const refText = v['reference-time'];
  const referenceTime = refText === undefined ? undefined : Number(refText);
  if (refText !== undefined && (refText.trim() === '' || !Number.isFinite(referenceTime))) {
    throw new RecscoreError('RECSCORE_CONFIG', `--reference-time must be epoch seconds, got "${refText}"`);
  }
  const params: SarParams = {
    similarity: similarityType(v.similarity!),
    threshold: intOption('threshold', v.threshold, 1, 1),
    unit: v.unit,
    decayHalfLifeDays: positiveNumber('decay-half-life', v['decay-half-life']),
    referenceTime,
  };
  const maxBadLines = intOption('max-bad-lines', v['max-bad-lines'], 100, 0);
  const bar = process.stderr.isTTY
    ? new SingleBar(
        { stream: process.stderr, format: '{phase} [{bar}] {percentage}% {value}/{total}', hideCursor: true },
        Presets.shades_classic,
      )
    : undefined;
  let phase = '';
  const started = performance.now();
  try {
    // gs:// events: the client as the model source configures it (RECSCORE_GCS_ENDPOINT, default retries).
    const gcsEndpoint = events.startsWith('gs://') ? modelEnvFrom().gcsEndpoint : undefined;
    const { model, report } = await trainFromPath(events, params, {
      maxBadLines,
      gcs: gcsEndpoint ? { apiEndpoint: gcsEndpoint } : {},
      onBytes: bar
        ? (read, total) => {
            if (phase !== 'parse (bytes)') bar.start(total, 0, { phase: (phase = 'parse (bytes)') });
            bar.update(read, { phase });
          }
        : undefined,
      onPhase: bar
        ? (p) => {
            bar.update(bar.getTotal()); // the previous phase is complete
            bar.stop();
            phase = p;
            bar.start(1, 0, { phase: p });
          }
        : undefined,
      onRows: bar
        ? (done, total) => {
            bar.setTotal(total);
            bar.update(done, { phase: 'similarity (items)' });
          }
        : undefined,
    });
    bar?.update(bar.getTotal());
    bar?.stop();
    const trainSeconds = (performance.now() - started) / 1000;
    const bytes = await writeModel(out, model, { report });
    const summary = {
      model: out,
      bytes,
      train_seconds: trainSeconds,
      params: model.params,
      report,
      stats: model.stats,
    };
    process.stdout.write(`${JSON.stringify(summary, null, 1)}\n`);
    return 0;
  } catch (e) {
    bar?.stop();
    const report = (e as RecscoreError).details?.report;
    if (report) process.stdout.write(`${JSON.stringify({ report }, null, 1)}\n`);
    throw e;
  }
}

async function synthCommand(args: string[]): Promise<number> {
  const { values: v } = parse(args, {
    users: { type: 'string' },
    items: { type: 'string' },
    events: { type: 'string' },
    out: { type: 'string' },
    seed: { type: 'string' },
  });
  const users = intOption('users', required('users', v.users), 0, 1, 1 << 27);
  const items = intOption('items', required('items', v.items), 0, 1, 1 << 26);
  const n = intOption('events', required('events', v.events), 0, 1);
  const out = required('out', v.out);
  const seed = intOption('seed', v.seed, 20261122, 0, 0xffffffff);
  const format = /\.csv$/i.test(out) ? 'csv' : 'jsonl';
  const stream = createWriteStream(out);
  let buf: string[] = [];
  for (const e of synthEvents({ users, items, events: n, seed })) {
    buf.push(formatEvent(e, format));
    if (buf.length === 4096) {
      if (!stream.write(`${buf.join('\n')}\n`)) await once(stream, 'drain');
      buf = [];
    }
  }
  if (buf.length) stream.write(`${buf.join('\n')}\n`);
  stream.end();
  await once(stream, 'finish');
  process.stdout.write(`${JSON.stringify({ out, format, users, items, events: n, seed })}\n`);
  return 0;
}
