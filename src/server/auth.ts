/**
 * API keys as Product Recommendations checks them: header `x-api-key`. Admin keys open every /api route;
 * recommend keys open the recommend routes only. No key (or an unknown one) → 401; a recommend key on an
 * admin route → 403. Keys are compared as SHA-256 digests with timingSafeEqual against every configured
 * key, so neither the length nor the position of a match shows in the timing.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from './env.js';
import { errorResponse } from './on-error.js';

export type KeyKind = 'admin' | 'recommend';

/** The header the keys travel in (also named by the API document's security schemes). */
export const API_KEY_HEADER = 'x-api-key';

export interface ApiKeys {
  admin: readonly string[];
  recommend: readonly string[];
}

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

/** The digests of the configured keys, computed once. */
export class KeyRing {
  readonly #admin: Buffer[];
  readonly #recommend: Buffer[];
  constructor(keys: ApiKeys) {
    this.#admin = keys.admin.map(digest);
    this.#recommend = keys.recommend.map(digest);
  }

  /** Which kind of key `given` is, if any (every comparison is made, whatever matches). */
  kindOf(given: string | undefined): KeyKind | undefined {
    if (given === undefined || given === '') return undefined;
    const d = digest(given);
    let admin = false;
    let recommend = false;
    for (const k of this.#admin) admin = timingSafeEqual(d, k) || admin;
    for (const k of this.#recommend) recommend = timingSafeEqual(d, k) || recommend;
    return admin ? 'admin' : recommend ? 'recommend' : undefined;
  }
}

/** Middleware admitting the admin keys (`admin`) or the admin and recommend keys (`recommend`). */
export function requireKey(ring: KeyRing, kind: KeyKind): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const given = c.req.header(API_KEY_HEADER);
    const has = ring.kindOf(given);
    if (has === undefined) {
      const why = given === undefined ? 'missing x-api-key header' : 'unknown API key (x-api-key)';
      return errorResponse(c, 'RECSCORE_UNAUTHORIZED', why, { 'WWW-Authenticate': 'x-api-key' });
    }
    if (kind === 'admin' && has !== 'admin')
      return errorResponse(c, 'RECSCORE_FORBIDDEN', 'this route needs an admin key; a recommend key was given');
    await next();
  };
}
