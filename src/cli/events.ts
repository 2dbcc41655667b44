/**
 * `recscore events export` and `recscore stats`: batch views of the event log and the same answers as
 * the /v1/stats routes. The store is `--events SPEC` or the settings of src/config (RECSCORE_EVENTS,
 * RECSCORE_DATA_DIR, …).
 *
 *   recscore events export --from DAY --to DAY --format jsonl|parquet|csv [--out FILE] [--events SPEC]
 *   recscore stats distinct   --from DAY --to DAY [--event T[,T…]] [--where dim=value …] [--events SPEC]
 *   recscore stats engagement --day DAY [--event T] [--where dim=value …]
 *   recscore stats ctr        --from DAY --to DAY [--by served_by|model|variant|…] [--where dim=value …]
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { RecscoreError } from '../errors.js';
import { daysBetween } from '../events/day.js';
import { eventSettingsFromEnv, eventsConfigOf } from '../events/config.js';
import { EXPORT_FORMATS, exportCsv, exportJsonl, exportParquet, type ExportFormat } from '../events/export.js';
import { ctrStats, distinctStats, engagementStats, parseStatsQuery } from '../events/stats.js';
import { createEventStore } from '../events/create-store.js';
import type { ReadReport } from '../events/store.js';
import { parse, required } from './args.js';

export async function eventsCommand(args: string[]): Promise<number> {
  const { values, positionals } = parse(
    args,
    {
      from: { type: 'string' },
      to: { type: 'string' },
      format: { type: 'string' },
      out: { type: 'string' },
      events: { type: 'string' },
    },
    true,
  );
  if (positionals[0] !== 'export' || positionals.length !== 1) {
    throw new RecscoreError(
      'RECSCORE_CONFIG',
      'usage: recscore events export --from DAY --to DAY --format jsonl|parquet|csv [--out FILE]',
    );
  }
  const from = required('from', values.from);
  const to = required('to', values.to);
  daysBetween(from, to, 3660); // checks both days and the order
  const format = (values.format ?? 'jsonl') as ExportFormat;
  if (!EXPORT_FORMATS.includes(format))
    throw new RecscoreError('RECSCORE_CONFIG', `--format must be one of ${EXPORT_FORMATS.join(', ')}, got "${format}"`);
  if (format === 'parquet' && !values.out)
    throw new RecscoreError('RECSCORE_CONFIG', '--format parquet needs --out FILE');
  const cfg = eventsConfigOf(eventSettingsFromEnv());
  const store = await createEventStore(values.events ?? cfg.spec, { ...cfg.store, rebuild: false });
  const report: ReadReport = { skipped: [] };
  try {
    const events = store.read(from, to, report);
    let n: number;
    if (format === 'parquet') n = await exportParquet(events, values.out!);
    else {
      const out = values.out ? createWriteStream(values.out) : process.stdout;
      n = format === 'csv' ? await exportCsv(events, out, cfg.rules.weights) : await exportJsonl(events, out);
      if (values.out) {
        out.end();
        await once(out, 'finish');
      }
    }
    process.stderr.write(`exported ${n} events (${from}..${to}, ${format})${values.out ? ` to ${values.out}` : ''}\n`);
    for (const s of report.skipped) process.stderr.write(`skipped unreadable line ${s.line} of ${s.file}\n`);
  } finally {
    await store.close();
  }
  return 0;
}

const STATS = { distinct: distinctStats, engagement: engagementStats, ctr: ctrStats };

export async function statsCommand(args: string[]): Promise<number> {
  const { values, positionals } = parse(
    args,
    {
      from: { type: 'string' },
      to: { type: 'string' },
      day: { type: 'string' },
      event: { type: 'string' },
      by: { type: 'string' },
      where: { type: 'string', multiple: true },
      events: { type: 'string' },
    },
    true,
  );
  const kind = positionals[0] as keyof typeof STATS;
  if (positionals.length !== 1 || !Object.hasOwn(STATS, kind)) {
    throw new RecscoreError(
      'RECSCORE_CONFIG',
      'usage: recscore stats distinct|engagement|ctr [--from DAY --to DAY | --day DAY] [--event T] [--by DIM] ' +
        '[--where dim=value …]',
    );
  }
  const params: Record<string, string> = {};
  for (const k of ['from', 'to', 'day', 'event', 'by'] as const) if (values[k] !== undefined) params[k] = values[k]!;
  for (const w of values.where ?? []) {
    const eq = w.indexOf('=');
    if (eq <= 0) throw new RecscoreError('RECSCORE_CONFIG', `--where "${w}": expected dim=value`);
    params[w.slice(0, eq)] = w.slice(eq + 1);
  }
  const cfg = eventsConfigOf(eventSettingsFromEnv());
  const query = parseStatsQuery(params, cfg.rules.weights.keys());
  // Reads the snapshot but never writes one: the server owning the directory does.
  const store = await createEventStore(values.events ?? cfg.spec, { ...cfg.store, writeSnapshot: false });
  try {
    process.stdout.write(JSON.stringify(await STATS[kind](store, query)) + '\n');
  } finally {
    await store.close();
  }
  return 0;
}
