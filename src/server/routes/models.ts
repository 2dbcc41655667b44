/**
 * Model lifecycle routes: `GET /v1/models` (the version in service, its size, the reloader's last check
 * and last error) and `POST /v1/models/reload` (check the source now).
 *
 * Both use the bearer token of RECSCORE_RELOAD_TOKEN (reload also accepts the registry's admin keys, `x-api-key`)
 * (`Authorization: Bearer <token>`, compared in
 * constant time). Reload without a configured token answers 401, so an exposed port never lets anyone
 * trigger loads. `GET /v1/models` answers everyone, but the source location (absolute paths, bucket
 * names) and error messages (which quote paths and file contents) only to an authenticated caller;
 * others see versions, sizes, times and error codes (issue 10 #10).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Hono } from 'hono';
import type { PackedModel } from '../../model/kinds/taar/packed-model.js';
import type { ModelRegistry } from '../../model/lifecycle/registry.js';
import type { ModelFacts } from '../../recommend/contracts.js';
import type { ModelReloader, ReloadError, ReloadStatus } from '../../model/lifecycle/reloader.js';
import type { KeyRing } from '../auth.js';
import type { AppEnv } from '../env.js';
import { errorResponse } from '../on-error.js';
import { documentRoute } from '../openapi/docs.js';

const BEARER = /^Bearer +(\S+) *$/i;

/** Constant time whatever the lengths: both sides are hashed to 32 bytes before the comparison. */
export function bearerMatches(header: string | undefined, token: string | undefined): boolean {
  if (!token || header === undefined) return false;
  const given = BEARER.exec(header)?.[1];
  if (given === undefined) return false;
  const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();
  return timingSafeEqual(digest(given), digest(token));
}

type PublicStatus = Omit<ReloadStatus, 'source' | 'lastError'> & { lastError: Omit<ReloadError, 'message'> | null };

function publicStatus(s: ReloadStatus): PublicStatus {
  const { source: _source, lastError: e, ...rest } = s;
  return { ...rest, lastError: e && { code: e.code, at: e.at, ...(e.version ? { version: e.version } : {}) } };
}

export function registerModelRoutes(
  app: Hono<AppEnv>,
  registry: ModelRegistry<PackedModel, ModelFacts>,
  reloader: ModelReloader<PackedModel>,
  reloadToken: string | undefined,
  /** The registry's API keys: an admin key (`x-api-key`) may reload too. */
  keys?: KeyRing,
): void {
  app.get('/v1/models', (c) => {
    c.set('route', 'models');
    const full = bearerMatches(c.req.header('authorization'), reloadToken);
    const v = registry.current;
    const m = v?.model;
    return c.json({
      models: m
        ? [
            {
              name: 'taar',
              version: m.version,
              ...(full ? { source: v!.source } : {}),
              loaded_at: v!.loadedAt.toISOString(),
              bytes: m.modelBytes,
              items: m.nItems,
              factors: m.nFactors,
              donors: m.nDonors,
              guids: m.nGuids,
              lr_points: m.nLr,
              whitelist: m.meta.whitelist.length,
            },
          ]
        : [],
      reload: full ? reloader.status : publicStatus(reloader.status),
    });
  });
  app.post('/v1/models/reload', async (c) => {
    c.set('route', 'models_reload');
    const byKey = keys?.kindOf(c.req.header('x-api-key')) === 'admin';
    if (!byKey && !reloadToken && !keys) {
      return errorResponse(c, 'RECSCORE_UNAUTHORIZED', 'reload is disabled: set RECSCORE_RELOAD_TOKEN to enable it');
    }
    if (!byKey && !bearerMatches(c.req.header('authorization'), reloadToken)) {
      const how = keys ? 'an admin key (x-api-key) or ' : '';
      return errorResponse(
        c,
        'RECSCORE_UNAUTHORIZED',
        `missing or wrong credentials: ${how}Authorization: Bearer <token>`,
      );
    }
    const before = registry.model?.version;
    const result = await reloader.checkNow();
    // `last_error` is this check's own failure: an earlier one stays in GET /v1/models as history.
    const version = registry.model?.version;
    return c.json({
      version: version ?? null,
      swapped: version !== before,
      outcome: result.outcome,
      last_error: result.error,
    });
  });
  documentRoute(
    app,
    {
      method: 'get',
      path: '/v1/models',
      summary: 'The model version in service, and the reloader',
      description: 'Without the admin token: no source locations, and errors by code only.',
      tags: ['models'],
      auth: 'optional',
      responses: {
        200: {
          description: 'The models',
          schema: {
            type: 'object',
            properties: { models: { type: 'array', items: { type: 'object' } }, reload: { type: 'object' } },
          },
        },
      },
    },
    {
      method: 'post',
      path: '/v1/models/reload',
      summary: 'Check the model source now; swap when a new valid version is there',
      description: 'Either the bearer token (RECSCORE_RELOAD_TOKEN) or an admin key (`x-api-key`).',
      tags: ['models'],
      auth: ['required', 'admin-key'],
      responses: {
        200: {
          description: 'What the check did',
          schema: {
            type: 'object',
            properties: {
              version: { type: ['string', 'null'] },
              swapped: { type: 'boolean' },
              outcome: { enum: ['swapped', 'unchanged', 'rejected', 'error'] },
              last_error: { type: ['object', 'null'] },
            },
          },
        },
      },
      errors: ['RECSCORE_UNAUTHORIZED'],
    },
  );
}
