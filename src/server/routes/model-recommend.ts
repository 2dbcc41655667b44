/**
 * Product Recommendations' recommend routes on registry models (issue #13):
 * - `GET  /api/models/{id}/recommend?itemId=&recommendationCount=` — item-to-item;
 * - `POST /api/models/{id}/recommend?userId=&recommendationCount=` with `[{itemId, timestamp?, eventType?,
 *   weight?}]` — personalised (`userId` adds that user's stored history when the model keeps it);
 * - the same with `default` for `{id}` (404 when no default is set).
 *
 * 200 is PR's array `[{recommendedItemId, score}]`; how it was made is in headers, so PR clients parse it
 * unchanged: `x-recscore-backfilled` (how many entries came from the popularity list, 0 = none),
 * `x-recscore-served-by` (`model`, or `popularity` when scoring was slow or failed, with
 * `x-recscore-reason`), `x-recscore-model-version`; `x-request-id` as on every route. Query and body
 * field names are matched case-insensitively, as PR's ASP.NET binding did; so are event types.
 */
import type { Context, Hono, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { RecscoreError } from '../../errors.js';
import { EVENT_WEIGHTS, MAX_ITEM_ID, MAX_USER_ID } from '../../model/kinds/sar/parse/line.js';
import { parseTimestamp } from '../../model/kinds/sar/parse/timestamp.js';
import type { ModelRecommendAnswer, ModelRecommendRequest } from '../../pipeline/model-recommend.js';
import type { ServerConfig } from '../config.js';
import { named, type AppEnv } from '../env.js';
import { errorResponse } from '../on-error.js';
import { readJsonBody } from '../read-body.js';
import { documentRoute, type RouteDoc } from '../openapi/docs.js';
import { MAX_COUNT } from '../validate.js';

export const MODEL_RECOMMEND_PATH = '/api/models/:modelId/recommend';
/** PR's default `recommendationCount`. */
export const DEFAULT_RECOMMENDATION_COUNT = 10;
/** Posted events per request (the body limit bounds them too). */
export const MAX_POSTED_EVENTS = 1000;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// As the training parser's ids (src/model/kinds/sar/parse/line.ts): no controls, whitespace, `,` or `"`.
// eslint-disable-next-line no-control-regex
const ILLEGAL_ID = /[\u0000-\u0020\u007f-\u00a0,"\u2028\u2029\ufeff]/;

const bad = (code: 'RECSCORE_BAD_REQUEST' | 'RECSCORE_BAD_OPTION', message: string): never => {
  throw new RecscoreError(code, message);
};
const shown = (v: unknown) => JSON.stringify(typeof v === 'string' && v.length > 60 ? `${v.slice(0, 60)}…` : v);

export function registerModelRecommendRoutes(
  app: Hono<AppEnv>,
  config: Pick<ServerConfig, 'bodyLimitBytes'>,
  recommend: (req: ModelRecommendRequest) => Promise<ModelRecommendAnswer>,
  /** The registry's `requireKey('recommend')` (wired by the server); none in tests of the route itself. */
  auth: MiddlewareHandler<AppEnv> = (_c, next) => next(),
): void {
  const limit = bodyLimit({
    maxSize: config.bodyLimitBytes,
    onError: (c) => errorResponse(c, 'RECSCORE_BODY_TOO_LARGE', `body is larger than ${config.bodyLimitBytes} bytes`),
  });

  const answer = (c: Context<AppEnv>, a: ModelRecommendAnswer) =>
    c.json(a.items, 200, {
      'x-recscore-backfilled': String(a.backfilled),
      'x-recscore-served-by': a.servedBy,
      ...(a.reason ? { 'x-recscore-reason': a.reason } : {}),
      'x-recscore-model-version': a.modelVersion,
    });

  app.get(MODEL_RECOMMEND_PATH, named('model_recommend_item'), auth, async (c) => {
    const q = queryOf(c);
    const modelId = checkModelId(c.req.param('modelId'));
    const item = checkId(q.get('itemid'), 'itemId', MAX_ITEM_ID);
    if (item === undefined) bad('RECSCORE_BAD_REQUEST', 'itemId is required');
    const count = parseRecommendationCount(q.get('recommendationcount'));
    return answer(
      c,
      await recommend({ modelId, query: { item: item! }, count, started: c.get('started'), log: c.get('log') }),
    );
  });

  app.post(MODEL_RECOMMEND_PATH, named('model_recommend_personal'), auth, limit, async (c) => {
    const q = queryOf(c);
    const modelId = checkModelId(c.req.param('modelId'));
    const userId = checkId(q.get('userid'), 'userId', MAX_USER_ID);
    const count = parseRecommendationCount(q.get('recommendationcount'));
    const events = parseUsageEvents(await readJsonBody(c));
    const query = { userId, events };
    return answer(c, await recommend({ modelId, query, count, started: c.get('started'), log: c.get('log') }));
  });
  documentRoute(app, ...ROUTE_DOCS);
}

const ID_SCHEMA = (max: number) => ({ type: 'string', minLength: 1, maxLength: max, pattern: '^[^\\s,"]+$' });
const COMMON = {
  tags: ['registry'],
  params: {
    modelId: {
      description: 'The model id (a UUID), or `default` for the default model',
      schema: { type: 'string', pattern: `^(${UUID.source.slice(1, -1)}|[dD][eE][fF][aA][uU][lL][tT])$` },
    },
  },
  responses: {
    200: {
      description:
        'The recommendations, best first (back-filled ones have score 0); how they were made is in the headers',
      schema: {
        type: 'array',
        items: {
          type: 'object',
          properties: { recommendedItemId: { type: 'string' }, score: { type: 'number' } },
          required: ['recommendedItemId', 'score'],
        },
      },
      headers: {
        'x-recscore-backfilled': {
          description: 'Entries from the popularity list (0: none)',
          schema: { type: 'integer' },
        },
        'x-recscore-served-by': {
          description: '`model`, or `popularity` when scoring was slow or failed',
          schema: { type: 'string', enum: ['model', 'popularity'] },
        },
        'x-recscore-reason': { description: 'Why the popularity list served alone', schema: { type: 'string' } },
        'x-recscore-model-version': { description: 'The loaded version that answered', schema: { type: 'string' } },
      },
    },
  },
  errors: [
    'RECSCORE_BAD_REQUEST',
    'RECSCORE_BAD_OPTION',
    'RECSCORE_BAD_MODEL_ID',
    'RECSCORE_MODEL_NOT_FOUND',
    'RECSCORE_NO_DEFAULT_MODEL',
    'RECSCORE_UNAUTHORIZED',
    'RECSCORE_MODEL_NOT_COMPLETED',
    'RECSCORE_BUNDLE_INVALID',
    'RECSCORE_MODEL_MISSING',
    'RECSCORE_MODEL_SOURCE',
  ],
} as const;
const COUNT_DOC = {
  description: `Recommendations wanted, 1–${MAX_COUNT} (default ${DEFAULT_RECOMMENDATION_COUNT})`,
  schema: { type: 'integer', minimum: 1, maximum: MAX_COUNT },
};

const ROUTE_DOCS: RouteDoc[] = [
  {
    ...COMMON,
    method: 'get',
    path: MODEL_RECOMMEND_PATH,
    summary: "Item-to-item recommendations from a registry model (Product Recommendations' route)",
    query: {
      itemId: { description: 'The seed item', schema: ID_SCHEMA(MAX_ITEM_ID), required: true },
      recommendationCount: COUNT_DOC,
    },
  },
  {
    ...COMMON,
    method: 'post',
    path: MODEL_RECOMMEND_PATH,
    summary: 'Personalised recommendations from a registry model, for posted usage events',
    query: {
      userId: {
        description: "Adds that user's stored history when the model keeps it (enableUserToItemRecommendations)",
        schema: ID_SCHEMA(MAX_USER_ID),
      },
      recommendationCount: COUNT_DOC,
    },
    body: {
      required: false,
      description: 'Usage events (names matched case-insensitively); no body is no events',
      schema: {
        type: 'array',
        maxItems: MAX_POSTED_EVENTS,
        items: {
          type: 'object',
          properties: {
            itemId: ID_SCHEMA(MAX_ITEM_ID),
            timestamp: { oneOf: [{ type: 'string' }, { type: 'number' }] },
            eventType: {
              type: 'string',
              description: 'Click, RecommendationClick, AddShopCart, RemoveShopCart or Purchase (any case)',
            },
            weight: { type: 'number' },
          },
          required: ['itemId'],
        },
      },
    },
    errors: [...COMMON.errors, 'RECSCORE_BAD_JSON', 'RECSCORE_BODY_TOO_LARGE', 'RECSCORE_UNSUPPORTED_MEDIA_TYPE'],
  },
];

/** Query parameters by lower-cased name; a repeated one is refused (which one was meant?). */
function queryOf(c: Context<AppEnv>): Map<string, string> {
  const out = new Map<string, string>();
  for (const [name, values] of Object.entries(c.req.queries())) {
    const key = name.toLowerCase();
    if (values.length > 1 || out.has(key)) bad('RECSCORE_BAD_OPTION', `query parameter ${name} is given twice`);
    out.set(key, values[0]);
  }
  return out;
}

/** undefined = the default model. */
export function checkModelId(id: string | undefined): string | undefined {
  if (id?.toLowerCase() === 'default') return undefined;
  if (id === undefined || !UUID.test(id))
    throw new RecscoreError('RECSCORE_BAD_MODEL_ID', `model id must be a UUID or default, got ${shown(id)}`);
  return id!.toLowerCase();
}

export function parseRecommendationCount(v: string | undefined): number {
  if (v === undefined) return DEFAULT_RECOMMENDATION_COUNT;
  const n = /^\d{1,3}$/.test(v.trim()) ? Number(v) : NaN;
  if (!(n >= 1 && n <= MAX_COUNT))
    bad('RECSCORE_BAD_OPTION', `recommendationCount must be an integer from 1 to ${MAX_COUNT}, got ${shown(v)}`);
  return n;
}

function checkId(v: unknown, what: string, max: number): string | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || v.length === 0 || v.length > max || ILLEGAL_ID.test(v))
    bad(
      'RECSCORE_BAD_REQUEST',
      `${what} must be 1 to ${max} characters without spaces, controls, "," or '"', got ${shown(v)}`,
    );
  return v as string;
}

