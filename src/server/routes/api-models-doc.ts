/**
 * The API document of the model registry routes (src/server/routes/api-models.ts registers each next to its
 * route). The request body is the zod schema the route validates with (createModelBody); the answer is the
 * record without its job bookkeeping, described by `publicRecordSchema`, which the compiler holds to
 * ModelRecord (a field added to one and not the other does not build).
 */
import { z } from 'zod';
import { createModelBody, MODEL_ID_PATTERN } from '../../control/model-params.js';
import { SIMILARITY_TYPES } from '../../model/kinds/sar/types.js';
import { MODEL_STATUSES, type ModelRecord } from '../../model/records/record.js';
import type { ParamDoc, ResponseDoc, RouteDoc } from '../openapi/docs.js';

const parameters = z
  .object({
    usage: z.string().describe('Usage log: a path under RECSCORE_DATA_DIR, a `gs://…` URL or `events:FROM..TO`'),
    evaluationUsage: z.string().optional(),
    similarityFunction: z.enum(SIMILARITY_TYPES),
    supportThreshold: z.number().int(),
    cooccurrenceUnit: z.enum(['user', 'timestamp']),
    enableUserAffinity: z.boolean(),
    decayPeriodInDays: z.number().optional(),
    enableBackfilling: z.boolean(),
    allowSeedItemsInRecommendations: z.boolean(),
    enableUserToItemRecommendations: z.boolean(),
  })
  .strict()
  .describe('The training and serving parameters, enumerations in lower case');

/** A model record as the API answers it (`publicRecord`). */
export const publicRecordSchema = z
  .object({
    id: z.string().uuid(),
    kind: z.enum(['sar', 'taar']),
    description: z.string().max(256),
    creationTime: z.string().datetime().describe('ISO 8601'),
    modelStatus: z.enum(MODEL_STATUSES),
    modelStatusMessage: z.string().describe('Progress while training (`…%`), the reason when Failed'),
    parameters,
    statistics: z
      .record(z.unknown())
      .optional()
      .describe('Durations, parse report, users/items/events, coverage, evaluation; once trained'),
    artifact: z.string().optional().describe('Where the trained model is; once Completed'),
  })
  .strict();

type PublicRecord = Omit<ModelRecord, 'job'>;
type Documented = z.infer<typeof publicRecordSchema>;
type SameKeys<A, B> = [keyof A] extends [keyof B] ? ([keyof B] extends [keyof A] ? true : false) : false;
// Compile-time: the schema names exactly the record's fields, and what it describes is a record.
const _sameFields: SameKeys<Documented, PublicRecord> = true;
const _sameParameters: SameKeys<Documented['parameters'], PublicRecord['parameters']> = true;
const _narrower = (d: Documented): PublicRecord => d;
void [_sameFields, _sameParameters, _narrower];

const MODEL_ID: ParamDoc = {
  description: 'The model id (a UUID)',
  schema: { type: 'string', format: 'uuid', pattern: MODEL_ID_PATTERN.source },
};
const RECORD: ResponseDoc = { description: 'The model record', schema: publicRecordSchema };
const TAGS = ['registry'];
const STORE_ERRORS = ['RECSCORE_REGISTRY', 'RECSCORE_REGISTRY_CONFLICT'] as const;

/** The documents of the /api/models routes, by route; `bodyLimitBytes` is RECSCORE_BODY_LIMIT. */
export function apiModelDocs(bodyLimitBytes: number) {
  const create: RouteDoc = {
    method: 'post',
    path: '/api/models',
    summary: 'Register a SAR model and queue its training',
    description:
      `A JSON object of at most ${bodyLimitBytes} bytes. The answer is the \`Created\` record; poll ` +
      '`GET /api/models/{id}` until `modelStatus` is `Completed` or `Failed`. Enumerations are read in any case.',
    tags: TAGS,
    auth: 'admin-key',
    body: { schema: createModelBody },
    responses: {
      201: {
        ...RECORD,
        description: 'Created: the record, `modelStatus` `Created`',
        headers: {
          Location: { description: 'The new model: `/api/models/{id}`', schema: { type: 'string' } },
        },
      },
    },
    errors: [
      'RECSCORE_BAD_JSON',
      'RECSCORE_UNSUPPORTED_MEDIA_TYPE',
      'RECSCORE_BAD_MODEL_FIELD',
      'RECSCORE_BAD_USAGE_PATH',
      'RECSCORE_BODY_TOO_LARGE',
      'RECSCORE_TRAINING_QUEUE_FULL',
      ...STORE_ERRORS,
    ],
  };
  const list: RouteDoc = {
    method: 'get',
    path: '/api/models',
    summary: 'Every registered model',
    tags: TAGS,
    auth: 'admin-key',
    responses: { 200: { description: 'The records', schema: z.array(publicRecordSchema) } },
  };
  const getDefault: RouteDoc = {
    method: 'get',
    path: '/api/models/default',
    summary: 'The default model (served when a request names none)',
    tags: TAGS,
    auth: 'admin-key',
    responses: { 200: RECORD },
    errors: ['RECSCORE_NO_DEFAULT_MODEL'],
  };
  const putDefault: RouteDoc = {
    method: 'put',
    path: '/api/models/default',
    summary: 'Make a Completed model the default',
    tags: TAGS,
    auth: 'admin-key',
    query: { modelId: { ...MODEL_ID, required: true } },
    responses: { 200: { ...RECORD, description: 'The new default model' } },
    errors: ['RECSCORE_BAD_MODEL_ID', 'RECSCORE_MODEL_NOT_FOUND', 'RECSCORE_MODEL_NOT_COMPLETED', ...STORE_ERRORS],
  };
  const get: RouteDoc = {
    method: 'get',
    path: '/api/models/:id',
    summary: 'One model: its status, parameters and, once trained, statistics',
    tags: TAGS,
    auth: 'admin-key',
    params: { id: MODEL_ID },
    responses: { 200: RECORD },
    errors: ['RECSCORE_BAD_MODEL_ID', 'RECSCORE_MODEL_NOT_FOUND', 'RECSCORE_REGISTRY'],
  };
  const remove: RouteDoc = {
    method: 'delete',
    path: '/api/models/:id',
    summary: 'Delete a model: cancel its training, remove record and trained model, clear it as default',
    tags: TAGS,
    auth: 'admin-key',
    params: { id: MODEL_ID },
    responses: { 202: { ...RECORD, description: 'Accepted: the record as it was' } },
    errors: ['RECSCORE_BAD_MODEL_ID', 'RECSCORE_MODEL_NOT_FOUND', ...STORE_ERRORS],
  };
  return { create, list, getDefault, putDefault, get, remove };
}
