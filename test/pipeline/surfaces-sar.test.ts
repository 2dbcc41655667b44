/**
 * SAR sources of a surface through the real pool: a `.sarm` trained from the SAR fixtures, opened through
 * the SAR kind and served by name through `SarModels` (the model registry's cache at merge). A stored user
 * gets SAR's personalised list; a client SAR does not know is seeded with their installed add-ons
 * (item-to-item); an unknown model name leaves the source empty and says so.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ScoringPool } from '../../src/dispatch/pool.js';
import { scoreSar } from '../../src/dispatch/sar-scorer.js';
import { similarItems } from '../../src/kernel/sar/item-based.js';
import { recommendForUser } from '../../src/kernel/sar/personal.js';
import { sarKind } from '../../src/model/kinds/sar/kind.js';
import { writeModel } from '../../src/model/kinds/sar/pack/pack.js';
import type { SarPackedModel } from '../../src/model/kinds/sar/packed-model.js';
import { SarFileSource } from '../../src/model/kinds/sar/source.js';
import type { SarModel } from '../../src/model/kinds/sar/types.js';
import { SurfacesHolder } from '../../src/pipeline/surfaces/holder.js';
import { FakeProfileStore, FakeScorer, fakeFacts } from '../helpers/fake-backend.js';
import { modelFor } from '../sar/model-cache.js';
import { buildApp } from '../server/start.js';

describe('surfaces: SAR sources through the pool', { timeout: 120_000 }, () => {
  let dir: string;
  let trained: SarModel;
  let version: SarPackedModel;
  let pool: ScoringPool;
  let app: ReturnType<typeof buildApp>;
  let holder: SurfacesHolder;
  const seeds = ['placeholder'];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'surfaces-sar-'));
    trained = await modelFor('data/train.jsonl', { decayHalfLifeDays: 30 });
    const file = join(dir, 'model.sarm');
    await writeModel(file, trained);
    const source = new SarFileSource(file);
    version = sarKind.open(await sarKind.pack(source, { version: await source.check() }));
    pool = new ScoringPool({ workers: 1, maxBatch: 16, maxQueue: 1000 });
    await pool.warm(version);
    seeds.splice(0, 1, ...trained.items.slice(0, 3));
    const config = {
      surfaces: {
        sar: {
          size: 10,
          budget_ms: 5000,
          sources: [{ name: 'personal', kind: 'sar', model: 'sar-v1', mode: 'personal', budget_ms: 5000 }],
          filters: { installed: false },
        },
        items: {
          size: 10,
          budget_ms: 5000,
          sources: [{ name: 'similar', kind: 'sar', model: 'sar-v1', mode: 'item', budget_ms: 5000 }],
          filters: { installed: false },
        },
        missing: {
          sources: [
            { name: 'gone', kind: 'sar', model: 'no-such-model' },
            { name: 'fixed', kind: 'static', items: ['x@x'] },
          ],
        },
      },
    };
    const path = join(dir, 'surfaces.json');
    writeFileSync(path, JSON.stringify(config));
    holder = new SurfacesHolder(path);
    await holder.load(true);
    const facts = fakeFacts({ whitelist: ['w@x'], globalTop: [['w@x', 1]] });
    const profiles = new FakeProfileStore(
      new Map([['seeded-client', { client_id: 'seeded-client', installed_addons: seeds }]]),
    );
    app = buildApp({
      scorer: new FakeScorer(() => []),
      facts: () => facts,
      profiles,
      config: { profileBudgetMs: 5000, totalBudgetMs: 5000, scoringBudgetMs: 5000 },
      surfaces: {
        holder,
        sar: { acquire: async (name) => (name === 'sar-v1' ? { model: version, done: () => {} } : undefined) },
        sarScore: (m, r, d) => scoreSar(pool, m, r, d),
      },
    });
  });
  after(async () => {
    await pool?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("a stored user gets SAR's personalised list", async () => {
    const users = trained.users.filter((u) => /^[A-Za-z0-9_-]{1,128}$/.test(u)).slice(0, 20);
    assert.ok(users.length > 0);
    for (const user of users) {
      const r = await app.get(`/v1/surfaces/sar/recommendations/${user}`);
      assert.equal(r.status, 200, r.text);
      const want = recommendForUser(trained, user, { k: 10, removeSeen: true });
      assert.ok(want.known);
      if (want.top.length === 0) continue;
      assert.deepEqual(
        r.json.results,
        want.top.map(([item]) => item),
        user,
      );
      assert.equal(r.json.result_info.sources.personal.status, 'ok');
    }
  });

  it('a client SAR does not know is seeded with their installed add-ons; item mode likewise', async () => {
    const want = similarItems(trained, seeds, 10).map(([item]) => item);
    assert.ok(want.length > 0);
    const personal = await app.get('/v1/surfaces/sar/recommendations/seeded-client');
    assert.deepEqual(personal.json.results, want);
    const items = await app.get('/v1/surfaces/items/recommendations/seeded-client');
    assert.deepEqual(items.json.results, want);
  });

  it('an unknown model leaves its source empty and named; the others answer', async () => {
    const r = await app.get('/v1/surfaces/missing/recommendations/seeded-client');
    assert.equal(r.status, 200);
    assert.equal(r.json.result_info.sources.gone.status, 'failed');
    assert.deepEqual(r.json.results, ['x@x']);
  });
});
