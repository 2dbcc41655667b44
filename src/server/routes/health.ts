/**
 * Operational routes: `/health` (the process answers), `/ready` (a model is in service and the
 * `ready` dependency agrees — e.g. the pool's workers are up), `/metrics` (Prometheus text).
 * TAAR's Dockerflow names are kept as aliases: `/__lbheartbeat__` = health, `/__heartbeat__` = ready.
 *
 * `/ready` also reports how answers were served lately (`serving`): a server that answers only from its
 * fallback chain says so there (`degraded: true`, with the reason) and in the gauges
 * `recscore_recommend_personalised_ratio` / `_seconds_since_personalised`. It stays ready (200): a
 * fallback is still a useful answer, and the causes (a slow or down profile store, an overloaded pool)
 * are usually shared by every instance, so taking them out of the balancer would turn degraded answers
 * into none. Alert on the gauges instead.
 */
import type { Context, Hono } from 'hono';
import type { Metrics } from '../../metrics/registry.js';
import type { ModelFacts } from '../../recommend/contracts.js';
import type { AppEnv } from '../env.js';
import { errorBody } from '../on-error.js';
import { documentRoute, type RouteDoc } from '../openapi/docs.js';

export function registerHealthRoutes(
  app: Hono<AppEnv>,
  facts: () => ModelFacts | undefined,
  ready: () => boolean,
  metrics: Metrics,
  /** false: no TAAR model set is configured (registry only), so readiness needs no TAAR version */
  taar = true,
): void {
  const health = (c: Context<AppEnv>) => {
    c.set('route', 'health');
    return c.json({ status: 'ok' });
  };
  const readiness = (c: Context<AppEnv>) => {
    c.set('route', 'ready');
    const f = facts();
    if (!taar) {
      if (ready()) return c.json({ ready: true, taar: false });
      return c.json(
        { ready: false, ...errorBody('RECSCORE_INTERNAL', 'not ready (workers starting or stopping)') },
        503,
      );
    }
    if (!f) return c.json({ ready: false, ...errorBody('RECSCORE_NO_MODEL', 'no model is loaded yet') }, 503);
    if (!ready())
      return c.json(
        {
          ready: false,
          model_version: f.version,
          ...errorBody('RECSCORE_INTERNAL', 'not ready (workers starting or stopping)'),
        },
        503,
      );
    const s = metrics.serving.snapshot();
    const serving = {
      personalised: s.personalised,
      fallback: s.fallback,
      seconds_since_personalised:
        s.secondsSincePersonalised === undefined ? null : Math.round(s.secondsSincePersonalised * 10) / 10,
    };
    if (s.onlyFallbacks) {
      const reason = 'recent answers were all fallbacks';
      return c.json({ ready: true, model_version: f.version, degraded: true, reason, serving });
    }
    return c.json({ ready: true, model_version: f.version, serving });
  };
  app.get('/health', health);
  app.get('/__lbheartbeat__', health);
  app.get('/ready', readiness);
  app.get('/__heartbeat__', readiness);
  app.get('/metrics', async (c) => {
    c.set('route', 'metrics');
    return c.body(await metrics.registry.metrics(), 200, { 'Content-Type': metrics.registry.contentType });
  });
  const tags = ['operations'];
  const healthDoc = (path: string): RouteDoc => ({
    method: 'get',
    path,
    summary: path === '/health' ? 'Liveness: the process answers' : 'Liveness (Dockerflow name of `/health`)',
    tags,
    responses: {
      200: { description: '`{"status": "ok"}`', schema: { type: 'object', properties: { status: { const: 'ok' } } } },
    },
  });
  const readyDoc = (path: string): RouteDoc => ({
    method: 'get',
    path,
    summary:
      path === '/ready'
        ? 'Readiness: a model is in service and the workers are up; `serving` reports recent answers'
        : 'Readiness (Dockerflow name of `/ready`)',
    description:
      'Stays 200 when only fallbacks were served lately (`degraded: true`): alert on ' +
      '`recscore_recommend_personalised_ratio` instead.',
    tags,
    responses: { 200: { description: 'Ready', schema: READY_SCHEMA } },
    errors: ['RECSCORE_NO_MODEL', 'RECSCORE_INTERNAL'],
  });
  documentRoute(
    app,
    healthDoc('/health'),
    healthDoc('/__lbheartbeat__'),
    readyDoc('/ready'),
    readyDoc('/__heartbeat__'),
    {
      method: 'get',
      path: '/metrics',
      summary: 'Prometheus metrics (text exposition format)',
      tags,
      responses: { 200: { description: 'The metrics', contentType: 'text/plain', schema: { type: 'string' } } },
    },
  );
}

const READY_SCHEMA = {
  type: 'object',
  required: ['ready', 'model_version', 'serving'],
  properties: {
    ready: { type: 'boolean' },
    model_version: { type: 'string' },
    degraded: { type: 'boolean' },
    reason: { type: 'string' },
    serving: {
      type: 'object',
      properties: {
        personalised: { type: 'integer' },
        fallback: { type: 'integer' },
        seconds_since_personalised: { type: ['number', 'null'] },
      },
    },
  },
};
