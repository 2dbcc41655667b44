/**
 * `GET /openapi.json`: the OpenAPI 3.1 document of the routes documented on an app (src/server/openapi/
 * docs.ts). Request schemas are the zod schemas that validate requests, converted by zod-to-json-schema
 * and zod 4's by its own toJSONSchema
 * (zod-to-json-schema's JSON Schema 7 output is valid 2020-12 for the constructs recscore uses; OpenAPI 3.1 schemas are
 * 2020-12). Errors: every documented code appears under its HTTP status from on-error.ts's HTTP_STATUS,
 * with the one error body `{"error": {"code", "message"}}`.
 */
import { z } from 'zod';
import { z as z4 } from 'zod/v4';
import { zodToJsonSchema } from 'zod-to-json-schema';
import type { ErrorCode } from '../../errors.js';
import { API_KEY_HEADER } from '../auth.js';
import { HTTP_STATUS } from '../on-error.js';
import {
  openApiPath,
  routeDocs,
  type JsonSchema,
  type ParamDoc,
  type RouteAuth,
  type RouteDoc,
  type ZodSchema,
} from './docs.js';

export interface DocumentInfo {
  title?: string;
  version: string;
  description?: string;
}

function isZod(s: unknown): s is z.ZodTypeAny {
  return s instanceof z.ZodType;
}
function isZod4(s: unknown): s is z4.ZodType {
  return s instanceof z4.ZodType;
}

/** A zod schema as an inline JSON Schema (no `$schema`, no `$ref`s: each route's schema stands alone). */
export function jsonSchemaOf(schema: ZodSchema | JsonSchema): JsonSchema {
  if (isZod4(schema)) {
    // zod 4 writes JSON Schema 2020-12 itself (OpenAPI 3.1's dialect).
    const { $schema: _drop4, ...out } = z4.toJSONSchema(schema, { unrepresentable: 'any' }) as JsonSchema;
    return out;
  }
  if (!isZod(schema)) return schema;
  const { $schema: _drop, ...rest } = zodToJsonSchema(schema, {
    $refStrategy: 'none',
    target: 'jsonSchema7',
    // A non-strict object drops unknown keys, so a request with some is accepted: document it so.
    removeAdditionalStrategy: 'strict',
  }) as JsonSchema;
  return rest;
}

const ERROR_BODY: JsonSchema = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: { $ref: '#/components/schemas/ErrorCode' },
        message: { type: 'string', description: 'What was wrong, naming the parameter or field' },
      },
    },
  },
};

function parameters(where: 'path' | 'query' | 'header', docs: Record<string, ParamDoc> | undefined) {
  return Object.entries(docs ?? {}).map(([name, p]) => ({
    name,
    in: where,
    required: where === 'path' ? true : (p.required ?? false),
    description: p.description,
    schema: jsonSchemaOf(p.schema),
  }));
}

function errorResponses(codes: readonly ErrorCode[] | undefined): Record<string, unknown> {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of codes ?? []) {
    const status = HTTP_STATUS[code];
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  const out: Record<string, unknown> = {};
  for (const [status, list] of [...byStatus].sort(([a], [b]) => a - b)) {
    out[String(status)] = {
      description: list.map((c) => `\`${c}\``).join(', '),
      content: {
        'application/json': {
          schema: {
            allOf: [
              { $ref: '#/components/schemas/ErrorBody' },
              { properties: { error: { properties: { code: { enum: list } } } } },
            ],
          },
        },
      },
    };
  }
  return out;
}

function operation(doc: RouteDoc, method: string): Record<string, unknown> {
  const responses: Record<string, unknown> = {};
  for (const [status, r] of Object.entries(doc.responses)) {
    responses[status] = {
      description: r.description,
      ...(r.headers ? { headers: Object.fromEntries(Object.entries(r.headers).map(([k, h]) => [k, { ...h }])) } : {}),
      ...(r.schema || r.contentType
        ? {
            content: {
              [r.contentType ?? 'application/json']: r.schema ? { schema: jsonSchemaOf(r.schema) } : {},
            },
          }
        : {}),
    };
  }
  Object.assign(responses, errorResponses([...new Set([...(doc.errors ?? []), ...authErrors(doc.auth)])]));
  const params = [
    ...parameters('path', doc.params),
    ...parameters('query', doc.query),
    ...parameters('header', doc.headers),
  ];
  return {
    operationId: operationId(method, doc.path),
    summary: doc.summary,
    ...(doc.description ? { description: doc.description } : {}),
    tags: [...doc.tags],
    ...(params.length ? { parameters: params } : {}),
    ...(doc.body
      ? {
          requestBody: {
            required: doc.body.required ?? true,
            ...(doc.body.description ? { description: doc.body.description } : {}),
            content: { [doc.body.contentType ?? 'application/json']: { schema: jsonSchemaOf(doc.body.schema) } },
          },
        }
      : {}),
    responses,
    ...(doc.auth ? { security: security(doc.auth) } : {}),
  };
}

