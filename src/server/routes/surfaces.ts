/**
 * Surfaces and experiments over HTTP:
 * - `GET|POST /v1/surfaces/:name/recommendations/:client_id` — a configured surface (`taar`: TAAR's own
 *   answer, as on TAAR's route, which takes no exclude, filters or explain: those are refused). Per request:
 *   `count` (1–100), `exclude` (GUIDs never returned; comma list or repeated), `locale`, `platform`, attribute
 *   filters `<attribute>=<value>` when the catalog has that attribute (`category=privacy`), `explain=1` (admin
 *   only: each stage's list with ranks, scores, sources).
 *   POST takes the same in a JSON body: `{count?, exclude?, filters?: {attr: value}, promoted?, locale?}`
 *   (the body wins over the query).
 * - `GET /v1/experiments/:id/results?from=&to=` — per variant counts and tests (src/pipeline/experiments/results.ts).
 */
import type { Context, Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { z } from 'zod';
import { RecscoreError } from '../../errors.js';
import { dayOf } from '../../events/day.js';
import type { EventStore } from '../../events/store.js';
import { ResultsCache, type ResultsCacheOptions } from '../../pipeline/experiments/results-cache.js';
import { experimentResults } from '../../pipeline/experiments/results.js';
import type { SurfacesHolder } from '../../pipeline/surfaces/holder.js';
import type { SurfaceBody, SurfaceRequest } from '../../pipeline/surfaces/service.js';
import { cleanPromoted } from '../../recommend/promoted.js';
import type { ServerConfig } from '../config.js';
import { named, requestHeader, type AppEnv } from '../env.js';
import { errorResponse } from '../on-error.js';
import { readJsonBody } from '../read-body.js';
import { documentRoute } from '../openapi/docs.js';
import { checkClientId, checkGuid, PARAM_SCHEMAS, parseCount, parseExtra } from '../validate.js';

const RESERVED = new Set(['count', 'limit', 'exclude', 'locale', 'platform', 'explain', 'draw']);
/** What TAAR's route reads of the query (the `taar` surface answers as that route does). */
const TAAR_QUERY = new Set(['count', 'limit', 'locale', 'platform', 'draw']);
const ATTRIBUTE = /^[a-z][a-z0-9_]{0,39}$/;
const MAX_EXCLUDE = 1_000;

const body = z
  .object({
    count: z.number().int().min(1).max(100).optional(),
    exclude: z.array(z.string()).max(MAX_EXCLUDE).optional(),
    filters: z.record(z.string(), z.string().min(1).max(200)).optional(),
    promoted: z.array(z.unknown()).max(1_000).optional(),
    locale: z.string().max(64).optional(),
  })
  .strict();

export interface SurfaceRouteDeps {
  config: ServerConfig;
  holder: SurfacesHolder;
  serve: (req: SurfaceRequest) => Promise<SurfaceBody>;
  /** TAAR's route handler logic for the built-in `taar` surface (same answer as its own route). */
  taar: (c: Context<AppEnv>, clientId: string) => Promise<Response>;
  /** The admin check of `explain=1` (x-api-key / bearer; src/server/auth.ts at merge). */
  isAdmin: (c: Context<AppEnv>) => boolean;
  events?: EventStore;
  /** Reuse of results answers (default: none, every request reads the log). */
  resultsCache?: ResultsCacheOptions;
}

export function registerSurfaceRoutes(app: Hono<AppEnv>, deps: SurfaceRouteDeps): void {
  const limit = bodyLimit({
    maxSize: deps.config.bodyLimitBytes,
    onError: (c) =>
      errorResponse(c, 'RECSCORE_BODY_TOO_LARGE', `body is larger than ${deps.config.bodyLimitBytes} bytes`),
  });
  const path = '/v1/surfaces/:name/recommendations/:client_id';

  const handler = async (c: Context<AppEnv>) => {
    const name = c.req.param('name') ?? '';
    const clientId = checkClientId(c.req.param('client_id') ?? '');
    if (name === 'taar') {
      // TAAR's own answer, exactly as on its route: it has no exclusions, attribute filters or explain, so a
      // request for them is refused rather than answered without them.
      const other = Object.keys(c.req.query()).filter(
        (k) => !TAAR_QUERY.has(k) && !(k === 'explain' && c.req.query(k) === '0'),
      );
      if (other.length > 0)
        throw new RecscoreError(
          'RECSCORE_BAD_OPTION',
          `${other
            .slice(0, 5)
            .map((k) => k.slice(0, 40))
            .join(', ')}: the taar surface is TAAR's own answer ` +
            '(count, limit, locale, platform, draw); exclude, attribute filters and explain need a configured surface',
        );
      return deps.taar(c, clientId);
    }
    const explain = c.req.query('explain');
    if (explain !== undefined && explain !== '0' && explain !== '1')
      throw new RecscoreError('RECSCORE_BAD_OPTION', 'explain must be 0 or 1');
    if (explain === '1' && !deps.isAdmin(c))
      throw new RecscoreError('RECSCORE_UNAUTHORIZED', 'explain=1 needs the admin key');
    let count = parseCount(c.req.query('count'), c.req.query('limit'));
    let exclude = (c.req.queries('exclude') ?? []).flatMap((v) => v.split(',')).filter((v) => v !== '');
    const attributes = new Map<string, string>();
    for (const [k, v] of Object.entries(c.req.query())) if (!RESERVED.has(k)) attributes.set(k, v);
    let locale = c.req.query('locale');
    let promotedRows: unknown[] = [];
    if (c.req.method === 'POST') {
      const json = await readJsonBody(c);
      if (json !== undefined) {
        const parsed = body.safeParse(json);
        if (!parsed.success) {
          const issue = parsed.error.issues[0];
          const field = issue.path.join('.') || '(body)';
          const what = issue.code === 'unrecognized_keys' ? `unknown field(s) ${issue.keys.join(', ')}` : issue.message;
          throw new RecscoreError('RECSCORE_BAD_OPTION', `${field}: ${what}`);
        }
        const b = parsed.data;
        count = b.count ?? count;
        if (b.exclude) exclude = b.exclude;
        for (const [k, v] of Object.entries(b.filters ?? {})) attributes.set(k, v);
        promotedRows = b.promoted ?? [];
        locale = b.locale ?? locale;
      }
    }
    if (exclude.length > MAX_EXCLUDE) throw new RecscoreError('RECSCORE_BAD_OPTION', `exclude: at most ${MAX_EXCLUDE}`);
    for (const g of exclude) checkGuid(g, 'exclude');
    if (attributes.size > 0) {
      const known = deps.holder.catalog.attributes;
      for (const [k, v] of attributes) {
        if (!ATTRIBUTE.test(k) || !known.has(k))
          throw new RecscoreError(
            'RECSCORE_BAD_OPTION',
            known.size === 0
              ? `${k.slice(0, 40)}: no catalog with item attributes is loaded`
              : `${k.slice(0, 40)}: not a catalog attribute (${[...known].slice(0, 20).join(', ')})`,
          );
        if (v.length === 0 || v.length > 200) throw new RecscoreError('RECSCORE_BAD_OPTION', `${k}: 1–200 characters`);
      }
    }
    const result = await deps.serve({
      surface: name,
      clientId,
      extra: parseExtra(locale, c.req.query('platform')),
      acceptLanguage: () => requestHeader(c, 'accept-language'),
      promoted: cleanPromoted(promotedRows),
      count,
      exclude,
      attributes,
      explain: explain === '1',
      started: c.get('started'),
      log: c.get('log'),
    });
    return c.json(result);
  };
  app.get(path, named('surface_recommendations'), handler);
  app.post(path, named('surface_recommendations'), limit, handler);

  const results = new ResultsCache<Awaited<ReturnType<typeof experimentResults>>>(
    deps.resultsCache ?? { ttlMs: 0, maxEntries: 1 },
  );
  app.get('/v1/experiments/:id/results', named('experiment_results'), async (c) => {
    const id = c.req.param('id');
    const experiment = deps.holder.current.experiments.find((e) => e.id === id);
    if (!experiment) throw new RecscoreError('RECSCORE_NO_SURFACE', `no experiment ${JSON.stringify(id.slice(0, 40))}`);
    const events = deps.events;
    if (!events) throw new RecscoreError('RECSCORE_EVENT_STORE', 'no event store');
    const from = c.req.query('from');
    const to = c.req.query('to');
    // Today is in the key: the default range (and an open `to`) moves at midnight UTC.
    const key = [id, from ?? '', to ?? '', dayOf(Date.now())].join('\0');
    const got = await results.get(key, experiment, () => experimentResults(events, experiment, from, to));
    c.header('age', String(Math.floor(got.age / 1000)));
    return c.json(got.value);
  });

  const day = { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' };
  documentRoute(
    app,
    {
      method: ['get', 'post'],
      path,
      summary: "Recommendations from a configured surface (RECSCORE_SURFACES); `taar` is TAAR's own answer",
      description:
        'Sources run concurrently within their budgets; a failed or late source is empty and named in ' +
        '`result_info.sources`, a stage over its budget passes its input on (`result_info.stages`). ' +
        "`result_info.experiments` names the client's variants. Other query parameters are catalog attribute " +
        'filters (`category=privacy`). POST: the same controls in the body (they win over the query).',
      tags: ['recommendations'],
      params: {
        name: { description: 'Surface name', schema: { type: 'string' } },
        client_id: { description: "The client's id", schema: PARAM_SCHEMAS.clientId },
      },
      query: {
        count: { description: 'Results in this answer (default: the surface size)', schema: PARAM_SCHEMAS.count },
        exclude: { description: 'GUIDs never to return (comma list or repeated)', schema: { type: 'string' } },
        locale: { description: 'Locale hint (locale popularity, fallback)', schema: PARAM_SCHEMAS.locale },
        platform: { description: 'Passed on', schema: PARAM_SCHEMAS.platform },
        explain: { description: "1: each stage's list (admin token only)", schema: { enum: ['0', '1'] } },
      },
      body: { schema: body, required: false },
      responses: { 200: { description: 'The answer: `{results, result_info, explain?}`', schema: { type: 'object' } } },
      errors: [
        'RECSCORE_BAD_OPTION',
        'RECSCORE_BAD_CLIENT_ID',
        'RECSCORE_BAD_GUID',
        'RECSCORE_BAD_JSON',
        'RECSCORE_BODY_TOO_LARGE',
        'RECSCORE_UNAUTHORIZED',
        'RECSCORE_NO_SURFACE',
        'RECSCORE_NO_MODEL',
      ],
      auth: 'optional',
    },
    {
      method: 'get',
      path: '/v1/experiments/:id/results',
      summary: 'Per-variant results of an experiment from the event log',
      description:
        'Clients (HyperLogLog), impressions, clicks, installs, CTR and install rate with Wilson 95 % intervals, ' +
        'the difference to control (the first variant) with a two-proportion z-test, a sample-ratio check ' +
        '(clients per variant against the weights) and an allocation check (inside vs outside the experiment). ' +
        'An answer is reused for RECSCORE_EXPERIMENT_RESULTS_CACHE_S seconds; the `Age` header says how old it is.',
      tags: ['events'],
      params: { id: { description: 'Experiment id', schema: { type: 'string' } } },
      query: {
        from: { description: 'First day (YYYY-MM-DD; default 6 days before `to`)', schema: day },
        to: { description: 'Last day (YYYY-MM-DD; default today, UTC)', schema: day },
      },
      responses: { 200: { description: 'Results per variant', schema: { type: 'object' } } },
      errors: ['RECSCORE_NO_SURFACE', 'RECSCORE_BAD_QUERY', 'RECSCORE_EVENT_STORE'],
    },
  );
}
