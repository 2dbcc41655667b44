/**
 * Events close the loop into training (issues 13 and 14): clients' clicks and installs posted to
 * /v1/events train a registry model through `usage: "events:DAY..DAY"`, read from the server's own event
 * store (the one its configuration names, not the environment's), and the model answers item-to-item.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fixtureServerOptions } from '../helpers/fixture-server.js';
import { silentLogger } from '../../src/log.js';
import { startServer } from '../../src/server/start.js';

const ADMIN = 'admin-key-0123456789abcdef';

describe('training a registry model from the event log', { timeout: 120_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'recscore-train-events-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('posted events → POST /api/models {usage: "events:DAY..DAY"} → Completed → item-to-item', async () => {
    const server = await startServer({
      ...fixtureServerOptions(join(dir, 'elsewhere')),
      registry: { dataDir: join(dir, 'data'), adminKeys: [ADMIN], pollMs: 0 },
      logger: silentLogger,
    });
    const api = (path: string, init: RequestInit = {}) =>
      fetch(`${server.url}${path}`, {
        ...init,
        headers: { 'content-type': 'application/json', 'x-api-key': ADMIN, ...(init.headers ?? {}) },
      });
    try {
      // 30 clients: a and b always together, c with a for a third of them, d alone; impressions are not usage.
      const events: object[] = [];
      for (let i = 0; i < 30; i++) {
        const client_id = `client-${i}`;
        events.push({ type: 'click', client_id, item: 'item-a' }, { type: 'install', client_id, item: 'item-b' });
        if (i % 3 === 0) events.push({ type: 'click', client_id, item: 'item-c' });
        if (i === 29) events.push({ type: 'click', client_id: 'loner', item: 'item-d' });
        events.push({ type: 'impression', client_id, item: 'item-e' });
      }
      const posted = await fetch(`${server.url}/v1/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(events),
      });
      assert.equal(posted.status, 200);
      assert.equal(((await posted.json()) as { accepted: number }).accepted, events.length);

      const day = new Date().toISOString().slice(0, 10);
      const created = await api('/api/models', {
        method: 'POST',
        body: JSON.stringify({ description: 'from events', usage: `events:${day}..${day}`, supportThreshold: 1 }),
      });
      assert.equal(created.status, 201, await created.clone().text());
      const { id } = (await created.json()) as { id: string };

      let record: { modelStatus: string; modelStatusMessage: string; statistics?: Record<string, unknown> } = {
        modelStatus: 'Created',
        modelStatusMessage: '',
      };
      for (let i = 0; i < 600 && (record.modelStatus === 'Created' || record.modelStatus === 'InProgress'); i++) {
        await new Promise((r) => setTimeout(r, 100));
        record = (await (await api(`/api/models/${id}`)).json()) as typeof record;
      }
      assert.equal(record.modelStatus, 'Completed', record.modelStatusMessage);

      const similar = await api(`/api/models/${id}/recommend?itemId=item-a&recommendationCount=5`);
      assert.equal(similar.status, 200);
      const items = ((await similar.json()) as Array<{ recommendedItemId: string; score: number }>).filter(
        (r) => r.score > 0,
      );
      // b co-occurs with a for every client, c for a third; d never; the impressed e is not usage at all.
      assert.deepEqual(
        items.map((r) => r.recommendedItemId),
        ['item-b', 'item-c'],
      );
    } finally {
      await server.close();
    }
  });
});
