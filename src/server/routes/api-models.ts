/**
 * Product Recommendations' model API (issue #13), admin keys only:
 * - `POST /api/models`: validate, store a `Created` record, queue its training → 201, `Location`, the record;
 * - `GET /api/models`, `GET /api/models/{id}`: the records (400 not a UUID, 404);
 * - `DELETE /api/models/{id}`: cancel its job, remove record and artifact, clear the default → 202;
 * - `PUT /api/models/default?modelId=`, `GET /api/models/default`: the default model (404, 409 not trained).
 * A record another replica wrote a moment ago may not be polled yet: a miss re-reads the registry once.
 */
import { randomUUID } from 'node:crypto';
import type { Context, Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { MODEL_ID_PATTERN, parseCreateModel } from '../../control/model-params.js';
import type { JobQueue } from '../../control/job-queue.js';
import { checkUsage } from '../../control/usage-path.js';
import { RecscoreError } from '../../errors.js';
import type { ModelRecord } from '../../model/records/record.js';
import type { RegistryStore } from '../../model/records/registry-store.js';
import { requireKey, type KeyRing } from '../auth.js';
import { apiModelDocs } from './api-models-doc.js';
import { named, type AppEnv } from '../env.js';
import { errorResponse } from '../on-error.js';
import { documentRoute } from '../openapi/docs.js';
import { readJsonBody } from '../read-body.js';

export interface ApiModelDeps {
  store: RegistryStore;
  queue: JobQueue;
  keys: KeyRing;
  dataDir: string;
  bodyLimitBytes: number;
}

/** A record as the API shows it (the job bookkeeping is internal). */
export function publicRecord(r: ModelRecord): Omit<ModelRecord, 'job'> {
  const { job: _job, ...rest } = r;
  return rest;
}

export function modelId(raw: string | undefined, field = 'modelId'): string {
  if (raw === undefined || raw === '')
    throw new RecscoreError('RECSCORE_BAD_MODEL_ID', `${field} is required (a UUID)`, { field });
  if (!MODEL_ID_PATTERN.test(raw))
    throw new RecscoreError(
      'RECSCORE_BAD_MODEL_ID',
      `${field} must be a UUID, got ${JSON.stringify(raw.slice(0, 80))}`,
      {
        field,
      },
    );
  return raw.toLowerCase();
}

/** The record, re-reading the registry once on a miss (another replica may have just written it). */
export async function findRecord(store: RegistryStore, id: string): Promise<ModelRecord> {
  let r = store.get(id);
  if (!r) {
    await store.refresh();
    r = store.get(id);
  }
  if (!r) throw new RecscoreError('RECSCORE_MODEL_NOT_FOUND', `no model ${id}`);
  return r;
}

export function registerApiModelRoutes(app: Hono<AppEnv>, deps: ApiModelDeps): void {
  const { store, queue } = deps;
  const docs = apiModelDocs(deps.bodyLimitBytes);
  const admin = requireKey(deps.keys, 'admin');
  const limit = bodyLimit({
    maxSize: deps.bodyLimitBytes,
    onError: (c) => errorResponse(c, 'RECSCORE_BODY_TOO_LARGE', `body is larger than ${deps.bodyLimitBytes} bytes`),
  });

  app.post('/api/models', named('api_models_create'), admin, limit, async (c) => {
    const { description, parameters } = parseCreateModel(await readJsonBody(c));
    checkUsage('usage', parameters.usage, deps.dataDir);
    if (parameters.evaluationUsage) checkUsage('evaluationUsage', parameters.evaluationUsage, deps.dataDir);
    await queue.admit();
    const record: ModelRecord = {
      id: randomUUID(),
      kind: 'sar',
      description,
      creationTime: new Date().toISOString(),
      modelStatus: 'Created',
      modelStatusMessage: 'Queued for training',
      parameters,
      job: queue.newJob(),
    };
    await store.create(record);
    try {
      await queue.enqueue(record.id);
    } catch (e) {
      await store.remove(record.id).catch(() => {});
      throw e;
    }
    return c.json(publicRecord(store.get(record.id) ?? record), 201, { Location: `/api/models/${record.id}` });
  });
  documentRoute(app, docs.create);

  app.get('/api/models', named('api_models_list'), admin, (c) => c.json(store.list().map(publicRecord)));
  documentRoute(app, docs.list);

  // Before /api/models/:id, which would otherwise take "default" as an id.
  app.get('/api/models/default', named('api_models_default'), admin, async (c) => {
    const id = store.defaultId();
    const r = id && store.get(id);
    if (!r) return noDefault(c);
    return c.json(publicRecord(r));
  });
  documentRoute(app, docs.getDefault);

  app.put('/api/models/default', named('api_models_default'), admin, async (c) => {
    const id = modelId(c.req.query('modelId'));
    let r = await findRecord(store, id);
    // Trained by another replica a moment ago: this one may not have polled it yet.
    if (r.modelStatus !== 'Completed') {
      await store.refresh();
      r = await findRecord(store, id);
    }
    if (r.modelStatus !== 'Completed')
      throw new RecscoreError(
        'RECSCORE_MODEL_NOT_COMPLETED',
        `model ${id} is ${r.modelStatus}: only a Completed model can be the default`,
      );
    await store.setDefault(id);
    return c.json(publicRecord(r));
  });
  documentRoute(app, docs.putDefault);

  app.get('/api/models/:id', named('api_models_get'), admin, async (c) => {
    const r = await findRecord(store, modelId(c.req.param('id'), 'id'));
    return c.json(publicRecord(r));
  });
  documentRoute(app, docs.get);

  app.delete('/api/models/:id', named('api_models_delete'), admin, async (c) => {
    const id = modelId(c.req.param('id'), 'id');
    await findRecord(store, id);
    await queue.cancel(id);
    const removed = await store.remove(id);
    if (!removed) throw new RecscoreError('RECSCORE_MODEL_NOT_FOUND', `no model ${id}`);
    await store.removeArtifact(id).catch(() => {});
    return c.json(publicRecord(removed), 202);
  });
  documentRoute(app, docs.remove);
}

function noDefault(c: Context): Response {
  return errorResponse(c, 'RECSCORE_NO_DEFAULT_MODEL', 'no default model is set (PUT /api/models/default?modelId=)');
}
