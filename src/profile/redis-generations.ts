/**
 * Writing the Redis profile store (encoding in redis-keys.ts): load a file as a new generation and flip to
 * it, describe what is stored, delete everything. Used by `recscore profiles` (src/cli/profiles.ts).
 *
 * A load never disturbs readers: the new generation is written next to the one in service, `current` is
 * flipped with one SET only once every profile is written, and only then are the old keys unlinked. A
 * failed load unlinks what it wrote and leaves `current` as it was. One loader at a time per prefix.
 */
import { stat } from 'node:fs/promises';
import type { Redis } from 'ioredis';
import { RecscoreError, isRecscoreError } from '../errors.js';
import { readProfileFile } from './profile-lines.js';
import { parseGeneration, redisKeys, type RedisKeys } from './redis-keys.js';

export interface LoadProgress {
  /** Bytes of the file read so far (compressed bytes for .bz2) and the file's size. */
  bytesRead: number;
  fileBytes: number;
  profiles: number;
}

export interface LoadOptions {
  prefix: string;
  /** SETs per pipeline round trip, default 1000. */
  batch?: number;
  /** Wait between the flip and deleting the old generation, default 0 (readers re-check on a miss). */
  graceMs?: number;
  onProgress?(p: LoadProgress): void;
}

export interface LoadResult {
  generation: number;
  previous: number | null;
  /** Profile lines written (a client id repeated in the file is counted each time; the last one wins). */
  profiles: number;
  deletedKeys: number;
}

export interface GenerationInfo {
  prefix: string;
  current: number | null;
  /** Profile keys of the current generation. */
  keys: number;
  /** Profile keys per generation found under the prefix (others than current are leftovers). */
  generations: Record<string, number>;
}

function storeError(e: unknown): RecscoreError {
  if (isRecscoreError(e)) return e;
  return new RecscoreError('RECSCORE_PROFILE_STORE', `redis: ${(e as Error).message}`, undefined, { cause: e });
}

async function readCurrent(redis: Redis, keys: RedisKeys): Promise<number | null> {
  const raw: unknown = await redis.get(keys.current);
  if (raw !== null && typeof raw !== 'string') {
    throw new RecscoreError('RECSCORE_PROFILE_STORE', `redis: unexpected reply to GET ${keys.current}`);
  }
  const g = parseGeneration(raw);
  if (raw !== null && g === null) {
    throw new RecscoreError('RECSCORE_PROFILE_STORE', `${keys.current} holds ${JSON.stringify(raw)}, not a generation`);
  }
  return g;
}

/**
 * Every key matching `pattern`, one SCAN page at a time. The replies are checked: a server that answers
 * with another shape, or hands back a cursor it has already given (a SCAN that would never end), fails
 * with RECSCORE_PROFILE_STORE instead of a TypeError or a loop without end.
 */
async function scanPages(redis: Redis, pattern: string, page: (keys: string[]) => Promise<void> | void): Promise<void> {
  const seen = new Set<string>();
  let cursor = '0';
  do {
    const reply: unknown = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    if (!isScanReply(reply)) throw new RecscoreError('RECSCORE_PROFILE_STORE', 'redis: unexpected reply to SCAN');
    cursor = reply[0];
    if (seen.has(cursor)) {
      throw new RecscoreError('RECSCORE_PROFILE_STORE', `redis: SCAN returned cursor ${cursor} twice`);
    }
    seen.add(cursor);
    await page(reply[1]);
  } while (cursor !== '0');
}

function isScanReply(r: unknown): r is [string, string[]] {
  return (
    Array.isArray(r) &&
    r.length === 2 &&
    typeof r[0] === 'string' &&
    /^\d{1,20}$/.test(r[0]) &&
    Array.isArray(r[1]) &&
    r[1].every((k) => typeof k === 'string')
  );
}

/** SCAN + UNLINK of every key matching `pattern`; returns how many were unlinked. */
export async function unlinkMatching(redis: Redis, pattern: string): Promise<number> {
  let deleted = 0;
  await scanPages(redis, pattern, async (found) => {
    if (found.length > 0) deleted += await redis.unlink(...found);
  });
  return deleted;
}

