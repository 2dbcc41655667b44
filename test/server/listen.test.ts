/**
 * The Node server around the app: its timeouts, connection limit and graceful close.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { syntheticBackend } from '../helpers/fake-backend.js';
import { rawRequest } from './raw-http.js';
import { startApp } from './start.js';

const REC = (id: string) => `/v1/api/recommendations/${id}/`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function openSocket(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect(port, '127.0.0.1', () => resolve(s));
    s.on('error', reject);
  });
}

describe('listen', { timeout: 30_000 }, () => {
  it('graceful close: in-flight requests finish (Connection: close), then it stops', async () => {
    const b = syntheticBackend();
    b.scorer.delayMs = 300;
    const s = await startApp({
      scorer: b.scorer,
      facts: () => b.facts,
      profiles: b.profiles,
      config: { scoringBudgetMs: 2_000, totalBudgetMs: 3_000 },
    });
    const inflight = s.get(REC(b.known.client_id));
    await sleep(50);
    const t0 = performance.now();
    const closing = s.server.close();
    const r = await inflight;
    assert.equal(r.status, 200);
    assert.equal(r.json.result_info.served_by, 'ensemble');
    assert.equal(r.headers.connection, 'close');
    await closing;
    assert.ok(performance.now() - t0 < 1_000);
    await assert.rejects(rawRequest(s.server.port, 'GET /health HTTP/1.1\r\nHost: x\r\n\r\n', 500), /ECONNREFUSED/);
    await s.close(); // idempotent
  });

  it('graceful close destroys what is still open after closeGraceMs', async () => {
    const b = syntheticBackend();
    const s = await startApp({
      scorer: b.scorer,
      facts: () => b.facts,
      profiles: b.profiles,
      config: { closeGraceMs: 200, headersTimeoutMs: 10_000 },
    });
    const sock = await openSocket(s.server.port);
    sock.write('GET /health HTTP/1.1\r\nHost: x\r\n'); // headers never finish
    const closed = new Promise((r) => sock.on('close', r));
    await sleep(20);
    const t0 = performance.now();
    await s.close();
    await closed;
    const ms = performance.now() - t0;
    assert.ok(ms >= 150 && ms < 1_500, `${ms} ms`);
  });

  it('headers that never complete: 408 RECSCORE_TIMEOUT after headersTimeoutMs', async () => {
    const b = syntheticBackend();
    const s = await startApp({
      scorer: b.scorer,
      facts: () => b.facts,
      profiles: b.profiles,
      config: { headersTimeoutMs: 300, requestTimeoutMs: 300 },
    });
    try {
      const t0 = performance.now();
      const r = await rawRequest(s.server.port, 'GET /health HTTP/1.1\r\nHost: x\r\n', 3_000);
      assert.equal(r.status, 408);
      assert.equal(r.json.error.code, 'RECSCORE_TIMEOUT');
      assert.ok(performance.now() - t0 >= 250);
    } finally {
      await s.close();
    }
  });

  it('maxConnections: Node drops sockets beyond the limit', async () => {
    const b = syntheticBackend();
    const s = await startApp({
      scorer: b.scorer,
      facts: () => b.facts,
      profiles: b.profiles,
      config: { maxConnections: 2 },
    });
    const held = [await openSocket(s.server.port), await openSocket(s.server.port)];
    try {
      await sleep(20);
      await assert.rejects(rawRequest(s.server.port, 'GET /health HTTP/1.1\r\nHost: x\r\n\r\n', 1_000));
      held.forEach((h) => h.destroy());
      await sleep(50);
      assert.equal(
        (await rawRequest(s.server.port, 'GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')).status,
        200,
      );
    } finally {
      held.forEach((h) => h.destroy());
      await s.close();
    }
  });
});
