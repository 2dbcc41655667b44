/**
 * The code → status map is total (the compiler checks that every ErrorCode has an entry); this checks
 * that every entry is an error status and that the cases callers tell apart keep their statuses.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HTTP_STATUS, statusOf } from '../../src/server/on-error.js';
import type { ErrorCode } from '../../src/errors.js';

describe('error code → HTTP status', () => {
  it('maps every code to a 4xx or 5xx', () => {
    const codes = Object.keys(HTTP_STATUS) as ErrorCode[];
    assert.ok(codes.length >= 30, `only ${codes.length} codes`);
    for (const code of codes) {
      assert.match(code, /^RECSCORE_[A-Z_]+$/);
      const status = statusOf(code);
      assert.ok(Number.isInteger(status) && status >= 400 && status <= 599, `${code} → ${status}`);
    }
  });

  it('bad input is a 4xx; a dependency down or busy is a 503; our own faults are 500s', () => {
    const expected: Partial<Record<ErrorCode, number>> = {
      RECSCORE_BAD_JSON: 400,
      RECSCORE_UNAUTHORIZED: 401,
      RECSCORE_TIMEOUT: 408,
      RECSCORE_BODY_TOO_LARGE: 413,
      RECSCORE_HEADERS_TOO_LARGE: 431,
      RECSCORE_NO_MODEL: 503,
      RECSCORE_PROFILE_STORE: 503,
      RECSCORE_SHED: 503,
      RECSCORE_WORKER_FAILED: 503,
      RECSCORE_POOL_CLOSED: 503,
      RECSCORE_BUDGET_EXCEEDED: 503,
      RECSCORE_DEADLINE_EXPIRED: 503,
      RECSCORE_MODEL_SCHEMA: 500,
      RECSCORE_INTERNAL: 500,
    };
    for (const [code, status] of Object.entries(expected)) assert.equal(statusOf(code as ErrorCode), status, code);
  });
});
