/** The read side of `recscore sar`: recommend, similar, popular and evaluate over a packed model file. */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { RecscoreError } from '../errors.js';
import { evaluate } from '../recommend/sar/evaluate/evaluate.js';
import { readModelFile } from '../model/kinds/sar/pack/unpack.js';
import { emptyReport } from '../model/kinds/sar/parse/codes.js';
import { readEvents } from '../model/kinds/sar/parse/read-events.js';
import { similarItems, type Seed } from '../kernel/sar/item-based.js';
import { recommendForEvents, recommendForUser, type PostedEvent } from '../kernel/sar/personal.js';
import { popularItems, popularUsers } from '../kernel/sar/popularity.js';
import type { SarModel } from '../model/kinds/sar/types.js';
import { intOption, parse, required } from './args.js';
import { LineWriter } from './sar-output.js';

const open = (path: string): SarModel => readModelFile(path).model;

/** Lines of a file (blank ones skipped), each with its 1-based number, or a clear error when unreadable. */
async function* lines(path: string): AsyncGenerator<[string, number]> {
  const input = createReadStream(path);
  const failed = new Promise<never>((_, reject) =>
    input.once('error', (e: NodeJS.ErrnoException) =>
      reject(new RecscoreError('RECSCORE_CONFIG', `cannot read ${path}: ${e.code ?? e.message}`)),
    ),
  );
  failed.catch(() => {});
  const rl = createInterface({ input, crlfDelay: Infinity });
  let n = 0;
  const it = rl[Symbol.asyncIterator]();
  for (;;) {
    const r = await Promise.race([it.next(), failed]);
    if (r.done) return;
    n++;
    if (r.value.trim() !== '') yield [r.value, n];
  }
}

function jsonLine(path: string, line: string, n: number): Record<string, unknown> {
  try {
    const v = JSON.parse(line) as unknown;
    if (v && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {
    /* reported below */
  }
  throw new RecscoreError('RECSCORE_BAD_JSON', `${path}:${n}: not a JSON object`);
}

export async function recommendCommand(args: string[]): Promise<number> {
  const { values: v } = parse(args, {
    model: { type: 'string' },
    users: { type: 'string' },
    k: { type: 'string' },
    'remove-seen': { type: 'boolean', default: false },
    normalize: { type: 'boolean', default: false },
  });
  const k = intOption('k', v.k, 10, 1, 100000);
  const model = open(required('model', v.model));
  const opts = { k, removeSeen: v['remove-seen'], normalize: v.normalize };
  const w = new LineWriter();
  const one = async (user: string) => {
    const r = recommendForUser(model, user, opts);
    await w.line(r.known ? { user, top: r.top } : { user, unknown: true, top: [] });
  };
  if (v.users === undefined) for (const u of model.users) await one(u);
  else {
    // A line is a user id, or {"user"} / {"user","events":[{item,rating?,timestamp?}],"reference_time"?}.
    for await (const [line, n] of lines(v.users)) {
      if (!line.trimStart().startsWith('{')) {
        await one(line.trim());
        continue;
      }
      const o = jsonLine(v.users, line, n);
      if (Array.isArray(o.events)) {
        const events = o.events.map((e, i) => postedEvent(v.users!, n, i, e));
        const ref = typeof o.reference_time === 'number' ? o.reference_time : undefined;
        await w.line({ user: o.user ?? null, top: recommendForEvents(model, events, { ...opts, referenceTime: ref }) });
      } else if (typeof o.user === 'string') await one(o.user);
      else throw new RecscoreError('RECSCORE_BAD_REQUEST', `${v.users}:${n}: needs "user" or "events"`);
    }
  }
  await w.flush();
  return 0;
}

function postedEvent(file: string, n: number, i: number, e: unknown): PostedEvent {
  const o = (e ?? {}) as Record<string, unknown>;
  const ok =
    typeof o.item === 'string' &&
    (o.rating === undefined || Number.isFinite(o.rating)) &&
    (o.timestamp === undefined || Number.isFinite(o.timestamp));
  if (!ok)
    throw new RecscoreError(
      'RECSCORE_BAD_REQUEST',
      `${file}:${n}: event ${i} needs a string "item" and numeric rating/timestamp`,
    );
  return {
    item: o.item as string,
    rating: o.rating as number | undefined,
    timestamp: o.timestamp as number | undefined,
  };
}

export async function similarCommand(args: string[]): Promise<number> {
  const { values: v } = parse(args, {
    model: { type: 'string' },
    item: { type: 'string' },
    queries: { type: 'string' },
    k: { type: 'string' },
  });
  const k = intOption('k', v.k, 10, 1, 100000);
  if ((v.item === undefined) === (v.queries === undefined))
    throw new RecscoreError('RECSCORE_CONFIG', 'give exactly one of --item and --queries');
  const model = open(required('model', v.model));
  const w = new LineWriter();
  if (v.item !== undefined) await w.line({ q: v.item, top: similarItems(model, [v.item], k) });
  else {
    for await (const [line, n] of lines(v.queries!)) {
      const o = jsonLine(v.queries!, line, n);
      const seeds = o.seeds;
      const valid =
        Array.isArray(seeds) &&
        seeds.every(
          (s) =>
            typeof s === 'string' ||
            (Array.isArray(s) && typeof s[0] === 'string' && (s[1] === undefined || Number.isFinite(s[1]))),
        );
      if (!valid)
        throw new RecscoreError('RECSCORE_BAD_REQUEST', `${v.queries}:${n}: "seeds" must be [[item, weight?], …]`);
      await w.line({ q: o.q ?? null, top: similarItems(model, seeds as Seed[], k) });
    }
  }
  await w.flush();
  return 0;
}

export async function popularCommand(args: string[]): Promise<number> {
  const { values: v } = parse(args, {
    model: { type: 'string' },
    k: { type: 'string' },
    users: { type: 'boolean', default: false },
  });
  const k = intOption('k', v.k, 10, 1, 100000);
  const model = open(required('model', v.model));
  process.stdout.write(`${JSON.stringify({ top: v.users ? popularUsers(model, k) : popularItems(model, k) })}\n`);
  return 0;
}

export async function evaluateCommand(args: string[]): Promise<number> {
  const { values: v } = parse(args, { model: { type: 'string' }, test: { type: 'string' }, k: { type: 'string' } });
  const k = intOption('k', v.k, 10, 1, 100000);
  const model = open(required('model', v.model));
  const rows: Array<{ user: string; item: string; rating: number }> = [];
  const report = emptyReport();
  await readEvents(required('test', v.test), report, (e) => rows.push(e));
  const result = evaluate(model, rows, k);
  process.stdout.write(`${JSON.stringify({ ...result, test_report: report })}\n`);
  return 0;
}
