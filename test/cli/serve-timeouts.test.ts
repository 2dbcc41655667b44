/**
 * Slow clients held sockets for the fixed header (10 s) and request (30 s) timeouts; both are settings
 * now. Set low through the environment of `recscore serve`, a client that never finishes its headers,
 * or its body, gets a JSON 408 long before the defaults would answer.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { tempDir } from '../helpers/model-dirs.js';
import { haveVectors, vectorServeArgs } from '../helpers/vectors.js';
import { rawRequest } from '../server/raw-http.js';
import { spawnServe } from '../helpers/serve-child.js';

const skip = !haveVectors && 'vectors not found';

describe('serve: header and request timeouts from the environment', { skip, timeout: 120_000 }, () => {
  it('answers 408 RECSCORE_TIMEOUT after RECSCORE_HEADERS_TIMEOUT_MS / RECSCORE_REQUEST_TIMEOUT_MS', async () => {
    const cache = await tempDir();
    const s = spawnServe([...vectorServeArgs(cache)], {
      RECSCORE_LOG_LEVEL: 'warn',
      RECSCORE_HEADERS_TIMEOUT_MS: '400',
      RECSCORE_REQUEST_TIMEOUT_MS: '800',
    });
    try {
      const [, port] = await s.waitFor(/listening on http:\/\/127\.0\.0\.1:(\d+)/);
      // The defaults (10 s, 30 s) are far beyond the 5 s these waits allow.
      const headers = await rawRequest(Number(port), 'GET /health HTTP/1.1\r\nHost: x\r\n', 5_000);
      assert.equal(headers.status, 408);
      assert.equal(headers.json.error.code, 'RECSCORE_TIMEOUT');
      const head = 'POST /v1/recommendations HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n';
      const body = `${head}Content-Length: 50\r\n\r\n{"pro`;
      const slowBody = await rawRequest(Number(port), body, 5_000);
      assert.equal(slowBody.status, 408);
      assert.equal(slowBody.json.error.code, 'RECSCORE_TIMEOUT');
      s.child.kill('SIGTERM');
      assert.equal((await s.exited).code, 0);
    } finally {
      s.child.kill('SIGKILL');
    }
  });
});
