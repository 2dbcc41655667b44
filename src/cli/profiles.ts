/**
 * `recscore profiles` — fill and inspect the Redis profile store (encoding: src/profile/redis-keys.ts).
 *
 *   recscore profiles load FILE --redis URL [--prefix P] [--batch N] [--grace-ms MS]
 *   recscore profiles --info  --redis URL [--prefix P]      (or `info`)
 *   recscore profiles --reset --redis URL [--prefix P]      (or `reset`)
 *
 * FILE is .jsonl or .jsonl.bz2 in any format the embedded store reads (src/profile/profile-lines.ts).
 * Results go to stdout as one JSON object; progress goes to stderr (a bar on a terminal, JSON log lines
 * otherwise); an error prints `error <code>: <message>` on stderr and returns 2 for bad usage, 1 otherwise.
 */
import { parseArgs } from 'node:util';
import { Presets, SingleBar } from 'cli-progress';
import { Redis } from 'ioredis';
import { RecscoreError, isRecscoreError } from '../errors.js';
import { createLogger, type Logger } from '../log.js';
import { DEFAULT_REDIS_PREFIX } from '../profile/redis-keys.js';
import { generationInfo, loadGeneration, resetPrefix, type LoadProgress } from '../profile/redis-generations.js';
import { guardReplies } from '../profile/redis-reply-guard.js';
import { redactUrl } from '../profile/redis-errors.js';
import { optionError } from './args.js';

export interface ProfilesIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
}

const USAGE = `usage:
  recscore profiles load FILE --redis URL [--prefix P] [--batch N] [--grace-ms MS]
  recscore profiles --info --redis URL [--prefix P]
  recscore profiles --reset --redis URL [--prefix P]
defaults: --prefix ${DEFAULT_REDIS_PREFIX}  --batch 1000  --grace-ms 0
`;

type Action = { kind: 'load'; file: string } | { kind: 'info' } | { kind: 'reset' } | { kind: 'help' };

interface Parsed {
  action: Action;
  redis: string;
  prefix: string;
  batch: number;
  graceMs: number;
}

function usageError(message: string): RecscoreError {
  return new RecscoreError('RECSCORE_CONFIG', message);
}

function intOption(name: string, raw: string | undefined, def: number, min: number, max: number): number {
  if (raw === undefined) return def;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < min || n > max)
    throw usageError(`--${name} must be an integer from ${min} to ${max}, got ${JSON.stringify(raw)}`);
  return n;
}

