/**
 * Input rules at the HTTP boundary. Everything a client sends is checked here; past this file the
 * values are trusted. Every rejection is a RecscoreError (→ JSON 4xx, src/server/on-error.ts).
 *
 * Path parameters (checked after Hono's percent-decoding; Hono leaves an undecodable `%xx` as literal
 * text, so a `%` left in a parameter means a bad escape or a decoded `%25` — both rejected):
 * - client id (`:hashed_client_id`, posted `profile.client_id`): 1–128 chars of [A-Za-z0-9_-]. Real ids
 *   are 64 lowercase hex chars, test ids one repeated char (SPEC §3.2). Else 400 RECSCORE_BAD_CLIENT_ID.
 * - GUID (`:guid`, `:addon_id`): 1–200 chars of printable ASCII (0x21–0x7E) except `/` and `%`, so
 *   `%40adblock` → `@adblock` is fine, `%2F`, `%zz`, spaces, control and non-ASCII chars are not.
 *   Else 400 RECSCORE_BAD_GUID. An empty segment (`…/addon_recommendations//`) matches no route: 404.
 * Query parameters (the first value counts; unknown parameters are ignored, as TAAR does):
 * - `locale`: 0–64 chars of [A-Za-z0-9_-]; `""` is absent (TAAR: falsy). Else 400 RECSCORE_BAD_OPTION.
 * - `platform`: 0–64 printable ASCII chars; passed on, used by no recommender. Else RECSCORE_BAD_OPTION.
 * - `draw`: `1|true` or `0|false` (the weighted draw on/off for this request). Else RECSCORE_BAD_OPTION.
 * - `count` or `limit` (the same; not both): results in this answer, an integer 1–100 (default
 *   TAAR_MAX_RESULTS). Else 400 RECSCORE_BAD_OPTION naming the parameter. Also a body field of
 *   `POST /v1/recommendations` (`"count": 20`), which wins over the query.
 * - `normalize` (TAAR-lite): passed verbatim; an unknown mode answers `{"results": []}` as TAAR.
 * Header `Accept-Language`: never rejected; its first tag is a locale hint only if it fits the locale rule.
 * Bodies (POST; src/server/read-body.ts):
 * - at most `bodyLimitBytes` (64 KiB) → else 413 RECSCORE_BODY_TOO_LARGE, before or while reading;
 * - Content-Type absent, `application/json`, `application/*+json` or `text/plain` (any parameters) is
 *   parsed as JSON — TAAR reads the raw body whatever the type, and curl's `-H` is often forgotten;
 *   any other type with a non-empty body → 415 RECSCORE_UNSUPPORTED_MEDIA_TYPE;
 * - an empty body is no body; bytes that are not UTF-8 or text that is not JSON → 400 RECSCORE_BAD_JSON.
 * - TAAR route: a JSON object whose only key is `options`, an object whose only key is `promoted`, an
 *   array. Wrong types or unknown keys → 400 RECSCORE_BAD_OPTION (TAAR answers a 500 HTML page). The rows
 *   keep TAAR's rule: one row that is not `[string, number]` silently empties the promoted list.
 * - `POST /v1/recommendations`: `{profile, locale?, options?, draw?}`; `profile` is client_info (SPEC §4)
 *   with only its keys: `client_id` (optional, client id rule), `installed_addons` and
 *   `disabled_addons_ids` (≤ 1,000 strings of 1–200 chars without control chars), and the eight features,
 *   each null, a boolean, a finite number or a string of ≤ 200 chars (their TAAR semantics stay as sent).
 *   A bad profile → 400 RECSCORE_BAD_REQUEST naming the field; a bad `locale`/`options`/`draw` →
 *   400 RECSCORE_BAD_OPTION.
 */
import { z } from 'zod';
import { RecscoreError, type ErrorCode } from '../errors.js';
import type { ClientInfo, ExtraData } from '../profile/client-info.js';
import { isLocale, LOCALE } from '../pipeline/locale-hints.js';

const CLIENT_ID = /^[A-Za-z0-9_-]{1,128}$/;
const GUID = /^[\x21-\x24\x26-\x2E\x30-\x7E]{1,200}$/; // printable ASCII minus % (0x25) and / (0x2F)
const PLATFORM = /^[\x20-\x7E]{0,64}$/;

export const MAX_COUNT = 100;

/**
 * The rules above as JSON Schemas, for the API document (src/server/openapi/): built from the same regular
 * expressions the checks run, so the document cannot drift from them. (The checks stay plain `test()`
 * calls: a zod parse per path parameter would cost the hot path more.)
 */
export const PARAM_SCHEMAS = {
  clientId: { type: 'string', pattern: CLIENT_ID.source, minLength: 1, maxLength: 128 },
  guid: { type: 'string', pattern: GUID.source, minLength: 1, maxLength: 200 },
  locale: { type: 'string', pattern: LOCALE.source, maxLength: 64 },
  platform: { type: 'string', pattern: PLATFORM.source, maxLength: 64 },
  draw: { type: 'string', enum: ['0', '1', 'true', 'false'] },
  count: { type: 'integer', minimum: 1, maximum: MAX_COUNT },
} as const;

export function checkClientId(id: string): string {
  if (!CLIENT_ID.test(id))
    throw new RecscoreError(
      'RECSCORE_BAD_CLIENT_ID',
      `client id must be 1–128 characters of [A-Za-z0-9_-], got ${describe(id)}`,
    );
  return id;
}

