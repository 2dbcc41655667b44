/**
 * Validation of a stored `client_info` (SPEC §4) when it is read, and the client-id rule used everywhere.
 * Nothing is coerced: TAAR's recommenders react to the exact stored types (a string where a number belongs
 * makes the similarity recommender fail, `null` disables it), so a scalar is kept as it is.
 */
import { z } from 'zod';
import { RecscoreError } from '../errors.js';
import type { ClientInfo } from './client-info.js';

/**
 * The client-id rule: 1–128 characters of `[A-Za-z0-9_-]`.
 * Why this rule: TAAR's ids are sha256 hex (64 lowercase hex characters, SPEC §3.1), but TAAR itself accepts
 * any path segment, test ids are one repeated character with optional dashes (`aaaaaaaa-aaaa-…`, SPEC §3.2)
 * and hand-made ids (`etl-format-…`, `empty-payload`) occur in fixtures. The rule admits all of those while
 * keeping ids safe inside Redis keys, log lines and URLs (no `/`, `:`, `*`, spaces or control characters);
 * 128 leaves room for any hash encoding without letting a request smuggle a large key.
 */
const CLIENT_ID = /^[A-Za-z0-9_-]{1,128}$/;

export function isValidClientId(s: unknown): s is string {
  return typeof s === 'string' && CLIENT_ID.test(s);
}

// A feature value is whatever JSON scalar was stored; objects and arrays have no meaning to any recommender.
const scalar = z.union([z.number(), z.string(), z.boolean(), z.null()]);

// Unknown keys are dropped (zod's default): client_info has a closed set of keys that recommenders read.
const clientInfoSchema = z.object({
  client_id: z.string().optional(),
  installed_addons: z.array(z.string()).default([]),
  disabled_addons_ids: z.array(z.string()).optional(),
  geo_city: scalar.optional(),
  subsession_length: scalar.optional(),
  locale: scalar.optional(),
  os: scalar.optional(),
  bookmark_count: scalar.optional(),
  tab_open_count: scalar.optional(),
  total_uri: scalar.optional(),
  unique_tlds: scalar.optional(),
});

/**
 * Turns a stored value into a `ClientInfo` for `clientId`, or throws `RECSCORE_PROFILE_INVALID` naming the
 * first offending field. A missing `client_id` is filled with the requested id; a different one is an error
 * (it means the store holds another client's profile under this key).
 */
export function parseClientInfo(value: unknown, clientId: string): ClientInfo {
  const res = clientInfoSchema.safeParse(value);
  if (!res.success) {
    const issue = res.error.issues[0];
    const field = issue.path.length > 0 ? issue.path.join('.') : '(profile)';
    throw new RecscoreError('RECSCORE_PROFILE_INVALID', `stored profile of ${clientId}: ${field}: ${issue.message}`, {
      clientId,
      field,
    });
  }
  const info = res.data;
  if (info.client_id !== undefined && info.client_id !== clientId) {
    throw new RecscoreError(
      'RECSCORE_PROFILE_INVALID',
      `stored profile of ${clientId}: client_id: holds the profile of ${JSON.stringify(info.client_id)}`,
      { clientId, field: 'client_id' },
    );
  }
  // client_id first, as TAAR's ProfileFetcher builds it; the rest keeps the schema's order.
  const { client_id: _stored, ...rest } = info;
  return { client_id: clientId, ...rest };
}