export const PROFILES_OPTIONS = {
  redis: { type: 'string' },
  prefix: { type: 'string' },
  batch: { type: 'string' },
  'grace-ms': { type: 'string' },
  info: { type: 'boolean' },
  reset: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

function parse(args: string[]): Parsed {
  let values;
  let positionals;
  try {
    ({ values, positionals } = parseArgs({ args, allowPositionals: true, options: PROFILES_OPTIONS }));
  } catch (e) {
    throw optionError(e, Object.keys(PROFILES_OPTIONS));
  }
  const [verb, ...rest] = positionals;
  const chosen = [verb === undefined ? null : verb, values.info ? 'info' : null, values.reset ? 'reset' : null].filter(
    (x) => x !== null,
  );
  let action: Action;
  if (values.help) action = { kind: 'help' };
  else if (chosen.length !== 1) throw usageError('choose exactly one of: load FILE, --info, --reset');
  else if (chosen[0] === 'load') {
    if (rest.length !== 1) throw usageError('load takes exactly one FILE');
    action = { kind: 'load', file: rest[0] };
  } else if (chosen[0] === 'info' || chosen[0] === 'reset') {
    if (rest.length > 0) throw usageError(`unexpected argument ${JSON.stringify(rest[0])}`);
    action = { kind: chosen[0] };
  } else throw usageError(`unknown subcommand ${JSON.stringify(chosen[0])}`);
  const redis = values.redis ?? '';
  if (action.kind !== 'help' && !/^rediss?:\/\/./.test(redis))
    throw usageError('--redis redis://host:port[/db] is required');
  const prefix = values.prefix ?? DEFAULT_REDIS_PREFIX;
  if (prefix === '') throw usageError('--prefix must not be empty');
  return {
    action,
    redis,
    prefix,
    batch: intOption('batch', values.batch, 1000, 1, 100_000),
    graceMs: intOption('grace-ms', values['grace-ms'], 0, 0, 600_000),
  };
}

async function connect(url: string): Promise<Redis> {
  // A batch tool: an offline queue is fine, retrying forever is not.
  const redis = new Redis(url, {
    lazyConnect: true,
    connectTimeout: 5000,
    commandTimeout: 60_000,
    maxRetriesPerRequest: 1,
    retryStrategy: () => null,
  });
  redis.on('error', () => {}); // each failure also rejects the command that met it
  // A malformed reply fails the command instead of ending the process (src/profile/redis-reply-guard.ts).
  guardReplies(redis, { maxReplyBytes: 256 * 1024 * 1024 });
  try {
    await redis.connect();
  } catch (e) {
    redis.disconnect();
    throw new RecscoreError(
      'RECSCORE_PROFILE_STORE',
      `cannot connect to ${redactUrl(url)}: ${(e as Error).message}`,
      undefined,
      { cause: e },
    );
  }
  return redis;
}

/** A bar on a terminal; otherwise a JSON log line at most once a second (and one at the end). */
function progressReporter(io: ProfilesIo, logger: Logger): { update(p: LoadProgress): void; done(): void } {
  if (io.stderr.isTTY) {
    const bar = new SingleBar(
      {
        stream: io.stderr,
        hideCursor: true,
        format: 'loading |{bar}| {percentage}% | {profiles} profiles | ETA {eta_formatted}',
      },
      Presets.shades_classic,
    );
    let started = false;
    return {
      update(p) {
        if (!started) bar.start(Math.max(p.fileBytes, 1), 0, { profiles: 0 });
        started = true;
        bar.update(p.bytesRead, { profiles: p.profiles });
      },
      done: () => started && bar.stop(),
    };
  }
  let last = 0;
  let latest: LoadProgress | undefined;
  const emit = (p: LoadProgress) => {
    const percent = p.fileBytes > 0 ? Math.round((1000 * p.bytesRead) / p.fileBytes) / 10 : 100;
    logger.info('profiles load progress', {
      profiles: p.profiles,
      bytesRead: p.bytesRead,
      fileBytes: p.fileBytes,
      percent,
    });
  };
  return {
    update(p) {
      latest = p;
      const now = performance.now();
      if (now - last >= 1000) {
        last = now;
        emit(p);
      }
    },
    done: () => latest && emit(latest),
  };
}

async function run(p: Parsed, io: ProfilesIo, logger: Logger): Promise<void> {
  const out = (v: unknown) => io.stdout.write(JSON.stringify(v) + '\n');
  if (p.action.kind === 'help') {
    io.stdout.write(USAGE);
    return;
  }
  const redis = await connect(p.redis);
  try {
    if (p.action.kind === 'info') out(await generationInfo(redis, p.prefix));
    else if (p.action.kind === 'reset') out({ prefix: p.prefix, ...(await resetPrefix(redis, p.prefix)) });
    else {
      const started = performance.now();
      const progress = progressReporter(io, logger);
      try {
        const res = await loadGeneration(redis, p.action.file, {
          prefix: p.prefix,
          batch: p.batch,
          graceMs: p.graceMs,
          onProgress: progress.update,
        });
        progress.done();
        out({ prefix: p.prefix, file: p.action.file, ...res, seconds: Math.round(performance.now() - started) / 1000 });
      } catch (e) {
        progress.done();
        throw e;
      }
    }
  } finally {
    await redis.quit().catch(() => redis.disconnect());
  }
}

/** Runs `recscore profiles …` (`args` are the words after `profiles`); resolves to the exit code. */
export async function profilesCommand(
  args: string[],
  io: ProfilesIo = { stdout: process.stdout, stderr: process.stderr },
): Promise<number> {
  const logger = createLogger({ service: 'recscore', command: 'profiles' }, (line) => io.stderr.write(line));
  const fail = (err: RecscoreError) => {
    io.stderr.write(`error ${err.code}: ${err.message}\n`);
    return err.code === 'RECSCORE_CONFIG' ? 2 : 1;
  };
  let parsed: Parsed;
  try {
    parsed = parse(args);
  } catch (e) {
    const code = fail(e as RecscoreError);
    io.stderr.write(USAGE);
    return code;
  }
  try {
    await run(parsed, io, logger);
    return 0;
  } catch (e) {
    return fail(
      isRecscoreError(e)
        ? e
        : new RecscoreError('RECSCORE_INTERNAL', (e as Error)?.message ?? String(e), undefined, { cause: e }),
    );
  }
}
