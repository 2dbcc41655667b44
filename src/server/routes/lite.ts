/**
 * `GET /taarlite/api/v1/addon_recommendations/:guid/?normalize=` (SPEC §2.3): exactly
 * `liteMaxResults` (4) GUIDs or `[]`. `normalize` goes to the model verbatim (absent → TAAR's default
 * `rownorm_sum`; an unknown mode → `[]`).
 */
import type { Hono } from 'hono';
import type { ModelFacts } from '../../recommend/contracts.js';
import type { ServerConfig } from '../config.js';
import { named, type AppEnv } from '../env.js';
import { redirectToSlash } from '../trailing-slash.js';
import { checkGuid } from '../validate.js';
import { requireFacts } from './require-facts.js';

const PATH = '/taarlite/api/v1/addon_recommendations/:guid/';

export function registerLiteRoutes(app: Hono<AppEnv>, config: ServerConfig, facts: () => ModelFacts | undefined): void {
  app.get(PATH, named('taarlite'), (c) => {
    const guid = checkGuid(c.req.param('guid') ?? '');
    const related = requireFacts(facts).related(guid, c.req.query('normalize'), config.liteMaxResults);
    const results = related.length === config.liteMaxResults ? related.map(([g]) => g) : [];
    return c.json({ results });
  });
  app.get(PATH.slice(0, -1), named('redirect'), redirectToSlash);
}
