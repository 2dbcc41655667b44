/**
 * Fatigue from the event log's counts, end to end on a real server (embedded event store, served log on):
 * answers served → impression events in the store → the next answer's order changes by fatigue; posted
 * impression events count the same; a restarted server (same data folder) still knows them all.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { Agent, request } from 'undici';
import { silentLogger } from '../../src/log.js';
import { startServer, type Recscore } from '../../src/server/start.js';
import { testEventsConfig } from '../helpers/fixture-server.js';
import { haveVectors, VECTOR_MODELS, VECTORS } from '../helpers/vectors.js';

const dir = mkdtempSync(join(tmpdir(), 'recscore-surfaces-fatigue-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const dispatcher = new Agent({ connectTimeout: 2_000, headersTimeout: 10_000, bodyTimeout: 10_000 });
after(() => dispatcher.close());

const ITEMS = Array.from({ length: 10 }, (_, i) => `s${i}@x`);
const surfacesPath = join(dir, 'surfaces.json');
writeFileSync(
  surfacesPath,
  JSON.stringify({
    surfaces: {
      shelf: {
        size: 4,
        stage_budget_ms: 2_000,
        budget_ms: 5_000,
        filters: { installed: false },
        sources: [{ name: 'fixed', kind: 'static', items: ITEMS }],
        // Shown once: 100 places back, behind every unshown item.
        fatigue: { factor: 100, window_days: 2 },
      },
    },
  }),
);

function start(): Promise<Recscore> {
  return startServer({
    models: VECTOR_MODELS,
    profiles: `${VECTORS}/profiles.jsonl`,
    workers: 1,
    cacheDir: null,
    reload: { intervalMs: 0 },
    server: { port: 0 },
    logger: silentLogger,
    surfaces: surfacesPath,
    events: testEventsConfig(join(dir, 'data'), { eventShownDays: 30, servedLog: true }),
  });
}

async function call(url: string, body?: unknown): Promise<{ status: number; json: any }> {
  const res = await request(url, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    dispatcher,
  });
  return { status: res.statusCode, json: await res.body.json() };
}

describe('fatigue reads the event log', { skip: !haveVectors && 'vectors not found', timeout: 60_000 }, () => {
  it('served and posted impressions demote items, and still do after a restart', async () => {
    const shelf = (server: Recscore, client: string) =>
      call(`${server.url}/v1/surfaces/shelf/recommendations/${client}`).then((r) => {
        assert.equal(r.status, 200, JSON.stringify(r.json));
        assert.equal(r.json.result_info.stages.fatigue, 'ok');
        return r.json.results as string[];
      });
    let server = await start();
    try {
      assert.deepEqual(await shelf(server, 'reader-1'), ITEMS.slice(0, 4), 'nothing shown yet');
      await server.events.served!.flush();
      assert.deepEqual(await shelf(server, 'reader-1'), ITEMS.slice(4, 8), 'the first four were shown once');
      await server.events.served!.flush();

      // Another client: only posted impressions (one item each, as clients post them).
      const posted = await call(`${server.url}/v1/events`, [
        { type: 'impression', client_id: 'reader-2', item: 's0@x' },
        { type: 'impression', client_id: 'reader-2', item: 's2@x', position: 3 },
      ]);
      assert.equal(posted.status, 200, JSON.stringify(posted.json));
      assert.equal(posted.json.accepted, 2);
      assert.deepEqual(await shelf(server, 'reader-2'), ['s1@x', 's3@x', 's4@x', 's5@x']);
      await server.events.served!.flush();
    } finally {
      await server.close();
    }

    server = await start();
    try {
      // reader-1 saw s0–s7 once each: s8, s9 first, then the shown ones in their order.
      assert.deepEqual(await shelf(server, 'reader-1'), ['s8@x', 's9@x', 's0@x', 's1@x']);
      // reader-2: s0 and s2 (posted) and s1, s3, s4, s5 (served) once each.
      assert.deepEqual(await shelf(server, 'reader-2'), ['s6@x', 's7@x', 's8@x', 's9@x']);
    } finally {
      await server.close();
    }
  });
});
