import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { StoredEvent } from '../../events/event.js';
import type { EventStore } from '../../events/store.js';
import type { ExperimentConfig } from '../surfaces/schema.js';
import { experimentResults } from './results.js';

const NOW = Date.parse('2026-12-04T12:00:00Z');
const EXPERIMENT = {
  id: 'exp',
  salt: 's',
  surface: 'home',
  allocation: 1,
  variants: [
    { name: 'control', weight: 1, overrides: {} },
    { name: 'b', weight: 1, overrides: {} },
  ],
} as unknown as ExperimentConfig;

function storeOf(events: StoredEvent[]): EventStore {
  return {
    read: async function* () {
      yield* events;
    },
  } as unknown as EventStore;
}

let seq = 0;
const ev = (type: string, client: string, request: string, item: string, variant?: string): StoredEvent => ({
  id: `b:${seq++}`,
  type,
  client_id: client,
  ts: NOW,
  item,
  request_id: request,
  ...(variant ? { context: { variant: `exp:${variant}` } } : {}),
});

describe('experimentResults', () => {
  it('credits a click to the variant of its impression, and a click before its impression too', async () => {
    const r = await experimentResults(
      storeOf([
        ev('click', 'c2', 'r2', 'x'),
        ev('impression', 'c1', 'r1', 'x', 'control'),
        ev('impression', 'c2', 'r2', 'x', 'b'),
        ev('click', 'c1', 'r1', 'x'),
        ev('install', 'c1', 'r1', 'x'),
      ]),
      EXPERIMENT,
      undefined,
      undefined,
      NOW,
    );
    const row = (v: string) => r.variants.find((x) => x.variant === v)!;
    assert.deepEqual([row('control').impressions, row('control').clicks, row('control').installs], [1, 1, 1]);
    assert.deepEqual([row('b').impressions, row('b').clicks], [1, 1]);
    assert.equal(r.unattributed, 0);
  });

  it('answer impressions count per item; clicks attribute by request × item (interleaving: per item)', async () => {
    const answer = (
      client: string,
      request: string,
      items: string[],
      variant: string,
      own?: string[],
    ): StoredEvent => ({
      id: `b:${seq++}`,
      type: 'impression',
      client_id: client,
      ts: NOW,
      items,
      request_id: request,
      context: { variant },
      ...(own ? { item_variants: own } : {}),
    });
    const r = await experimentResults(
      storeOf([
        ev('click', 'c3', 'r3', 'q'), // before its impression: placed by b in an interleaved answer
        answer('c1', 'r1', ['x', 'y', 'z'], 'exp:control'),
        answer('c2', 'r2', ['x', 'y'], 'exp:b'),
        answer('c3', 'r3', ['p', 'q', 'r'], 'exp:control', ['', 'exp:b', '']),
        ev('click', 'c1', 'r1', 'z'),
        ev('install', 'c2', 'r2', 'y'),
        ev('click', 'c3', 'r3', 'r'),
      ]),
      EXPERIMENT,
      undefined,
      undefined,
      NOW,
    );
    const row = (v: string) => r.variants.find((x) => x.variant === v)!;
    assert.deepEqual([row('control').impressions, row('control').clicks, row('control').installs], [5, 2, 0]);
    assert.deepEqual([row('b').impressions, row('b').clicks, row('b').installs], [3, 1, 1]);
    assert.deepEqual([row('control').clients, row('b').clients], [2, 2]);
    assert.equal(r.unattributed, 0);
  });

  it('keeps bounded state: past maxKeys the oldest impressions are forgotten, their clicks unattributed', async () => {
    const events: StoredEvent[] = [];
    for (let i = 0; i < 10; i++) events.push(ev('impression', `c${i}`, `r${i}`, 'x', i % 2 ? 'b' : 'control'));
    // r0..r5 fell out of a 4-key memory; r6..r9 are still remembered.
    for (let i = 0; i < 10; i++) events.push(ev('click', `c${i}`, `r${i}`, 'x'));
    const r = await experimentResults(storeOf(events), EXPERIMENT, undefined, undefined, NOW, 4);
    const clicks = r.variants.reduce((n, v) => n + (v.clicks as number), 0);
    assert.equal(clicks, 4);
    assert.equal(r.unattributed, 6);
    assert.equal(
      r.variants.reduce((n, v) => n + (v.impressions as number), 0),
      10,
      'impressions are all counted',
    );
  });

  it('the sample-ratio check counts each client once, exactly, in its variant', async () => {
    const events: StoredEvent[] = [];
    // 600 clients in control and 400 in b against 1:1 weights, each seen three times (and, per answer, with
    // several items): a mismatch on client counts, not impressions.
    for (let rep = 0; rep < 3; rep++)
      for (let i = 0; i < 1_000; i++) {
        const e = ev('impression', `c${i}`, `r${rep}-${i}`, 'x', i < 600 ? 'control' : 'b');
        events.push(i % 2 ? e : { ...e, item: undefined, items: ['x', 'y', 'z'] });
      }
    const r = await experimentResults(storeOf(events), EXPERIMENT, undefined, undefined, NOW);
    assert.equal(r.sample_ratio!.clients_sampled, 1_000);
    assert.equal(r.sample_ratio!.mismatch, true);
    assert.ok(Math.abs(r.sample_ratio!.chi_square - 40) < 1e-9, String(r.sample_ratio!.chi_square)); // 2×100²/500
    const even = events.filter((e) => Number(e.client_id.slice(1)) >= 200); // 400 : 400
    const r2 = await experimentResults(storeOf(even), EXPERIMENT, undefined, undefined, NOW);
    assert.equal(r2.sample_ratio!.chi_square, 0);
    assert.equal(r2.sample_ratio!.mismatch, false);
  });

  it("the allocation check compares the surface's clients inside and outside with the allocation", async () => {
    const half = { ...EXPERIMENT, allocation: 0.5 } as ExperimentConfig;
    const answer = (client: string, servedBy: string, variant?: string): StoredEvent => ({
      id: `b:${seq++}`,
      type: 'impression',
      client_id: client,
      ts: NOW,
      items: ['x', 'y'],
      context: { served_by: servedBy, ...(variant ? { variant } : {}) },
    });
    const events: StoredEvent[] = [];
    for (let i = 0; i < 500; i++) events.push(answer(`in${i}`, 'surface:home', `exp:${i % 2 ? 'b' : 'control'}`));
    for (let i = 0; i < 500; i++) events.push(answer(`out${i}`, 'surface:home'));
    // Not the surface's own answers: a fallback's, another surface's.
    for (let i = 0; i < 300; i++) events.push(answer(`fb${i}`, 'locale'), answer(`other${i}`, 'surface:shop'));
    const r = await experimentResults(storeOf(events), half, undefined, undefined, NOW);
    assert.equal(r.allocation_check!.clients_sampled, 1_000);
    assert.equal(r.allocation_check!.chi_square, 0);
    assert.equal(r.allocation_check!.mismatch, false);
    const fewOut = events.filter((e) => !e.client_id.startsWith('out') || Number(e.client_id.slice(3)) < 200);
    const skewed = await experimentResults(storeOf(fewOut), half, undefined, undefined, NOW);
    assert.equal(skewed.allocation_check!.clients_sampled, 500 + 200);
    assert.equal(skewed.allocation_check!.mismatch, true);
    // Allocation 1: nobody is outside to compare with.
    assert.equal(
      (await experimentResults(storeOf(events), EXPERIMENT, undefined, undefined, NOW)).allocation_check,
      null,
    );
  });

  it('the allocation check counts fallback answers (context `surface`) and the taar surface (none)', async () => {
    const answer = (client: string, surface: string, servedBy: string, variant?: string): StoredEvent => ({
      id: `b:${seq++}`,
      type: 'impression',
      client_id: client,
      ts: NOW,
      items: ['x'],
      // TAAR's routes write no surface: an answer without one is the taar surface's.
      context: { served_by: servedBy, ...(surface === 'taar' ? {} : { surface }), ...(variant ? { variant } : {}) },
    });
    for (const surface of ['home', 'taar']) {
      const exp = { ...EXPERIMENT, surface, allocation: 0.5 } as ExperimentConfig;
      const events: StoredEvent[] = [];
      // Half of each group answered by a fallback (served_by names its path, not the surface).
      for (let i = 0; i < 400; i++) {
        const by = i % 2 ? 'global' : surface === 'taar' ? 'ensemble' : `surface:${surface}`;
        events.push(answer(`in${i}`, surface, by, 'exp:control'), answer(`out${i}`, surface, by));
      }
      for (let i = 0; i < 300; i++) events.push(answer(`other${i}`, 'shop', 'surface:shop'));
      const r = await experimentResults(storeOf(events), exp, undefined, undefined, NOW);
      assert.equal(r.allocation_check?.clients_sampled, 800, surface);
      assert.equal(r.allocation_check?.mismatch, false, surface);
      const fewOut = events.filter((e) => !e.client_id.startsWith('out') || Number(e.client_id.slice(3)) < 200);
      const skewed = await experimentResults(storeOf(fewOut), exp, undefined, undefined, NOW);
      assert.equal(skewed.allocation_check?.clients_sampled, 600, surface);
      assert.equal(skewed.allocation_check?.mismatch, true, surface);
    }
  });

  it('refuses a range longer than 92 days', async () => {
    await assert.rejects(
      experimentResults(storeOf([]), EXPERIMENT, '2026-01-01', '2026-12-04', NOW),
      (e: Error & { code?: string }) => e.code === 'RECSCORE_BAD_QUERY',
    );
  });
});
