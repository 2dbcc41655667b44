/**
 * The operator's read-only view (issue 16):
 * - `GET /v1/status`: src/server/status/board.ts (models, breakers, queue, shed, quality, build, uptime,
 *   and the sections features provide);
 * - `GET /v1/status/series`: the last 15 minutes, one sample per second (src/metrics/series.ts);
 * - `GET /` and `GET /status`: the page that draws both (web/status.html), under a strict CSP;
 * - `GET /assets/:name`: the page's files and the libraries it loads (src/server/status/assets.ts).
 * Nothing here changes state: admin actions stay on the API.
 */
import type { Context, Hono } from 'hono';
import { RecscoreError } from '../../errors.js';
import { named, type AppEnv } from '../env.js';
import { documentRoute } from '../openapi/docs.js';
import { ASSET_NAMES, loadAsset, PAGE_CSP } from '../status/assets.js';
import type { StatusBoard } from '../status/board.js';
import { bearerMatches } from './models.js';

const NO_STORE = 'no-store';

export async function servePage(c: Context<AppEnv>, name: string): Promise<Response> {
  const asset = loadAsset(name);
  if (!asset) throw new RecscoreError('RECSCORE_NOT_FOUND', `no asset named ${JSON.stringify(name.slice(0, 40))}`);
  const { body, type } = await asset;
  const headers: Record<string, string> = {
    'Content-Type': type,
    'X-Content-Type-Options': 'nosniff',
    'Cache-Control': type.startsWith('text/html') ? NO_STORE : 'public, max-age=300',
  };
  if (type.startsWith('text/html')) {
    headers['Content-Security-Policy'] = PAGE_CSP;
    headers['Referrer-Policy'] = 'no-referrer';
  }
  return c.body(body as Uint8Array<ArrayBuffer>, 200, headers);
}

export function registerStatusRoutes(app: Hono<AppEnv>, board: StatusBoard, adminToken: string | undefined): void {
  app.get('/v1/status', named('status'), async (c) => {
    const full = bearerMatches(c.req.header('authorization'), adminToken);
    return c.json(await board.snapshot({ full }), 200, { 'Cache-Control': NO_STORE });
  });
  app.get('/v1/status/series', named('status_series'), (c) =>
    c.json(board.series.snapshot(), 200, { 'Cache-Control': NO_STORE }),
  );
  const page = (c: Context<AppEnv>) => servePage(c, 'status.html');
  app.get('/', named('status_page'), page);
  app.get('/status', named('status_page'), page);
  app.get('/assets/:name', named('assets'), (c) => servePage(c, c.req.param('name')));

  const tags = ['status'];
  documentRoute(
    app,
    {
      method: 'get',
      path: '/v1/status',
      summary: 'Status of this instance: models, breakers, queue, shed count, serving quality, build, uptime',
      description:
        'Sections registered by features (`models`, `training`, `experiments`) appear when they exist. With ' +
        'the admin token, `models` also shows source locations and error messages.',
      tags,
      auth: 'optional',
      responses: { 200: { description: 'The status', schema: STATUS_SCHEMA } },
    },
    {
      method: 'get',
      path: '/v1/status/series',
      summary: 'The last 15 minutes, one sample per second, as plot columns',
      description:
        'Sampled from the Prometheus metrics by a 1 s timer. `t` is epoch seconds; every other column has ' +
        'one value per `t`. Latency quantiles are interpolated inside the histogram buckets; `null`: no ' +
        'recommendation in that second.',
      tags,
      responses: { 200: { description: 'The series', schema: SERIES_SCHEMA } },
    },
    {
      method: 'get',
      path: '/',
      summary: 'The status page (HTML; everything it loads is served by recscore)',
      tags,
      responses: { 200: { description: 'The page', contentType: 'text/html', schema: { type: 'string' } } },
    },
    {
      method: 'get',
      path: '/status',
      summary: 'The status page (as `/`)',
      tags,
      responses: { 200: { description: 'The page', contentType: 'text/html', schema: { type: 'string' } } },
    },
    {
      method: 'get',
      path: '/assets/:name',
      summary: "The pages' scripts and styles, and the libraries they load",
      tags,
      params: { name: { description: 'one of the served files', schema: { type: 'string', enum: ASSET_NAMES } } },
      responses: { 200: { description: 'The file', contentType: 'application/octet-stream' } },
      errors: ['RECSCORE_NOT_FOUND'],
    },
  );
}

const numbers = { type: 'array', items: { type: 'number' } };
const nullableNumbers = { type: 'array', items: { type: ['number', 'null'] } };
const SERIES_SCHEMA = {
  type: 'object',
  required: ['interval_s', 't', 'requests_per_s', 'recommend_per_s', 'p50_ms', 'p99_ms', 'served_by', 'reason'],
  properties: {
    interval_s: { type: 'number' },
    t: numbers,
    requests_per_s: { ...numbers, description: 'HTTP requests answered per second, every route' },
    recommend_per_s: { ...numbers, description: 'Recommendation answers per second' },
    p50_ms: nullableNumbers,
    p99_ms: nullableNumbers,
    served_by: { type: 'object', additionalProperties: numbers, description: 'answers/s by served_by' },
    reason: { type: 'object', additionalProperties: numbers, description: 'fallback answers/s by reason' },
  },
};
const STATUS_SCHEMA = {
  type: 'object',
  required: ['build', 'started_at', 'uptime_s', 'breakers', 'queue_depth', 'shed_total', 'serving', 'totals'],
  properties: {
    build: { type: 'object' },
    started_at: { type: 'string', format: 'date-time' },
    uptime_s: { type: 'number' },
    breakers: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          name: { type: 'string' },
          state: { enum: ['closed', 'half-open', 'open', 'isolated'] },
          since: { type: 'string', format: 'date-time' },
        },
      },
    },
    queue_depth: { type: ['integer', 'null'] },
    shed_total: { type: 'number' },
    serving: {
      type: 'object',
      description: 'answers to known clients over the last 30 s; `quality`: personalised share',
    },
    totals: { type: 'object' },
    models: { type: 'array', items: { type: 'object' } },
  },
  additionalProperties: true,
};
