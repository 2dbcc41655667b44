/**
 * The Redis encoding of the profile store, in one place for the reader (redis-store.ts) and the writer
 * (redis-generations.ts):
 *
 *   <prefix>current             "<G>"    the generation in service (decimal integer ≥ 1); absent = no profiles
 *   <prefix>gen:<G>:p:<id>      JSON     client_info of client <id> (SPEC §4) in generation G
 *   <prefix>next-gen            counter  INCR gives each load a fresh G, even if an earlier load crashed
 *
 * A load writes a whole new generation next to the one in service, then flips `current` with one SET, then
 * deletes the old generation: readers never see a half-loaded set, and a client present in both sets is
 * never missing.
 */
export const DEFAULT_REDIS_PREFIX = 'recscore:';

export interface RedisKeys {
  readonly prefix: string;
  readonly current: string;
  readonly nextGen: string;
  profile(generation: number, clientId: string): string;
  /** SCAN MATCH pattern of every profile key of one generation. */
  generationPattern(generation: number): string;
  /** SCAN MATCH pattern of every profile key of every generation. */
  readonly allGenerationsPattern: string;
  /** SCAN MATCH pattern of every key under the prefix. */
  readonly everythingPattern: string;
  /** The generation of a key matched by `allGenerationsPattern`, or null. */
  generationOf(key: string): number | null;
}

// SCAN MATCH is a glob: a prefix holding *, ?, [ or \ must not widen the match to other prefixes' keys.
function globEscape(s: string): string {
  return s.replace(/[*?[\]\\]/g, '\\$&');
}

export function redisKeys(prefix: string): RedisKeys {
  const p = globEscape(prefix);
  const genStart = `${prefix}gen:`;
  return {
    prefix,
    current: `${prefix}current`,
    nextGen: `${prefix}next-gen`,
    profile: (g, id) => `${prefix}gen:${g}:p:${id}`,
    generationPattern: (g) => `${p}gen:${g}:p:*`,
    allGenerationsPattern: `${p}gen:*`,
    everythingPattern: `${p}*`,
    generationOf(key) {
      if (!key.startsWith(genStart)) return null;
      const m = /^(\d+):p:/.exec(key.slice(genStart.length));
      return m ? Number(m[1]) : null;
    },
  };
}

/** Parses the value of `<prefix>current`; null when it is not a generation number. */
export function parseGeneration(v: string | null): number | null {
  if (v === null || !/^[1-9]\d{0,15}$/.test(v)) return null;
  return Number(v);
}
