/**
 * The served log: each answer's list lands in the event log as impression events carrying the answer's
 * request id; a stalled store never holds up an answer (the buffer is bounded, drops are counted); the
 * switch turns it off. Also: every recommendation answer names its request id in `result_info`.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { Agent, request } from 'undici';
import { silentLogger } from '../../src/log.js';
import { dayOf } from '../../src/events/day.js';
import { eventsConfigOf } from '../../src/events/config.js';
import type { PostedEvent, StoredEvent } from '../../src/events/event.js';
import { ServedLog } from '../../src/events/served-log.js';
import type { AppendResult, EventStore } from '../../src/events/store.js';
import { startServer, type Recscore } from '../../src/server/start.js';
import { syntheticBackend } from '../helpers/fake-backend.js';
import { haveVectors, readJsonl, VECTOR_MODELS, VECTORS } from '../helpers/vectors.js';
import { startApp } from './start.js';

const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'recscore-served-'));
  dirs.push(d);
  return d;
};
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
const dispatcher = new Agent({ connectTimeout: 2_000, headersTimeout: 5_000, bodyTimeout: 5_000 });
after(() => dispatcher.close());

interface Answer {
  status: number;
  header: string;
  body: { results: string[]; result_info: { request_id: string; served_by: string; model_version: string } };
}
async function call(url: string, init: { method?: 'GET' | 'POST'; body?: unknown; id?: string } = {}) {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (init.id) headers['x-request-id'] = init.id;
  const res = await request(url, {
    method: init.method ?? 'GET',
    headers,
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
    dispatcher,
  });
  const body = (await res.body.json()) as Answer['body'];
  return { status: res.statusCode, header: String(res.headers['x-request-id']), body };
}

async function readAll(server: Recscore): Promise<StoredEvent[]> {
  const out: StoredEvent[] = [];
  const today = dayOf(Date.now());
  for await (const e of server.events.store.read(today, today)) out.push(e);
  return out;
}

function startOn(dataDir: string, servedLog: boolean): Promise<Recscore> {
  const events = eventsConfigOf({
    dataDir,
    events: undefined,
    eventDimensions: undefined,
    eventTypes: undefined,
    eventRetentionDays: 90,
    eventSketchMb: 512,
    eventMaxLen: undefined,
    eventPrefix: 'recscore:events:',
    eventShownClients: 20_000,
    eventShownItems: 200,
    eventShownDays: 14,
    servedLogFlushMs: 100,
    servedLog,
  });
  return startServer({
    models: VECTOR_MODELS,
    profiles: `${VECTORS}/profiles.jsonl`,
    workers: 1,
    cacheDir: null,
    reload: { intervalMs: 0 },
    server: { port: 0 },
    logger: silentLogger,
    events,
  });
}

/** The impression of one request: one event, its items in the answer's order. */
function assertImpressions(all: StoredEvent[], answer: Answer['body'], clientId: string) {
  const rid = answer.result_info.request_id;
  const mine = all.filter((e) => e.type === 'impression' && e.request_id === rid);
  assert.equal(mine.length, 1, 'one impression event per answer');
  assert.deepEqual(mine[0].items, answer.results, 'the listed items, in order');
  assert.equal(mine[0].item, undefined);
  assert.equal(mine[0].position, undefined);
  for (const e of mine) {
    assert.equal(e.client_id, clientId);
    assert.equal(e.context?.served_by, answer.result_info.served_by);
    assert.equal(e.context?.model, answer.result_info.model_version);
    assert.equal(e.context?.surface, undefined, "TAAR routes write none: no surface is the taar surface's");
    assert.ok(Math.abs(e.ts - Date.now()) < 60_000, 'served time');
  }
}

