/**
 * SAR sources seeded from the client's recent events (`seeds: events | both`), through the real pool and
 * an embedded event store: item mode sums the installed add-ons and the recent items' usage weights as
 * seeds; personal mode adds the recent items to the stored history (SAR's affinity of both), and a client
 * SAR does not know is scored from its recent events alone. `seeds: installed` (the default) ignores them.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ScoringPool } from '../../src/dispatch/pool.js';
import { scoreSar } from '../../src/dispatch/sar-scorer.js';
import { EmbeddedEventStore } from '../../src/events/embedded-store.js';
import { similarItems } from '../../src/kernel/sar/item-based.js';
import {
  type AffinityRow,
  eventsAffinity,
  recommendForRow,
  recommendForUser,
  userAffinity,
} from '../../src/kernel/sar/personal.js';
import { createLogger } from '../../src/log.js';
import { sarKind } from '../../src/model/kinds/sar/kind.js';
import { writeModel } from '../../src/model/kinds/sar/pack/pack.js';
import type { SarPackedModel } from '../../src/model/kinds/sar/packed-model.js';
import { SarFileSource } from '../../src/model/kinds/sar/source.js';
import type { SarModel } from '../../src/model/kinds/sar/types.js';
import { SurfacesHolder } from '../../src/pipeline/surfaces/holder.js';
import { FakeProfileStore, FakeScorer, fakeFacts } from '../helpers/fake-backend.js';
import { modelFor } from '../sar/model-cache.js';
import { buildApp } from '../server/start.js';

const names = (top: ReadonlyArray<[string, number]>) => top.map(([item]) => item);

/** a + b entry by entry: the stored history's row plus the recent events'. */
function plus(a: AffinityRow, b: AffinityRow): AffinityRow {
  const m = new Map<number, [number, number]>();
  for (const r of [a, b]) {
    for (let t = 0; t < r.cols.length; t++) {
      const cur = m.get(r.cols[t]) ?? [0, 0];
      m.set(r.cols[t], [cur[0] + r.vals[t], cur[1] + r.unit[t]]);
    }
  }
  const cols = [...m.keys()].sort((x, y) => x - y);
  return { cols, vals: cols.map((c) => m.get(c)![0]), unit: cols.map((c) => m.get(c)![1]) };
}

describe('surfaces: SAR sources seeded from recent events', { timeout: 120_000 }, () => {
  let dir: string;
  let trained: SarModel;
  let version: SarPackedModel;
  let pool: ScoringPool;
  let store: EmbeddedEventStore;
  let app: ReturnType<typeof buildApp>;
  let user: string;
  const installed: string[] = [];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'surfaces-sar-events-'));
    trained = await modelFor('data/train.jsonl', { decayHalfLifeDays: 30 });
    const file = join(dir, 'model.sarm');
    await writeModel(file, trained);
    const source = new SarFileSource(file);
    version = sarKind.open(await sarKind.pack(source, { version: await source.check() }));
    pool = new ScoringPool({ workers: 1, maxBatch: 16, maxQueue: 1000 });
    await pool.warm(version);
    installed.push(...trained.items.slice(0, 2));
    user = trained.users.find((u) => /^[A-Za-z0-9_-]{1,128}$/.test(u))!;
    store = await EmbeddedEventStore.open(join(dir, 'events'), {
      logger: createLogger({}, () => {}),
      writeSnapshot: false,
    });
    const now = Date.now();
    const items = trained.items;
    await store.append([
      // A client SAR does not know: a click and an install (weight 4); an impression does not seed.
      { type: 'click', client_id: 'fresh', item: items[5], ts: now },
      { type: 'install', client_id: 'fresh', item: items[9], ts: now },
      { type: 'impression', client_id: 'fresh', item: items[12], ts: now },
      // A stored user's recent purchase (weight 5) of an item far down the list.
      { type: 'purchase', client_id: user, item: items[items.length - 1], ts: now },
    ]);
    const sar = (name: string, mode: string, seeds?: string) => ({
      size: 10,
      budget_ms: 5000,
      sources: [{ name, kind: 'sar', model: 'm', mode, budget_ms: 5000, ...(seeds ? { seeds } : {}) }],
      filters: { installed: false },
    });
    const path = join(dir, 'surfaces.json');
    writeFileSync(
      path,
      JSON.stringify({
        surfaces: {
          item_both: sar('s', 'item', 'both'),
          item_installed: sar('s', 'item'),
          personal_events: sar('s', 'personal', 'events'),
          personal_installed: sar('s', 'personal'),
        },
      }),
    );
    const holder = new SurfacesHolder(path);
    await holder.load(true);
    const profiles = new FakeProfileStore(new Map([['fresh', { client_id: 'fresh', installed_addons: installed }]]));
    app = buildApp({
      scorer: new FakeScorer(() => []),
      facts: () => fakeFacts({ whitelist: ['w@x'], globalTop: [['w@x', 1]] }),
      profiles,
      config: { profileBudgetMs: 5000, totalBudgetMs: 5000, scoringBudgetMs: 5000 },
      surfaces: {
        holder,
        events: store,
        sar: { acquire: async (name) => (name === 'm' ? { model: version, done: () => {} } : undefined) },
        sarScore: (m, r, d) => scoreSar(pool, m, r, d),
      },
    });
  });
  after(async () => {
    await pool?.close();
    await store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const get = async (surface: string, client: string) => {
    const r = await app.get(`/v1/surfaces/${surface}/recommendations/${client}`);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.result_info.sources.s.status, 'ok', r.text);
    return r.json.results as string[];
  };

  it('item mode: installed add-ons and recent items (by usage weight) are the seeds', async () => {
    const items = trained.items;
    const both = similarItems(trained, [...installed, [items[5], 1], [items[9], 4]], 10);
    assert.ok(both.length > 0);
    assert.deepEqual(await get('item_both', 'fresh'), names(both));
    assert.deepEqual(await get('item_installed', 'fresh'), names(similarItems(trained, installed, 10)));
    assert.notDeepEqual(names(both), names(similarItems(trained, installed, 10)), 'the events change the seeds');
  });

  it('personal mode: recent events are added to the stored history; an unknown client has them alone', async () => {
    const items = trained.items;
    const recent = [{ item: items[items.length - 1], rating: 5 }];
    const u = trained.users.indexOf(user);
    const want = recommendForRow(trained, plus(userAffinity(trained, u), eventsAffinity(trained, recent)), {
      k: 10,
      removeSeen: true,
    });
    assert.deepEqual(await get('personal_events', user), names(want));
    const stored = recommendForUser(trained, user, { k: 10, removeSeen: true });
    assert.ok(stored.known);
    assert.deepEqual(await get('personal_installed', user), names(stored.top));
    assert.notDeepEqual(names(want), names(stored.top), 'the recent purchase changes the list');
    const fresh = recommendForRow(
      trained,
      eventsAffinity(trained, [
        { item: items[9], rating: 4 },
        { item: items[5], rating: 1 },
      ]),
      { k: 10, removeSeen: true },
    );
    assert.ok(fresh.length > 0);
    assert.deepEqual(await get('personal_events', 'fresh'), names(fresh));
  });
});
