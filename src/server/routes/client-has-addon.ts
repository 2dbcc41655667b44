/**
 * `GET /v1/api/client_has_addon/:hashed_client_id/:addon_id/` (SPEC §2.2): `{"results": true|false}`;
 * unknown client → `{"results": false, "error": "No client found"}`. A stored profile of the wrong shape
 * counts as no profile (TAAR's fetcher returned None for it). A failing, slow or breaker-blocked store
 * is a 503 RECSCORE_PROFILE_STORE: unlike recommendations there is no meaningful fallback answer, and
 * TAAR's "No client found" would be a false statement.
 */
import type { Hono } from 'hono';
import { RecscoreError } from '../../errors.js';
import type { ProfileStore } from '../../profile/store.js';
import type { Guards } from '../../resilience/guard.js';
import type { ServerConfig } from '../config.js';
import { named, type AppEnv } from '../env.js';
import { redirectToSlash } from '../trailing-slash.js';
import { documentRoute, redirectDoc } from '../openapi/docs.js';
import { checkClientId, checkGuid, PARAM_SCHEMAS } from '../validate.js';

const PATH = '/v1/api/client_has_addon/:hashed_client_id/:addon_id/';

export function registerClientHasAddonRoutes(
  app: Hono<AppEnv>,
  config: ServerConfig,
  profiles: ProfileStore,
  guards: Guards,
): void {
  app.get(PATH, named('client_has_addon'), async (c) => {
    const clientId = checkClientId(c.req.param('hashed_client_id') ?? '');
    const addonId = checkGuid(c.req.param('addon_id') ?? '', 'add-on id');
    const got = await guards.profile(profiles, clientId, c.get('started') + config.totalBudgetMs, c.get('log'));
    if (!got.ok && got.reason !== 'profile-invalid') {
      const message = `profile store unavailable (${got.reason})`;
      throw new RecscoreError('RECSCORE_PROFILE_STORE', message, undefined, { cause: got.error });
    }
    const profile = got.ok ? got.value : null;
    if (!profile) return c.json({ results: false, error: 'No client found' });
    return c.json({ results: profile.installed_addons.includes(addonId) });
  });
  app.get(PATH.slice(0, -1), named('redirect'), redirectToSlash);
  documentRoute(
    app,
    {
      method: 'get',
      path: PATH,
      summary: "Whether a client has an add-on installed (TAAR's endpoint)",
      tags: ['profiles'],
      params: {
        hashed_client_id: { description: "The client's hashed id", schema: PARAM_SCHEMAS.clientId },
        addon_id: { description: 'The add-on GUID', schema: PARAM_SCHEMAS.guid },
      },
      responses: {
        200: {
          description: '`{"results": true|false}`; an unknown client: `{"results": false, "error": "No client found"}`',
          schema: {
            type: 'object',
            required: ['results'],
            properties: { results: { type: 'boolean' }, error: { type: 'string' } },
          },
        },
      },
      errors: ['RECSCORE_BAD_CLIENT_ID', 'RECSCORE_BAD_GUID', 'RECSCORE_PROFILE_STORE'],
    },
    redirectDoc(PATH.slice(0, -1), 'get', ['profiles']),
  );
}
