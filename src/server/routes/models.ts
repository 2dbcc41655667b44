/**
 * Model lifecycle routes: `GET /v1/models` (the version in service, its source and size, the reloader's
 * last check and last error) and `POST /v1/models/reload` (check the source now). Reload is guarded by
 * a bearer token from RECSCORE_RELOAD_TOKEN; without a configured token the route answers 401, so an
 * exposed port never lets anyone trigger loads.
 */
import { timingSafeEqual } from 'node:crypto';
import type { Hono } from 'hono';
import type { ModelRegistry } from '../../model/registry.js';
import type { ModelReloader } from '../../model/reloader.js';
import type { AppEnv } from '../env.js';
import { errorResponse } from '../on-error.js';

function tokenMatches(header: string | undefined, token: string): boolean {
  const given = Buffer.from(header?.replace(/^Bearer\s+/i, '') ?? '', 'utf8');
  const want = Buffer.from(token, 'utf8');
  return given.length === want.length && timingSafeEqual(given, want);
}

export function registerModelRoutes(app: Hono<AppEnv>, registry: ModelRegistry, reloader: ModelReloader, reloadToken: string | undefined): void {
  app.get('/v1/models', (c) => {
    c.set('route', 'models');
    const v = registry.current;
    const m = v?.model;
    return c.json({
      models: m
        ? [{
            name: 'taar', version: m.version, source: v!.source, loaded_at: v!.loadedAt.toISOString(), bytes: m.modelBytes,
            items: m.nItems, factors: m.nFactors, donors: m.nDonors, guids: m.nGuids, lr_points: m.nLr, whitelist: m.meta.whitelist.length,
          }]
        : [],
      reload: reloader.status,
    });
  });
  app.post('/v1/models/reload', async (c) => {
    c.set('route', 'models_reload');
    if (!reloadToken) return errorResponse(c, 'RECSCORE_UNAUTHORIZED', 'reload is disabled: set RECSCORE_RELOAD_TOKEN to enable it');
    if (!tokenMatches(c.req.header('authorization'), reloadToken)) return errorResponse(c, 'RECSCORE_UNAUTHORIZED', 'missing or wrong bearer token');
    const before = registry.model?.version;
    await reloader.checkNow();
    const s = reloader.status;
    return c.json({ version: registry.model?.version ?? null, swapped: registry.model?.version !== before, last_error: s.lastError });
  });
}
