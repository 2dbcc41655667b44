/**
 * Recommendation routes:
 * - `GET|POST /v1/api/recommendations/:hashed_client_id/` — TAAR's (SPEC §2.1), plus `result_info`;
 * - `POST /v1/recommendations` — the caller sends the profile (`{profile, locale?, options?, draw?, count?}`),
 *   no store lookup, same scoring and response.
 */
import type { Context, Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { ServerConfig } from '../config.js';
import { named, namedHandler, requestHeader, type AppEnv } from '../env.js';
import { errorResponse } from '../on-error.js';
import { readJsonBody } from '../read-body.js';
import type { RecommendRequest } from '../../pipeline/recommend.js';
import type { RecommendationBody } from '../../pipeline/respond.js';
import { redirectToSlash } from '../trailing-slash.js';
import { documentRoute, redirectDoc, type ParamDoc, type RouteDoc } from '../openapi/docs.js';
import {
  checkClientId,
  PARAM_SCHEMAS,
  parseCount,
  parseDrawFlag,
  parseExtra,
  parseScoreBody,
  parseTaarBody,
  scoreBody,
  taarBody,
} from '../validate.js';
import { FALLBACK_REASONS } from '../../resilience/fallback.js';
import { cleanPromoted } from '../../recommend/promoted.js';
import { RecscoreError } from '../../errors.js';
import type { TaarVariant } from '../../pipeline/experiments/taar-variant.js';
import type { SurfaceBody, SurfaceRequest } from '../../pipeline/surfaces/service.js';

export const TAAR_RECOMMEND_PATH = '/v1/api/recommendations/:hashed_client_id/';

/** Experiments on the `taar` surface (src/pipeline/experiments/taar-variant.ts); none: TAAR's path only. */
export interface TaarExperiments {
  variantOf(clientId: string): TaarVariant | undefined;
  /** Serves a variant that names a configured surface. */
  serveSurface(req: SurfaceRequest): Promise<SurfaceBody>;
}

export type TaarHandler = (c: Context<AppEnv>, clientId: string) => Promise<Response>;

export function registerRecommendRoutes(
  app: Hono<AppEnv>,
  config: ServerConfig,
  recommend: (req: RecommendRequest) => Promise<RecommendationBody>,
  experiments?: TaarExperiments,
): TaarHandler {
  const limit = bodyLimit({
    maxSize: config.bodyLimitBytes,
    onError: (c) => errorResponse(c, 'RECSCORE_BODY_TOO_LARGE', `body is larger than ${config.bodyLimitBytes} bytes`),
  });

  /** A `taar` experiment's variant served by another surface: TAAR's parameters only, no explain. */
  const serveVariantSurface = (
    c: Context<AppEnv>,
    variant: TaarVariant,
    surface: string,
    req: Pick<SurfaceRequest, 'clientId' | 'postedProfile' | 'extra' | 'acceptLanguage' | 'promoted' | 'count'>,
  ) =>
    experiments!.serveSurface({
      ...req,
      surface,
      exclude: [],
      attributes: new Map(),
      explain: false,
      started: c.get('started'),
      log: c.get('log'),
      experiments: variant.experiments,
    });

  const serveTaar: TaarHandler = async (c, clientId) => {
    const extra = parseExtra(c.req.query('locale'), c.req.query('platform'));
    const drawFlag = parseDrawFlag(c.req.query('draw'));
    const count = parseCount(c.req.query('count'), c.req.query('limit'));
    let promotedRows: unknown[] = [];
    if (c.req.method === 'POST') {
      const json = await readJsonBody(c);
      if (json !== undefined) promotedRows = parseTaarBody(json).promotedRows;
    }
    const variant = experiments?.variantOf(clientId);
    const promoted = cleanPromoted(promotedRows);
    const acceptLanguage = () => requestHeader(c, 'accept-language');
    if (variant?.surface) {
      const req = { clientId, extra, acceptLanguage, promoted, count: count ?? variant.size };
      return c.json(await serveVariantSurface(c, variant, variant.surface, req));
    }
    const body = await recommend({
      clientId,
      extra,
      acceptLanguage,
      promoted,
      draw: drawFlag ?? variant?.draw ?? config.draw,
      count: count ?? variant?.size,
      started: c.get('started'),
      log: c.get('log'),
      ...(variant ? { experiments: variant.experiments } : {}),
    });
    return c.json(body);
  };
  const taar = (c: Context<AppEnv>) => serveTaar(c, checkClientId(c.req.param('hashed_client_id') ?? ''));
  app.get(TAAR_RECOMMEND_PATH, namedHandler('recommendations', taar));
  app.post(TAAR_RECOMMEND_PATH, named('recommendations'), limit, taar);
  app.on(['GET', 'POST'], TAAR_RECOMMEND_PATH.slice(0, -1), named('redirect'), redirectToSlash);

  app.post('/v1/recommendations', named('recommendations_posted'), limit, async (c) => {
    const json = await readJsonBody(c);
    if (json === undefined) throw new RecscoreError('RECSCORE_BAD_JSON', 'body required: {"profile": {…}}');
    const parsed = parseScoreBody(json);
    const clientId = parsed.clientInfo.client_id;
    // A posted profile with a client id is in the same `taar` experiments as the stored one.
    const variant = clientId ? experiments?.variantOf(clientId) : undefined;
    const count = parsed.count ?? parseCount(c.req.query('count'), c.req.query('limit')) ?? variant?.size;
    const promoted = cleanPromoted(parsed.promotedRows);
    const acceptLanguage = () => requestHeader(c, 'accept-language');
    if (variant?.surface) {
      const req = { clientId, postedProfile: parsed.clientInfo, extra: parsed.extra, acceptLanguage, promoted, count };
      return c.json(await serveVariantSurface(c, variant, variant.surface, req));
    }
    const body = await recommend({
      clientId,
      postedProfile: parsed.clientInfo,
      extra: parsed.extra,
      acceptLanguage,
      promoted,
      draw: parsed.draw ?? parseDrawFlag(c.req.query('draw')) ?? variant?.draw ?? config.draw,
      count,
      started: c.get('started'),
      log: c.get('log'),
      ...(variant ? { experiments: variant.experiments } : {}),
    });
    return c.json(body);
  });

  documentRoute(
    app,
    {
      ...TAAR_DOC,
      method: 'get',
      summary: "Recommendations for a client whose profile is in the store (TAAR's endpoint)",
    },
    {
      ...TAAR_DOC,
      method: 'post',
      summary: "Recommendations for a stored client, with promoted add-ons merged in (TAAR's endpoint)",
      body: {
        schema: taarBody,
        required: false,
        description:
          '`{"options": {"promoted": [[guid, weight], …]}}`; a row that is not [string, number] empties the ' +
          'list, as TAAR',
      },
      errors: [...TAAR_DOC.errors!, 'RECSCORE_BAD_JSON', 'RECSCORE_BODY_TOO_LARGE', 'RECSCORE_UNSUPPORTED_MEDIA_TYPE'],
    },
    redirectDoc(TAAR_RECOMMEND_PATH.slice(0, -1), ['get', 'post'], ['recommendations']),
    {
      method: 'post',
      path: '/v1/recommendations',
      summary: 'Recommendations for a profile sent by the caller (no store lookup)',
      tags: ['recommendations'],
      query: { draw: QUERY.draw, count: QUERY.count, limit: QUERY.limit },
      body: { schema: scoreBody, description: '`profile` is client_info (SPEC §4); body fields win over the query' },
      responses: { 200: { description: 'The answer', schema: RECOMMENDATION_SCHEMA } },
      errors: [
        'RECSCORE_BAD_REQUEST',
        'RECSCORE_BAD_OPTION',
        'RECSCORE_BAD_CLIENT_ID',
        'RECSCORE_BAD_JSON',
        'RECSCORE_BODY_TOO_LARGE',
        'RECSCORE_UNSUPPORTED_MEDIA_TYPE',
        'RECSCORE_NO_MODEL',
      ],
    },
  );
  return serveTaar;
}

const QUERY = {
  locale: { description: 'Locale for the locale recommender and the fallback', schema: PARAM_SCHEMAS.locale },
  platform: { description: 'Passed on (TAAR); used by no recommender', schema: PARAM_SCHEMAS.platform },
  draw: { description: "TAAR's weighted draw on or off for this answer", schema: PARAM_SCHEMAS.draw },
  count: { description: 'Results in this answer (default TAAR_MAX_RESULTS)', schema: PARAM_SCHEMAS.count },
  limit: { description: 'Same as `count` (give one of them)', schema: PARAM_SCHEMAS.count },
} satisfies Record<string, ParamDoc>;

const RECOMMENDATION_SCHEMA = {
  type: 'object',
  required: ['results', 'result_info'],
  properties: {
    results: { type: 'array', items: { type: 'string' }, description: 'add-on GUIDs' },
    result_info: {
      type: 'object',
      required: ['served_by', 'model_version', 'draw'],
      properties: {
        served_by: { enum: ['ensemble', 'test-client', 'locale', 'global', 'none'] },
        reason: { enum: [...FALLBACK_REASONS], description: 'why a fallback served' },
        model_version: { type: 'string' },
        recommenders: { type: 'array', items: { type: 'string' } },
        failures: { type: 'array', items: { type: 'object' } },
        locale: { type: 'string' },
        draw: { type: 'boolean' },
        request_id: { type: 'string' },
        experiments: {
          type: 'object',
          additionalProperties: { type: 'string' },
          description: "the client's variant of each experiment on the `taar` surface",
        },
      },
    },
  },
};

const TAAR_DOC = {
  path: TAAR_RECOMMEND_PATH,
  tags: ['recommendations'],
  description:
    'A missing profile, a slow or failing store or scorer, an open breaker or an overloaded pool answer 200 from ' +
    'the fallback chain; `result_info.served_by` and `reason` say which and why.',
  params: { hashed_client_id: { description: "The client's hashed id", schema: PARAM_SCHEMAS.clientId } },
  query: QUERY,
  headers: {
    'Accept-Language': { description: 'Its first tag is a locale hint for the fallback', schema: { type: 'string' } },
  },
  responses: { 200: { description: 'The answer', schema: RECOMMENDATION_SCHEMA } },
  errors: ['RECSCORE_BAD_CLIENT_ID', 'RECSCORE_BAD_OPTION', 'RECSCORE_NO_MODEL'],
} satisfies Omit<RouteDoc, 'method' | 'summary'>;
