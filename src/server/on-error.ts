/**
 * The one mapping from error codes to HTTP statuses, and the JSON error body every failure uses:
 * `{"error": {"code": "RECSCORE_…", "message": "…"}}`. Hono's own 404/500 are plain text, so the app
 * installs `notFound`, `onError` and a JSON 405; listen.ts uses `statusOf` for the errors Node and
 * @hono/node-server raise before the app runs.
 */
import type { Context, ErrorHandler, NotFoundHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { isRecscoreError, type ErrorCode } from '../errors.js';
import type { Logger } from '../log.js';

/**
 * Total on purpose: a new ErrorCode without a status here does not compile. Errors of the server's own
 * making (model, config, bugs) are 500s; a dependency that is down or busy is a 503 (most of those never
 * reach a client: the recommendation routes answer them from the fallback chain).
 */
export const HTTP_STATUS: Readonly<Record<ErrorCode, ContentfulStatusCode>> = {
  RECSCORE_MODEL_MISSING: 500,
  RECSCORE_MODEL_DECODE: 500,
  RECSCORE_MODEL_SCHEMA: 500,
  RECSCORE_MODEL_CONSISTENCY: 500,
  RECSCORE_MODEL_TOO_LARGE: 500,
  RECSCORE_MODEL_SOURCE: 500,
  RECSCORE_BUNDLE_INVALID: 500,
  RECSCORE_NO_MODEL: 503, // nothing to serve yet (TAAR answered a 500)
  RECSCORE_BAD_REQUEST: 400,
  RECSCORE_BAD_JSON: 400,
  RECSCORE_BAD_CLIENT_ID: 400,
  RECSCORE_BAD_GUID: 400,
  RECSCORE_BAD_OPTION: 400,
  RECSCORE_BODY_TOO_LARGE: 413,
  RECSCORE_HEADERS_TOO_LARGE: 431,
  RECSCORE_UNSUPPORTED_MEDIA_TYPE: 415,
  RECSCORE_NOT_FOUND: 404,
  RECSCORE_METHOD_NOT_ALLOWED: 405,
  RECSCORE_UNAUTHORIZED: 401,
  RECSCORE_TIMEOUT: 408,
  RECSCORE_PROFILE_INVALID: 500, // our stored data is bad, not the caller's request
  RECSCORE_PROFILE_STORE: 503,
  RECSCORE_PROFILE_READ_ABORTED: 503,
  RECSCORE_PROFILE_STORE_CLOSED: 503, // shutting down: another instance can answer
  RECSCORE_RECOMMENDER_FAILED: 500,
  RECSCORE_SHED: 503,
  RECSCORE_DEADLINE_EXPIRED: 503,
  RECSCORE_BUDGET_EXCEEDED: 503,
  RECSCORE_STALLED: 503,
  RECSCORE_POOL_CLOSED: 503,
  RECSCORE_WORKER_FAILED: 503,
  RECSCORE_CONFIG: 500,
  RECSCORE_INTERNAL: 500,
  RECSCORE_REQUEST_FAILED: 500,
  RECSCORE_BAD_EVENT: 400,
  RECSCORE_BAD_EVENT_TYPE: 400,
  RECSCORE_BAD_TIMESTAMP: 400,
  RECSCORE_TOO_MANY_EVENTS: 413,
  RECSCORE_BAD_QUERY: 400,
  RECSCORE_EVENT_STORE: 503,
  RECSCORE_BAD_SKETCH: 400,
  RECSCORE_SAR_INPUT: 400,
  RECSCORE_SAR_TRAINING: 422,
  RECSCORE_FORBIDDEN: 403,
  RECSCORE_BAD_MODEL_ID: 400,
  RECSCORE_BAD_MODEL_FIELD: 400,
  RECSCORE_BAD_USAGE_PATH: 400,
  RECSCORE_MODEL_NOT_FOUND: 404,
  RECSCORE_NO_DEFAULT_MODEL: 404,
  RECSCORE_MODEL_NOT_COMPLETED: 409,
  RECSCORE_TRAINING_QUEUE_FULL: 429,
  RECSCORE_REGISTRY: 503,
  RECSCORE_REGISTRY_CONFLICT: 409,
  RECSCORE_SURFACES_INVALID: 500, // the operator's file, not the caller's request
  RECSCORE_NO_SURFACE: 404,
  RECSCORE_SOURCE_FAILED: 500,
};

/** HTTP status for an error code. */
export function statusOf(code: ErrorCode): ContentfulStatusCode {
  return HTTP_STATUS[code];
}

export interface ErrorBody {
  error: { code: ErrorCode; message: string };
}

export function errorBody(code: ErrorCode, message: string): ErrorBody {
  return { error: { code, message } };
}

export function errorResponse(
  c: Context,
  code: ErrorCode,
  message: string,
  headers?: Record<string, string>,
): Response {
  return c.json(errorBody(code, message), statusOf(code), headers);
}

const HTTP_EXCEPTION_CODES: Record<number, ErrorCode> = {
  400: 'RECSCORE_BAD_REQUEST',
  404: 'RECSCORE_NOT_FOUND',
  405: 'RECSCORE_METHOD_NOT_ALLOWED',
  413: 'RECSCORE_BODY_TOO_LARGE',
  415: 'RECSCORE_UNSUPPORTED_MEDIA_TYPE',
};

export function createOnError(appLog: Logger): ErrorHandler {
  return (err, c) => {
    // The request's logger (its id on the line); the app's when the error came before request-context ran.
    const log = (c.get('log') as Logger | undefined) ?? appLog;
    if (isRecscoreError(err)) {
      const status = statusOf(err.code);
      if (status >= 500) log.error('request failed', { code: err.code, error: err, path: c.req.path });
      return c.json(errorBody(err.code, err.message), status);
    }
    if (err instanceof HTTPException && HTTP_EXCEPTION_CODES[err.status]) {
      const code = HTTP_EXCEPTION_CODES[err.status];
      return c.json(errorBody(code, err.message || code), statusOf(code));
    }
    // An unexpected error: logged with its stack, answered without details (they may leak internals).
    log.error('unexpected error', {
      error: err,
      stack: err instanceof Error ? err.stack : undefined,
      path: c.req.path,
    });
    return c.json(errorBody('RECSCORE_INTERNAL', 'internal error'), 500);
  };
}

export const notFound: NotFoundHandler = (c) =>
  errorResponse(c, 'RECSCORE_NOT_FOUND', `no route for ${c.req.method} ${truncate(c.req.path)}`);

/** For hono/method-not-allowed: the route exists with other methods. */
export function onMethodNotAllowed(c: Context, methods: string[]): Response {
  return errorResponse(
    c,
    'RECSCORE_METHOD_NOT_ALLOWED',
    `${c.req.method} not allowed here; use ${methods.join(', ')}`,
    { Allow: methods.join(', ') },
  );
}

// Echoed paths are bounded so an error body never grows with the request.
function truncate(s: string, max = 200): string {
  return s.length > max ? `${s.slice(0, max)}…` : s;
}
