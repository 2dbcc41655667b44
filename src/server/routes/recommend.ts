/**
 * Recommendation routes:
 * - `GET|POST /v1/api/recommendations/:hashed_client_id/` — TAAR's (SPEC §2.1), plus `result_info`;
 * - `POST /v1/recommendations` — the caller sends the profile (`{profile, locale?, options?, draw?, count?}`),
 *   no store lookup, same scoring and response.
 */
import type { Context, Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { ServerConfig } from '../config.js';
import { named, type AppEnv } from '../env.js';
import { errorResponse } from '../on-error.js';
import { readJsonBody } from '../read-body.js';
import type { RecommendRequest } from '../../pipeline/recommend.js';
import type { RecommendationBody } from '../../pipeline/respond.js';
import { redirectToSlash } from '../trailing-slash.js';
import { checkClientId, parseCount, parseDrawFlag, parseExtra, parseScoreBody, parseTaarBody } from '../validate.js';
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
    const acceptLanguage = () => c.req.header('accept-language');
    if (variant?.surface) {
      const body = await experiments!.serveSurface({
        surface: variant.surface,
        clientId,
        extra,
        acceptLanguage,
        promoted,
        count: count ?? variant.size,
        exclude: [],
        attributes: new Map(),
        explain: false,
        started: c.get('started'),
        experiments: variant.experiments,
      });
      return c.json(body);
    }
    const body = await recommend({
      clientId,
      extra,
      acceptLanguage,
      promoted,
      draw: drawFlag ?? variant?.draw ?? config.draw,
      count: count ?? variant?.size,
      started: c.get('started'),
      ...(variant ? { experiments: variant.experiments } : {}),
    });
    return c.json(body);
  };
  const taar = (c: Context<AppEnv>) => serveTaar(c, checkClientId(c.req.param('hashed_client_id') ?? ''));
  app.get(TAAR_RECOMMEND_PATH, named('recommendations'), taar);
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
    const acceptLanguage = () => c.req.header('accept-language');
    if (variant?.surface) {
      const body = await experiments!.serveSurface({
        surface: variant.surface,
        clientId,
        postedProfile: parsed.clientInfo,
        extra: parsed.extra,
        acceptLanguage,
        promoted,
        count,
        exclude: [],
        attributes: new Map(),
        explain: false,
        started: c.get('started'),
        experiments: variant.experiments,
      });
      return c.json(body);
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
      ...(variant ? { experiments: variant.experiments } : {}),
    });
    return c.json(body);
  });
  return serveTaar;
}
