/**
 * The API description's one mechanism: a route's document is registered on the app beside the route
 * itself (`documentRoute(app, {...})` in the route's file, with the same zod schemas that validate its
 * input), and `GET /openapi.json` (src/server/openapi/document.ts) is built from what the app holds.
 * Documenting at registration ties the two together: a route that is not mounted is not documented, and
 * test/server/openapi.test.ts lists every mounted route that has no document.
 *
 * `app` is the Hono app the routes are mounted on. Paths are written as Hono writes them (`/v1/x/:id/`); the
 * document turns `:id` into `{id}`.
 */
import type { z } from 'zod';
import type { z as z4 } from 'zod/v4';
import type { ErrorCode } from '../../errors.js';

export type HttpMethod = 'get' | 'post' | 'put' | 'delete' | 'patch';

/** A validating schema: zod 3, or zod 4 (`zod/v4`, the event checks). */
export type ZodSchema = z.ZodTypeAny | z4.ZodType;

/** A JSON Schema written by hand, for the few values that are not checked by a zod schema. */
export type JsonSchema = Record<string, unknown>;

export interface ParamDoc {
  description: string;
  /** The zod schema that validates it, or a JSON Schema built from the validator's own rule (a regex). */
  schema: ZodSchema | JsonSchema;
  /** Query parameters and headers only (path parameters are always required). */
  required?: boolean;
}

export interface ResponseDoc {
  description: string;
  schema?: ZodSchema | JsonSchema;
  /** Default `application/json` when a schema is given. */
  contentType?: string;
  headers?: Record<string, { description: string; schema: JsonSchema }>;
}

export interface RouteDoc {
  method: HttpMethod | readonly HttpMethod[];
  path: string;
  summary: string;
  description?: string;
  tags: readonly string[];
  params?: Record<string, ParamDoc>;
  query?: Record<string, ParamDoc>;
  headers?: Record<string, ParamDoc>;
  body?: { schema: ZodSchema | JsonSchema; description?: string; required?: boolean; contentType?: string };
  /** Success (and other non-error) answers by status. */
  responses: Record<number, ResponseDoc>;
  /** The RECSCORE_… codes this route may answer with; each is documented under its HTTP status. */
  errors?: readonly ErrorCode[];
  /**
   * Who may call it. `required`: the bearer token (RECSCORE_RELOAD_TOKEN) is needed; `optional`: it shows
   * more. `admin-key` / `recommend-key`: an `x-api-key` header with an admin key / a recommend or admin key
   * (src/server/auth.ts); their 401 and 403 codes are documented with them. A list: any one of them.
   */
  auth?: RouteAuth | readonly Exclude<RouteAuth, 'optional'>[];
}

export type RouteAuth = 'required' | 'optional' | 'admin-key' | 'recommend-key';

const DOCS = new WeakMap<object, RouteDoc[]>();

/** Records the documents of routes registered on `app` (call it next to `app.get/post(...)`). */
export function documentRoute(app: object, ...docs: RouteDoc[]): void {
  let list = DOCS.get(app);
  if (!list) {
    list = [];
    DOCS.set(app, list);
  }
  list.push(...docs);
}

/** What has been documented on `app`, in registration order. */
export function routeDocs(app: object): readonly RouteDoc[] {
  return DOCS.get(app) ?? [];
}

/** `/v1/x/:id/` → `/v1/x/{id}/` */
export function openApiPath(honoPath: string): string {
  return honoPath.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

/** The 308 to the same path with a trailing slash (src/server/trailing-slash.ts), documented once per path. */
export function redirectDoc(path: string, method: RouteDoc['method'], tags: readonly string[]): RouteDoc {
  const params = Object.fromEntries(
    [...path.matchAll(/:([A-Za-z0-9_]+)/g)].map(([, name]) => [
      name,
      { description: `as in \`${path}/\``, schema: { type: 'string' } },
    ]),
  );
  return {
    method,
    path,
    summary: `Redirects to \`${path}/\` (TAAR's URLs end with a slash)`,
    tags,
    params,
    responses: {
      308: {
        description: 'Permanent redirect to the same path with a trailing slash (the query is kept)',
        headers: { Location: { description: 'the path with its trailing slash', schema: { type: 'string' } } },
      },
    },
  };
}
