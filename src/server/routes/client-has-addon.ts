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
import { checkClientId, checkGuid } from '../validate.js';

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
    const got = await guards.profile(profiles, clientId, c.get('started') + config.totalBudgetMs);
    if (!got.ok && got.reason !== 'profile-invalid') {
      throw new RecscoreError('RECSCORE_PROFILE_STORE', `profile store unavailable (${got.reason})`, {
        reason: got.reason,
      });
    }
    const profile = got.ok ? got.value : null;
    if (!profile) return c.json({ results: false, error: 'No client found' });
    return c.json({ results: profile.installed_addons.includes(addonId) });
  });
  app.get(PATH.slice(0, -1), named('redirect'), redirectToSlash);
}
