/**
 * Feedback events and engagement analytics:
 * - `POST /v1/events`: a JSON array of ≤ 1,000 events, ≤ 1 MiB. Each event is checked on its own; the
 *   answer `{"accepted": N, "rejected": [{index, code, message}]}` is sent only after the accepted ones are
 *   durable (503 RECSCORE_EVENT_STORE otherwise: nothing acknowledged). Every event rejected → 400 with the
 *   same list. `Idempotency-Key: <1–128 of A-Z a-z 0-9 _ . : ->` makes a retry after a lost answer a no-op
 *   (`"replayed": true`); without one, delivery is at-least-once.
 * - `GET /v1/stats/distinct|engagement|ctr`: src/events/stats.ts.
 */
import type { Hono, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { RecscoreError } from '../../errors.js';
import type { Logger } from '../../log.js';
import { checkEvent, postedEventSchema, type EventRules, type PostedEvent } from '../../events/event.js';
import { documentRoute, type RouteDoc } from '../openapi/docs.js';
import { ctrStats, distinctStats, engagementStats, MAU_DAYS, parseStatsQuery } from '../../events/stats.js';
import type { EventStore } from '../../events/store.js';
import { named, type AppEnv } from '../env.js';
import { errorBody, errorResponse } from '../on-error.js';
import { readJsonBody } from '../read-body.js';

export const MAX_EVENTS_PER_POST = 1_000;
export const MAX_EVENTS_BODY = 1024 * 1024;
const IDEMPOTENCY_KEY = /^[A-Za-z0-9_.:-]{1,128}$/;

export interface EventRouteDeps {
  store: EventStore;
  /** Runs before POST /v1/events (the recommend keys when RECSCORE_RECOMMEND_KEYS is set); none: open, as TAAR's. */
  guard?: MiddlewareHandler<AppEnv>;
  rules: EventRules;
  log: Logger;
  now?: () => number;
}

export function registerEventRoutes(app: Hono<AppEnv>, deps: EventRouteDeps): void {
  const { store, rules } = deps;
  const now = deps.now ?? Date.now;
  const limit = bodyLimit({
    maxSize: MAX_EVENTS_BODY,
    onError: (c) => errorResponse(c, 'RECSCORE_BODY_TOO_LARGE', `body is larger than ${MAX_EVENTS_BODY} bytes`),
  });

  const guard: MiddlewareHandler<AppEnv> = deps.guard ?? (async (_c, next) => next());
  app.post('/v1/events', named('events'), guard, limit, async (c) => {
    const key = c.req.header('idempotency-key');
    if (key !== undefined && !IDEMPOTENCY_KEY.test(key)) {
      throw new RecscoreError('RECSCORE_BAD_REQUEST', 'Idempotency-Key: 1–128 characters of A-Z a-z 0-9 _ . : -');
    }
    const json = await readJsonBody(c);
    if (!Array.isArray(json)) throw new RecscoreError('RECSCORE_BAD_JSON', 'body must be a JSON array of events');
    if (json.length === 0) throw new RecscoreError('RECSCORE_BAD_EVENT', 'no events: the array is empty');
    if (json.length > MAX_EVENTS_PER_POST) {
      throw new RecscoreError(
        'RECSCORE_TOO_MANY_EVENTS',
        `${json.length} events; at most ${MAX_EVENTS_PER_POST} per request`,
      );
    }
    const t = now();
    const accepted: PostedEvent[] = [];
    const rejected: Array<{ index: number; code: string; message: string }> = [];
    json.forEach((raw, index) => {
      const r = checkEvent(raw, rules, t);
      if (r.ok) accepted.push(r.event);
      else rejected.push({ index, code: r.code, message: r.message });
    });
    if (accepted.length === 0) {
      return c.json(
        { ...errorBody('RECSCORE_BAD_EVENT', `all ${rejected.length} events were rejected`), accepted: 0, rejected },
        400,
      );
    }
    const result = await store.append(accepted, key);
    return c.json({ accepted: result.ids.length, rejected, ...(result.replayed ? { replayed: true } : {}) });
  });

  const types = () => rules.weights.keys();
  app.get('/v1/stats/distinct', named('stats_distinct'), async (c) =>
    c.json(await distinctStats(store, parseStatsQuery(c.req.query(), types()))),
  );
  app.get('/v1/stats/engagement', named('stats_engagement'), async (c) =>
    c.json(await engagementStats(store, parseStatsQuery(c.req.query(), types()))),
  );
  app.get('/v1/stats/ctr', named('stats_ctr'), async (c) =>
    c.json(await ctrStats(store, parseStatsQuery(c.req.query(), types()))),
  );

  const stats = (name: string, summary: string, query: RouteDoc['query']): RouteDoc => ({
    method: 'get',
    path: `/v1/stats/${name}`,
    summary,
    description:
      'Any other query parameter `dim=value` (dim: 1–32 of a-z 0-9 _) selects a segment; `event=a,b` the event ' +
      'types (default all).',
    tags: ['events'],
    query: {
      event: { description: 'Comma-separated event types (default: all)', schema: { type: 'string' } },
      ...query,
    },
    responses: { 200: { description: 'The figures', schema: { type: 'object' } } },
    errors: ['RECSCORE_BAD_QUERY', 'RECSCORE_EVENT_STORE'],
  });
  const day = { type: 'string', format: 'date' };
  const range = {
    from: { description: 'First day (YYYY-MM-DD)', schema: day, required: true },
    to: { description: 'Last day (YYYY-MM-DD)', schema: day, required: true },
  };
  documentRoute(
    app,
    {
      method: 'post',
      path: '/v1/events',
      summary: `Record feedback events (≤ ${MAX_EVENTS_PER_POST} per request, ≤ 1 MiB)`,
      description:
        'Answered only after the accepted events are durable. Each event is checked on its own; rejected ones ' +
        'are listed with their index, code and message. When recommend keys are configured ' +
        '(RECSCORE_RECOMMEND_KEYS), an `x-api-key` (recommend or admin) is required; otherwise the route is open.',
      tags: ['events'],
      headers: {
        'Idempotency-Key': {
          description: 'Makes a retry after a lost answer a no-op (`"replayed": true`)',
          schema: { type: 'string', pattern: IDEMPOTENCY_KEY.source },
        },
      },
      body: { schema: postedEventSchema.array().min(1).max(MAX_EVENTS_PER_POST) },
      responses: {
        200: {
          description: 'Accepted (some may be rejected)',
          schema: {
            type: 'object',
            properties: {
              accepted: { type: 'integer' },
              rejected: { type: 'array', items: { type: 'object' } },
              replayed: { type: 'boolean' },
            },
          },
        },
      },
      errors: [
        'RECSCORE_UNAUTHORIZED',
        'RECSCORE_BAD_REQUEST',
        'RECSCORE_BAD_JSON',
        'RECSCORE_BAD_EVENT',
        'RECSCORE_TOO_MANY_EVENTS',
        'RECSCORE_BODY_TOO_LARGE',
        'RECSCORE_EVENT_STORE',
      ],
    },
    stats('distinct', 'Distinct clients (HyperLogLog) over a range of days', range),
    stats('engagement', `Daily and monthly (${MAU_DAYS} days) active clients and their ratio on one day`, {
      day: { description: 'The day (YYYY-MM-DD)', schema: day, required: true },
    }),
    stats('ctr', 'Click-through rate over a range of days', {
      ...range,
      by: { description: 'Break down by this dimension (default served_by)', schema: { type: 'string' } },
    }),
  );
}