/** Each way in is one security requirement; an admin key opens whatever a recommend key opens. */
const SECURITY: Record<RouteAuth, Record<string, []>[]> = {
  required: [{ adminToken: [] }],
  optional: [{}, { adminToken: [] }],
  'admin-key': [{ adminKey: [] }],
  'recommend-key': [{ recommendKey: [] }, { adminKey: [] }],
};

function security(auth: NonNullable<RouteDoc['auth']>): Record<string, []>[] {
  const list: readonly RouteAuth[] = typeof auth === 'string' ? [auth] : auth;
  const seen = new Map(list.flatMap((a) => SECURITY[a]).map((r) => [JSON.stringify(r), r]));
  return [...seen.values()];
}

/**
 * What src/server/auth.ts's requireKey answers: 401 without a valid key, and on an admin-only route 403 for a
 * recommend key. A route with several ways in checks them itself and lists its own codes.
 */
function authErrors(auth: RouteDoc['auth']): ErrorCode[] {
  if (auth === 'admin-key') return ['RECSCORE_UNAUTHORIZED', 'RECSCORE_FORBIDDEN'];
  if (auth === 'recommend-key') return ['RECSCORE_UNAUTHORIZED'];
  return [];
}

function operationId(method: string, path: string): string {
  const words = path
    .replace(/:([A-Za-z0-9_]+)/g, 'by_$1')
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean);
  return [method, ...words].join('_') || method;
}

/** The document of every route documented on `app`. */
export function openApiDocument(app: object, info: DocumentInfo): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  const tags = new Set<string>();
  for (const doc of routeDocs(app)) {
    const methods = typeof doc.method === 'string' ? [doc.method] : doc.method;
    const item = (paths[openApiPath(doc.path)] ??= {});
    for (const m of methods) item[m] = operation(doc, m);
    for (const t of doc.tags) tags.add(t);
  }
  const codes = Object.keys(HTTP_STATUS) as ErrorCode[];
  return {
    openapi: '3.1.0',
    info: {
      title: info.title ?? 'recscore',
      version: info.version,
      description:
        info.description ??
        'TAAR-compatible recommendation server. Every error is JSON `{"error": {"code", "message"}}` with a ' +
          'stable `RECSCORE_…` code; the codes and their HTTP statuses are in `components.schemas.ErrorCode` ' +
          '(`x-http-status`).',
      license: { name: 'MPL-2.0', identifier: 'MPL-2.0' },
    },
    tags: [...tags].map((name) => ({ name })),
    paths,
    components: {
      schemas: {
        ErrorBody: ERROR_BODY,
        ErrorCode: {
          type: 'string',
          enum: codes,
          'x-http-status': Object.fromEntries(codes.map((c) => [c, HTTP_STATUS[c]])),
        },
      },
      securitySchemes: {
        adminToken: {
          type: 'http',
          scheme: 'bearer',
          description: 'The value of RECSCORE_RELOAD_TOKEN',
        },
        // Both kinds of API key travel in the same header; which kind a key is decides what it opens.
        adminKey: {
          type: 'apiKey',
          in: 'header',
          name: API_KEY_HEADER,
          description:
            'An admin key (RECSCORE_ADMIN_KEYS; unset: `serve` generates one and logs it): every /api route, ' +
            'and `POST /v1/models/reload`. No key or an unknown one → 401 `RECSCORE_UNAUTHORIZED`.',
        },
        recommendKey: {
          type: 'apiKey',
          in: 'header',
          name: API_KEY_HEADER,
          description:
            'A recommend key (RECSCORE_RECOMMEND_KEYS): the /api recommend routes only; on an admin route → 403 ' +
            '`RECSCORE_FORBIDDEN`.',
        },
      },
    },
  };
}
