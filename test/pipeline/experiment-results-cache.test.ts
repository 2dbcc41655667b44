/**
 * The experiment results route reuses its answer per (experiment, from, to) within the configured time:
 * new events are not seen until it expires, other days are computed on their own, and a reload that
 * changes the experiment is answered afresh.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { createEventStore } from '../../src/events/create-store.js';
import { dayOf } from '../../src/events/day.js';
import { SurfacesHolder } from '../../src/pipeline/surfaces/holder.js';
import { syntheticBackend } from '../helpers/fake-backend.js';
import { buildApp } from '../server/start.js';

const dir = mkdtempSync(join(tmpdir(), 'recscore-results-cache-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const fileWith = (treatmentWeight: number) => ({
  surfaces: { shelf: { sources: [{ name: 'fixed', kind: 'static', items: ['a@x', 'b@x'] }] } },
  experiments: [
    {
      id: 'exp',
      salt: 'salt',
      surface: 'shelf',
      allocation: 1,
      variants: [
        { name: 'control', weight: 1 },
        { name: 'treatment', weight: treatmentWeight },
      ],
    },
  ],
});

describe('experiment results cache through the route', () => {
  it('reuses the answer for its days; other days and a changed experiment are computed afresh', async () => {
    const store = await createEventStore(join(dir, 'events'), { snapshotIntervalMs: 0 });
    const path = join(dir, 'surfaces.json');
    writeFileSync(path, JSON.stringify(fileWith(1)));
    const holder = new SurfacesHolder(path);
    await holder.load(true);
    const b = syntheticBackend();
    const app = buildApp({
      scorer: b.scorer,
      facts: () => b.facts,
      profiles: b.profiles,
      surfaces: { holder, events: store, resultsCache: { ttlMs: 60_000, maxEntries: 10 } },
    });
    const impression = (n: number) => ({
      type: 'impression' as const,
      client_id: `client-${n}`,
      request_id: `req-${n}`,
      items: ['a@x', 'b@x'],
      context: { variant: 'exp:control' },
      ts: Date.now(),
    });
    const impressions = async (q = '') => {
      const r = await app.get(`/v1/experiments/exp/results${q}`);
      assert.equal(r.status, 200, r.text);
      const control = r.json.variants.find((v: { variant: string }) => v.variant === 'control');
      return { n: control.impressions as number, age: Number(r.headers.age) };
    };
    try {
      await store.append([impression(1)]);
      assert.deepEqual(await impressions(), { n: 2, age: 0 });
      await store.append([impression(2)]);
      const again = await impressions();
      assert.equal(again.n, 2, 'the cached answer, not the new event');
      assert.ok(again.age >= 0 && again.age < 60);
      const today = dayOf(Date.now());
      assert.equal((await impressions(`?from=${today}&to=${today}`)).n, 4, 'other days: their own answer');
      writeFileSync(path, JSON.stringify(fileWith(2)));
      assert.equal((await holder.load()).ok, true);
      assert.equal((await impressions()).n, 4, 'a changed experiment is computed afresh');
    } finally {
      await store.close();
    }
  });
});
