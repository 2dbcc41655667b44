/**
 * `recscore models list|show|train|delete|default`: the registry API of a running server (undici).
 * `--url` (or RECSCORE_URL, default http://127.0.0.1:8000) and `--key` (or RECSCORE_API_KEY: an admin key).
 * `train` creates a model and, unless `--no-wait`, polls it to the end with a progress bar on a terminal
 * (the percentage in `modelStatusMessage`); it exits 0 when Completed, 1 when Failed. A server error is
 * printed as `error CODE: message`; bad arguments exit 2.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { Presets, SingleBar } from 'cli-progress';
import { request } from 'undici';
import { apiClientEnv } from '../config/index.js';
import { RecscoreError, type ErrorCode } from '../errors.js';
import { intOption, parse, required } from './args.js';

export const MODELS_API_USAGE = `usage: recscore models <command> [--url URL] [--key KEY]
  list
  show    ID
  train   --usage PATH|gs://… [--evaluation PATH] [--description TEXT] [--similarity jaccard|lift|…]
          [--threshold N] [--unit user|timestamp] [--decay-days D | --no-decay] [--no-wait]
  delete  ID
  default [ID]          (without ID: show the default)`;

const COMMON = { url: { type: 'string' }, key: { type: 'string' } } as const;

/** What the CLI reads of an answer: a record (train polls its status) or anything it prints. */
interface Answer {
  id: string;
  modelStatus: string;
  modelStatusMessage?: string;
  error?: { code?: string; message?: string };
}

interface Client {
  call(method: string, path: string, body?: unknown): Promise<Answer>;
}

function client(v: { url?: string; key?: string }): Client {
  const env = apiClientEnv();
  const base = (v.url ?? env.url ?? 'http://127.0.0.1:8000').replace(/\/+$/, '');
  if (!/^https?:\/\//.test(base))
    throw new RecscoreError('RECSCORE_CONFIG', `--url must be an http(s) URL, got "${base}"`);
  const key = v.key ?? env.key;
  if (!key) throw new RecscoreError('RECSCORE_CONFIG', '--key (or RECSCORE_API_KEY) is required: an admin key');
  return {
    async call(method, path, body) {
      let res;
      try {
        res = await request(`${base}${path}`, {
          method: method as 'GET',
          headers: { 'x-api-key': key, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
          body: body === undefined ? undefined : JSON.stringify(body),
          headersTimeout: 30_000,
          bodyTimeout: 30_000,
        });
      } catch (e) {
        throw new RecscoreError('RECSCORE_CONFIG', `cannot reach ${base}: ${(e as Error).message}`);
      }
      const text = await res.body.text();
      let json: Answer | undefined;
      try {
        json = text ? JSON.parse(text) : undefined;
      } catch {
        json = undefined;
      }
      if (res.statusCode >= 400) {
        const code = (json?.error?.code as ErrorCode | undefined) ?? 'RECSCORE_INTERNAL';
        throw new RecscoreError(code, `${json?.error?.message ?? text.slice(0, 200)} (HTTP ${res.statusCode})`);
      }
      return json as Answer;
    },
  };
}

const print = (v: unknown) => process.stdout.write(`${JSON.stringify(v, null, 1)}\n`);

function oneId(positionals: string[], optional = false): string | undefined {
  if (positionals.length > 1)
    throw new RecscoreError('RECSCORE_CONFIG', `expected one model id, got ${positionals.length}`);
  if (!optional && positionals.length === 0) throw new RecscoreError('RECSCORE_CONFIG', 'a model id is required');
  return positionals[0];
}

export async function modelsApiCommand(sub: string, args: string[]): Promise<number> {
  switch (sub) {
    case 'list': {
      const { values } = parse(args, COMMON);
      print(await client(values).call('GET', '/api/models'));
      return 0;
    }
    case 'show': {
      const { values, positionals } = parse(args, COMMON, true);
      const id = oneId(positionals)!;
      print(await client(values).call('GET', `/api/models/${encodeURIComponent(id)}`));
      return 0;
    }
    case 'delete': {
      const { values, positionals } = parse(args, COMMON, true);
      const id = oneId(positionals)!;
      print(await client(values).call('DELETE', `/api/models/${encodeURIComponent(id)}`));
      return 0;
    }
    case 'default': {
      const { values, positionals } = parse(args, COMMON, true);
      const id = oneId(positionals, true);
      const c = client(values);
      print(
        id === undefined
          ? await c.call('GET', '/api/models/default')
          : await c.call('PUT', `/api/models/default?modelId=${encodeURIComponent(id)}`),
      );
      return 0;
    }
    case 'train':
      return train(args);
    default:
      throw new RecscoreError('RECSCORE_CONFIG', `unknown models command "${sub}"\n${MODELS_API_USAGE}`);
  }
}

async function train(args: string[]): Promise<number> {
  const { values: v } = parse(args, {
    ...COMMON,
    usage: { type: 'string' },
    evaluation: { type: 'string' },
    description: { type: 'string' },
    similarity: { type: 'string' },
    threshold: { type: 'string' },
    unit: { type: 'string' },
    'decay-days': { type: 'string' },
    'no-decay': { type: 'boolean' },
    'no-wait': { type: 'boolean' },
  });
  const decay = v['decay-days'] === undefined ? undefined : Number(v['decay-days']);
  if (decay !== undefined && !(decay > 0))
    throw new RecscoreError('RECSCORE_CONFIG', `--decay-days must be a positive number, got "${v['decay-days']}"`);
  const body = {
    usage: required('usage', v.usage),
    ...(v.evaluation ? { evaluationUsage: v.evaluation } : {}),
    ...(v.description !== undefined ? { description: v.description } : {}),
    ...(v.similarity ? { similarityFunction: v.similarity } : {}),
    ...(v.threshold !== undefined ? { supportThreshold: intOption('threshold', v.threshold, 1, 1) } : {}),
    ...(v.unit ? { cooccurrenceUnit: v.unit } : {}),
    ...(decay !== undefined ? { decayPeriodInDays: decay } : {}),
    ...(v['no-decay'] ? { enableUserAffinity: false } : {}),
  };
  const c = client(v);
  let record = await c.call('POST', '/api/models', body);
  if (v['no-wait']) {
    print(record);
    return 0;
  }
  const bar = process.stderr.isTTY
    ? new SingleBar(
        { stream: process.stderr, format: '{status} [{bar}] {percentage}%  {message}', hideCursor: true },
        Presets.shades_classic,
      )
    : undefined;
  bar?.start(100, 0, { status: record.modelStatus, message: record.modelStatusMessage });
  while (record.modelStatus === 'Created' || record.modelStatus === 'InProgress') {
    await sleep(500);
    record = await c.call('GET', `/api/models/${record.id}`);
    const pct = Number(/(\d+)%/.exec(record.modelStatusMessage ?? '')?.[1] ?? 0);
    bar?.update(record.modelStatus === 'Completed' ? 100 : pct, {
      status: record.modelStatus,
      message: record.modelStatusMessage,
    });
  }
  bar?.stop();
  print(record);
  if (record.modelStatus !== 'Completed') {
    process.stderr.write(`model ${record.id} ${record.modelStatus}: ${record.modelStatusMessage}\n`);
    return 1;
  }
  return 0;
}
