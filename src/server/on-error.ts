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

const STATUS: Partial<Record<ErrorCode, ContentfulStatusCode>> = {
  RECSCORE_BAD_REQUEST: 400,
  RECSCORE_BAD_JSON: 400,
  RECSCORE_BAD_CLIENT_ID: 400,
  RECSCORE_BAD_GUID: 400,
  RECSCORE_BAD_OPTION: 400,
  RECSCORE_UNAUTHORIZED: 401,
  RECSCORE_NOT_FOUND: 404,
  RECSCORE_METHOD_NOT_ALLOWED: 405,
  RECSCORE_TIMEOUT: 503,
  RECSCORE_BODY_TOO_LARGE: 413,
  RECSCORE_UNSUPPORTED_MEDIA_TYPE: 415,
  RECSCORE_NO_MODEL: 503, // nothing to serve yet (TAAR answered a 500)
  RECSCORE_PROFILE_STORE: 503,
  RECSCORE_POOL: 503,
  RECSCORE_BAD_EVENT: 400,
  RECSCORE_BAD_EVENT_TYPE: 400,
  RECSCORE_BAD_TIMESTAMP: 400,
  RECSCORE_TOO_MANY_EVENTS: 413,
  RECSCORE_BAD_QUERY: 400,
  RECSCORE_EVENT_STORE: 503,
};

/** HTTP status for an error code; anything unlisted is a 500. */
export function statusOf(code: ErrorCode): ContentfulStatusCode {
  return STATUS[code] ?? 500;
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

export function createOnError(log: Logger): ErrorHandler {
  return (err, c) => {
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