describe('served log over the embedded store', { skip: !haveVectors && 'vectors not found', timeout: 60_000 }, () => {
  it("an answer's items appear as impression events with the answer's request id", async () => {
    const server = await startOn(tempDir(), true);
    try {
      const clientId = readJsonl<{ client_id: string; case: string }>(`${VECTORS}/profiles.jsonl`).find(
        (p) => p.case === 'normal',
      )!.client_id;
      const base = `${server.url}/v1/api/recommendations`;
      const personal = await call(`${base}/${clientId}/`, { id: 'served-log-test.1' });
      assert.equal(personal.status, 200);
      assert.equal(personal.body.result_info.request_id, 'served-log-test.1', 'the client-sent id is kept');
      assert.equal(personal.header, 'served-log-test.1');
      assert.equal(personal.body.result_info.served_by, 'ensemble');
      const unknown = await call(`${base}/no-such-client/`);
      assert.equal(unknown.body.result_info.request_id, unknown.header, 'fallback answers carry the id too');
      assert.notEqual(unknown.body.result_info.served_by, 'ensemble');
      const test = await call(`${base}/${'0'.repeat(10)}/`);
      assert.equal(test.body.result_info.request_id, test.header);
      assert.equal(test.body.result_info.served_by, 'test-client');
      const posted = await call(`${server.url}/v1/recommendations`, {
        method: 'POST',
        body: { profile: { client_id: 'posted-client', installed_addons: [], locale: 'de' } },
      });
      assert.equal(posted.status, 200);
      assert.equal(posted.body.result_info.request_id, posted.header);

      await server.events.served!.flush();
      const all = await readAll(server);
      assertImpressions(all, personal.body, clientId);
      assertImpressions(all, unknown.body, 'no-such-client');
      assertImpressions(all, test.body, '0'.repeat(10));
      assertImpressions(all, posted.body, 'posted-client');
      assert.equal(all.filter((e) => e.type === 'impression').length, 4, 'nothing else was logged');
      const today = dayOf(Date.now());
      const shown = await server.events.store.shown(clientId, [today]);
      assert.deepEqual([...shown.keys()].sort(), [...personal.body.results].sort(), 'shown() counts them');
      assert.equal(server.events.served!.totals.dropped, 0);
    } finally {
      await server.close();
    }
  });

  it('RECSCORE_SERVED_LOG off: answers still carry request ids, nothing is logged', async () => {
    const server = await startOn(tempDir(), false);
    try {
      assert.equal(server.events.served, undefined);
      const r = await call(`${server.url}/v1/api/recommendations/${'0'.repeat(10)}/`);
      assert.equal(r.status, 200);
      assert.equal(r.body.result_info.request_id, r.header);
      await new Promise((res) => setTimeout(res, 300));
      assert.deepEqual(await readAll(server), []);
    } finally {
      await server.close();
    }
  });
});

/** A store whose appends never settle (a stalled disk or Redis): records what it was handed. */
class StalledStore {
  handed = 0;
  appends = 0;
  append(events: PostedEvent[]): Promise<AppendResult> {
    this.appends += 1;
    this.handed += events.length;
    return new Promise(() => {});
  }
}

describe('served log buffer bound', () => {
  it('a store that never acknowledges: requests keep being answered, drops are counted', async () => {
    const store = new StalledStore();
    const drops: Record<string, number> = {};
    const served = new ServedLog(store as unknown as EventStore, {
      maxEvents: 50,
      batchEvents: 20,
      flushMs: 60_000, // only a full batch triggers a write: the counts below are exact
      onDrop: (n, reason) => {
        drops[reason] = (drops[reason] ?? 0) + n;
      },
    });
    const b = syntheticBackend();
    const s = await startApp({ scorer: b.scorer, facts: () => b.facts, profiles: b.profiles, served });
    try {
      let items = 0;
      for (let i = 0; i < 40; i++) {
        const r = await s.get(`/v1/api/recommendations/${'0'.repeat(10)}/?draw=0`);
        assert.equal(r.status, 200, `request ${i} answered`);
        items += r.json.results.length;
        assert.ok(served.pending <= 50, `buffer bounded (${served.pending})`);
      }
      assert.equal(items, 400);
      assert.equal(store.appends, 1, 'one append in flight, never acknowledged: no second write');
      // The write starts once a batch is full; answers recorded before it runs ride along (timing).
      assert.ok(store.handed >= 20 && store.handed <= 50, `first write of ${store.handed} events`);
      assert.equal(served.pending, 40, 'every answer is held: the bound (50 answers) is not reached');
      for (let i = 0; i < 20; i++) await s.get(`/v1/api/recommendations/${'0'.repeat(10)}/?draw=0`);
      assert.equal(served.pending, 50, 'the buffer is full');
      assert.equal(drops.full, 10, 'every answer beyond the bound is counted');
      assert.equal(served.totals.dropped, 10);
    } finally {
      await s.close();
      await served.close(10);
    }
  });

  it('a failing store: answers are served, the failed impressions are counted', async () => {
    const drops: Record<string, number> = {};
    let calls = 0;
    const store = {
      append: async () => {
        calls++;
        throw new Error('disk full');
      },
    };
    const served = new ServedLog(store as unknown as EventStore, {
      flushMs: 1,
      onDrop: (n, reason) => {
        drops[reason] = (drops[reason] ?? 0) + n;
      },
    });
    const b = syntheticBackend();
    const s = await startApp({ scorer: b.scorer, facts: () => b.facts, profiles: b.profiles, served });
    try {
      const r = await s.get(`/v1/api/recommendations/${'0'.repeat(10)}/?draw=0`);
      assert.equal(r.status, 200);
      await served.flush();
      assert.equal(calls, 1);
      assert.equal(drops.store_error, 1, "the answer's one impression event");
      assert.equal(served.pending, 0, 'nothing is retained after a failure');
    } finally {
      await s.close();
      await served.close(10);
    }
  });
});
