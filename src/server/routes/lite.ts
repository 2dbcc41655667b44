/**
 * `GET /taarlite/api/v1/addon_recommendations/:guid/?normalize=` (SPEC §2.3): exactly
 * `liteMaxResults` (4) GUIDs or `[]`. `normalize` goes to the model verbatim (absent → TAAR's default
 * `rownorm_sum`; an unknown mode → `[]`).
 */
import type { Hono } from 'hono';
import type { ModelFacts } from '../../recommend/contracts.js';
import type { ServerConfig } from '../config.js';
import { named, namedHandler, type AppEnv } from '../env.js';
import { redirectToSlash } from '../trailing-slash.js';
import { documentRoute, redirectDoc } from '../openapi/docs.js';
import { checkGuid, PARAM_SCHEMAS } from '../validate.js';
import { requireFacts } from './require-facts.js';

const PATH = '/taarlite/api/v1/addon_recommendations/:guid/';

export function registerLiteRoutes(app: Hono<AppEnv>, config: ServerConfig, facts: () => ModelFacts | undefined): void {
  app.get(
    PATH,
    namedHandler('taarlite', (c) => {
      const guid = checkGuid(c.req.param('guid') ?? '');
      const related = requireFacts(facts).related(guid, c.req.query('normalize'), config.liteMaxResults);
      const results = related.length === config.liteMaxResults ? related.map(([g]) => g) : [];
      return c.json({ results });
    }),
  );
  app.get(PATH.slice(0, -1), named('redirect'), redirectToSlash);
  documentRoute(
    app,
    {
      method: 'get',
      path: PATH,
      summary: 'TAAR-lite: add-ons installed together with this one (exactly TAARLITE_MAX_RESULTS GUIDs, or none)',
      tags: ['taarlite'],
      params: { guid: { description: 'The add-on GUID', schema: PARAM_SCHEMAS.guid } },
      query: {
        normalize: {
          description: "Rank normalisation (TAAR's default `rownorm_sum`); an unknown mode answers `[]`",
          schema: { type: 'string' },
        },
      },
      responses: {
        200: {
          description: 'The GUIDs',
          schema: { type: 'object', properties: { results: { type: 'array', items: { type: 'string' } } } },
        },
      },
      errors: ['RECSCORE_BAD_GUID', 'RECSCORE_NO_MODEL'],
    },
    redirectDoc(PATH.slice(0, -1), 'get', ['taarlite']),
  );
}