export function checkGuid(guid: string, what = 'GUID'): string {
  if (!GUID.test(guid))
    throw new RecscoreError(
      'RECSCORE_BAD_GUID',
      `${what} must be 1–200 printable ASCII characters without '/', '%' or spaces, got ${describe(guid)}`,
    );
  return guid;
}

/** `?locale=` and `?platform=` as TAAR's extra_data (empty values dropped). */
export function parseExtra(locale: string | undefined, platform: string | undefined): ExtraData {
  if (locale !== undefined && !isLocale(locale))
    throw new RecscoreError(
      'RECSCORE_BAD_OPTION',
      `locale must be ≤ 64 characters of [A-Za-z0-9_-], got ${describe(locale)}`,
    );
  if (platform !== undefined && !PLATFORM.test(platform))
    throw new RecscoreError(
      'RECSCORE_BAD_OPTION',
      `platform must be ≤ 64 printable ASCII characters, got ${describe(platform)}`,
    );
  return { ...(locale ? { locale } : {}), ...(platform ? { platform } : {}) };
}

/** `?draw=`; undefined when absent (the configured default applies). */
export function parseDrawFlag(value: string | undefined): boolean | undefined {
  if (value === undefined) return undefined;
  if (value === '1' || value === 'true') return true;
  if (value === '0' || value === 'false') return false;
  throw new RecscoreError('RECSCORE_BAD_OPTION', `draw must be 0, 1, true or false, got ${describe(value)}`);
}

/** `?count=` / `?limit=`: undefined when both are absent (the configured TAAR_MAX_RESULTS applies). */
export function parseCount(count: string | undefined, limit: string | undefined): number | undefined {
  if (count !== undefined && limit !== undefined) {
    throw new RecscoreError('RECSCORE_BAD_OPTION', 'count and limit are the same parameter: give one of them');
  }
  const name = count !== undefined ? 'count' : 'limit';
  const value = count ?? limit;
  if (value === undefined) return undefined;
  const n = /^\d{1,3}$/.test(value) ? Number(value) : NaN;
  if (!(n >= 1 && n <= MAX_COUNT)) {
    throw new RecscoreError(
      'RECSCORE_BAD_OPTION',
      `${name} must be an integer from 1 to ${MAX_COUNT}, got ${describe(value)}`,
    );
  }
  return n;
}

/** Request bodies: exported for the API document; the parse functions below are what the routes call. */
export const options = z.object({ promoted: z.array(z.unknown()).optional() }).strict();
export const taarBody = z.object({ options: options.optional() }).strict();

/** The TAAR route's optional body; returns the raw promoted rows (cleaned by src/recommend/promoted.ts). */
export function parseTaarBody(json: unknown): { promotedRows: unknown[] } {
  const body = parse(taarBody, json, 'RECSCORE_BAD_OPTION');
  return { promotedRows: body.options?.promoted ?? [] };
}

const text = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[^\x00-\x1F\x7F]*$/, 'must not contain control characters');
const feature = z.union([z.null(), z.boolean(), z.number().finite(), z.string().max(200)]);
export const profile = z
  .object({
    client_id: z.string().optional(),
    installed_addons: z.array(text).max(1_000).default([]),
    disabled_addons_ids: z.array(text).max(1_000).optional(),
    geo_city: feature.optional(),
    subsession_length: feature.optional(),
    locale: feature.optional(),
    os: feature.optional(),
    bookmark_count: feature.optional(),
    tab_open_count: feature.optional(),
    total_uri: feature.optional(),
    unique_tlds: feature.optional(),
  })
  .strict();
const bodyCount = z.number().int().min(1).max(MAX_COUNT).optional();
export const scoreBody = z
  .object({
    profile: z.unknown(),
    locale: z.string().optional(),
    options: options.optional(),
    draw: z.boolean().optional(),
    count: bodyCount,
    limit: bodyCount,
  })
  .strict()
  .refine((b) => b.count === undefined || b.limit === undefined, {
    message: 'count and limit are the same field: give one of them',
    path: ['count'],
  });

export interface ScoreRequestBody {
  clientInfo: ClientInfo;
  extra: ExtraData;
  promotedRows: unknown[];
  draw: boolean | undefined;
  count: number | undefined;
}

/** The body of `POST /v1/recommendations`. */
export function parseScoreBody(json: unknown): ScoreRequestBody {
  const body = parse(scoreBody, json, 'RECSCORE_BAD_OPTION');
  if (body.profile === undefined) throw new RecscoreError('RECSCORE_BAD_REQUEST', 'profile: required');
  const p = parse(profile, body.profile, 'RECSCORE_BAD_REQUEST', 'profile');
  const clientId = p.client_id === undefined ? '' : checkClientId(p.client_id);
  const { client_id: _ignored, ...rest } = p;
  return {
    clientInfo: { ...rest, client_id: clientId },
    extra: parseExtra(body.locale, undefined),
    promotedRows: body.options?.promoted ?? [],
    draw: body.draw,
    count: body.count ?? body.limit,
  };
}

function parse<T extends z.ZodTypeAny>(schema: T, value: unknown, code: ErrorCode, prefix?: string): z.output<T> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const path = [prefix, ...issue.path].filter((p) => p !== undefined).join('.') || 'body';
  throw new RecscoreError(code, `${path}: ${issue.message}`);
}

// Echo of rejected input: JSON-quoted (escapes control chars) and bounded.
function describe(s: string): string {
  return JSON.stringify(s.length > 40 ? `${s.slice(0, 40)}…` : s);
}