/** PR's usage events: `[{itemId, timestamp?, eventType?, weight?}]`; no body is no events. */
export function parseUsageEvents(json: unknown): Array<{ item: string; timestamp?: number; weight?: number }> {
  if (json === undefined) return [];
  if (!Array.isArray(json)) bad('RECSCORE_BAD_REQUEST', 'body must be an array of usage events [{itemId, …}]');
  const list = json as unknown[];
  if (list.length > MAX_POSTED_EVENTS) bad('RECSCORE_BAD_REQUEST', `more than ${MAX_POSTED_EVENTS} usage events`);
  return list.map((raw, i) => {
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw))
      bad('RECSCORE_BAD_REQUEST', `usage event ${i} must be an object`);
    const o = new Map(Object.entries(raw as object).map(([k, v]) => [k.toLowerCase(), v as unknown]));
    const item = checkId(o.get('itemid'), `usage event ${i}: itemId`, MAX_ITEM_ID);
    if (item === undefined) bad('RECSCORE_BAD_REQUEST', `usage event ${i}: itemId is required`);
    const ts = o.get('timestamp');
    let timestamp: number | undefined;
    if (ts !== undefined && ts !== null) {
      timestamp = typeof ts === 'number' ? ts : typeof ts === 'string' ? parseTimestamp(ts) : NaN;
      if (!Number.isFinite(timestamp))
        bad('RECSCORE_BAD_REQUEST', `usage event ${i}: timestamp must be ISO 8601 or epoch seconds, got ${shown(ts)}`);
    }
    const type = o.get('eventtype');
    let weight: number | undefined;
    if (type !== undefined && type !== null) {
      weight = typeof type === 'string' ? EVENT_WEIGHTS[type.toLowerCase()] : undefined;
      if (weight === undefined) {
        const known = 'Click, RecommendationClick, AddShopCart, RemoveShopCart, Purchase';
        bad('RECSCORE_BAD_REQUEST', `usage event ${i}: eventType must be one of ${known}, got ${shown(type)}`);
      }
    }
    const w = o.get('weight');
    if (w !== undefined && w !== null) {
      if (typeof w !== 'number' || !Number.isFinite(w))
        bad('RECSCORE_BAD_REQUEST', `usage event ${i}: weight must be a finite number, got ${shown(w)}`);
      weight = w as number; // an explicit weight wins over the event type's, as in PR's CSV
    }
    return {
      item: item!,
      ...(timestamp !== undefined ? { timestamp } : {}),
      ...(weight !== undefined ? { weight } : {}),
    };
  });
}