async function countMatching(redis: Redis, pattern: string, each: (key: string) => void): Promise<void> {
  await scanPages(redis, pattern, (found) => found.forEach(each));
}

async function writeBatch(redis: Redis, batch: string[][]): Promise<void> {
  const pipe = redis.pipeline();
  for (const [key, json] of batch) pipe.set(key, json);
  const results = (await pipe.exec()) ?? [];
  const failed = results.find(([err]) => err);
  if (failed) throw storeError(failed[0]);
}

// Best effort: a failed SET of `current` may still have been applied, so look before unlinking.
async function discardUnflipped(redis: Redis, keys: RedisKeys, generation: number): Promise<void> {
  try {
    if ((await readCurrent(redis, keys)) !== generation)
      await unlinkMatching(redis, keys.generationPattern(generation));
  } catch {
    // Redis is failing; the leftover generation shows in `recscore profiles --info` and a later load ignores it.
  }
}

/** Writes every profile of `path` into a new generation, flips `current` to it, unlinks the old one. */
export async function loadGeneration(redis: Redis, path: string, opts: LoadOptions): Promise<LoadResult> {
  const keys = redisKeys(opts.prefix);
  const batchSize = opts.batch ?? 1000;
  let fileBytes: number;
  try {
    fileBytes = (await stat(path)).size;
  } catch (e) {
    throw new RecscoreError(
      'RECSCORE_CONFIG',
      `${path}: cannot open (${(e as NodeJS.ErrnoException).code})`,
      { file: path },
      { cause: e },
    );
  }
  let generation = 0;
  let flipped = false;
  try {
    const previous = await readCurrent(redis, keys);
    // The counter may lag `current` if someone set keys by hand; never reuse a live generation.
    generation = await redis.incr(keys.nextGen);
    if (previous !== null && generation <= previous) {
      generation = previous + 1;
      await redis.set(keys.nextGen, String(generation));
    }
    let bytesRead = 0;
    let profiles = 0;
    let batch: string[][] = [];
    const flush = async () => {
      await writeBatch(redis, batch);
      profiles += batch.length;
      batch = [];
      opts.onProgress?.({ bytesRead, fileBytes, profiles });
    };
    for await (const rec of readProfileFile(path, { onBytes: (n) => (bytesRead = n) })) {
      if (rec.error) throw rec.error;
      batch.push([keys.profile(generation, rec.clientId), JSON.stringify(rec.info)]);
      if (batch.length >= batchSize) await flush();
    }
    if (batch.length > 0) await flush();
    if (profiles === 0)
      throw new RecscoreError('RECSCORE_CONFIG', `${path}: holds no profile; the current generation is kept`);
    await redis.set(keys.current, String(generation));
    flipped = true;
    if (opts.graceMs) await new Promise((r) => setTimeout(r, opts.graceMs));
    const deletedKeys =
      previous !== null && previous !== generation ? await unlinkMatching(redis, keys.generationPattern(previous)) : 0;
    return { generation, previous, profiles, deletedKeys };
  } catch (e) {
    if (generation > 0 && !flipped) await discardUnflipped(redis, keys, generation);
    throw storeError(e);
  }
}

export async function generationInfo(redis: Redis, prefix: string): Promise<GenerationInfo> {
  const keys = redisKeys(prefix);
  try {
    const current = await readCurrent(redis, keys);
    const generations: Record<string, number> = {};
    await countMatching(redis, keys.allGenerationsPattern, (key) => {
      const g = keys.generationOf(key);
      if (g !== null) generations[g] = (generations[g] ?? 0) + 1;
    });
    return { prefix, current, keys: current === null ? 0 : (generations[current] ?? 0), generations };
  } catch (e) {
    throw storeError(e);
  }
}

/** Unlinks every key under the prefix (all generations, `current`, the counter). */
export async function resetPrefix(redis: Redis, prefix: string): Promise<{ deletedKeys: number }> {
  try {
    return { deletedKeys: await unlinkMatching(redis, redisKeys(prefix).everythingPattern) };
  } catch (e) {
    throw storeError(e);
  }
}
