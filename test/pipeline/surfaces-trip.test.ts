/**
 * Issue 15: the kernel-backed sources of a surface share ONE trip to the worker pool. A real pool scores a
 * real TAAR model (the vectors' models) and a SAR model trained from the fixtures; trips are counted where
 * they leave for a worker (the pool's onBatch: one call per task run). The same surface served without the
 * shared trip (each part on its own: the scorer and sarScore) is the reference its answers must equal.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ScoringPool } from '../../src/dispatch/pool.js';
import { scoreSar } from '../../src/dispatch/sar-scorer.js';
import { scoreTrip } from '../../src/dispatch/trip.js';
import { loadModel } from '../../src/kernel/taar-model.js';
import { sarKind } from '../../src/model/kinds/sar/kind.js';
import { writeModel } from '../../src/model/kinds/sar/pack/pack.js';
import { SarPackedModel } from '../../src/model/kinds/sar/packed-model.js';
import { SarFileSource } from '../../src/model/kinds/sar/source.js';
import type { SarModel } from '../../src/model/kinds/sar/types.js';
import type { PackedModel } from '../../src/model/kinds/taar/packed-model.js';
import { LocalModelSource } from '../../src/model/source/local-source.js';
import { SurfacesHolder } from '../../src/pipeline/surfaces/holder.js';
import { createModelFacts } from '../../src/recommend/model-facts.js';
import { FakeProfileStore } from '../helpers/fake-backend.js';
import { haveVectors, scorableVectorProfiles, VECTOR_MODELS } from '../helpers/vectors.js';
import { modelFor } from '../sar/model-cache.js';
import { buildApp, type InProcessApp } from '../server/start.js';

const source = (name: string, more: Record<string, unknown>) => ({ name, budget_ms: 10_000, ...more });

describe('surfaces: kernel-backed sources share one pool trip', {
  skip: !haveVectors && 'no vectors',
  timeout: 120_000,
}, () => {
  let dir: string;
  let trained: SarModel;
  let sar: SarPackedModel;
  let broken: SarPackedModel;
  let taar: PackedModel;
  let pool: ScoringPool;
  let trips = 0;
  let shared: InProcessApp;
  let separate: InProcessApp;
  let user: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'surfaces-trip-'));
    taar = await loadModel(new LocalModelSource(VECTOR_MODELS));
    trained = await modelFor('data/train.jsonl', { decayHalfLifeDays: 30 });
    const file = join(dir, 'model.sarm');
    await writeModel(file, trained);
    const src = new SarFileSource(file);
    sar = sarKind.open(await sarKind.pack(src, { version: await src.check() }));
    // The same model on the main thread, but a memory the worker cannot open: its part fails in the worker.
    broken = Object.assign(Object.create(SarPackedModel.prototype), sar, {
      version: 'broken-1',
      memory: new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true }),
    });
    pool = new ScoringPool({ workers: 1, maxBatch: 16, maxQueue: 1000, onBatch: () => trips++ });
    await pool.warm(taar);
    await pool.warm(sar);

    user = trained.users.find((u) => /^[A-Za-z0-9_-]{1,64}$/.test(u))!;
    const vector = scorableVectorProfiles<unknown>().find(({ p }) => p.profile!.installed_addons.length > 0)!.p;
    const seeds = trained.items.slice(0, 3);
    const profile = {
      ...vector.profile!,
      client_id: user,
      installed_addons: [...vector.profile!.installed_addons, ...seeds],
    };
    const surface = (sources: unknown[]) => ({
      size: 40,
      first_n: 60,
      budget_ms: 20_000,
      stage_budget_ms: 10_000,
      sources,
      filters: { installed: false },
    });
    const taarSources = [
      source('collab', { kind: 'taar', recommender: 'collaborative' }),
      source('ens', { kind: 'taar', recommender: 'ensemble' }),
      source('locale', { kind: 'taar', recommender: 'locale' }),
    ];
    const config = {
      surfaces: {
        mixed: surface([
          ...taarSources,
          source('personal', { kind: 'sar', model: 'sar-v1', mode: 'personal' }),
          source('similar', { kind: 'sar', model: 'sar-v1', mode: 'item' }),
        ]),
        failing: surface([
          ...taarSources,
          source('personal', { kind: 'sar', model: 'sar-v1', mode: 'personal' }),
          source('gone', { kind: 'sar', model: 'no-such-model', mode: 'item' }),
          source('broken', { kind: 'sar', model: 'broken', mode: 'item' }),
        ]),
        // The same without the broken model: separately, a failed batch fails its whole flush (any model).
        reference: surface([
          ...taarSources,
          source('personal', { kind: 'sar', model: 'sar-v1', mode: 'personal' }),
          source('gone', { kind: 'sar', model: 'no-such-model', mode: 'item' }),
        ]),
      },
    };
    const path = join(dir, 'surfaces.json');
    writeFileSync(path, JSON.stringify(config));
    const holder = new SurfacesHolder(path);
    await holder.load(true);
    const facts = createModelFacts(taar);
    const version = { model: taar, facts, source: 'vectors', loadedAt: new Date() };
    const models: Record<string, SarPackedModel> = { 'sar-v1': sar, broken };
    const app = (trip: boolean) =>
      buildApp({
        scorer: pool,
        facts: () => facts,
        current: () => version,
        profiles: new FakeProfileStore(new Map([[user, profile]])),
        config: { profileBudgetMs: 10_000, totalBudgetMs: 20_000, scoringBudgetMs: 10_000 },
        surfaces: {
          holder,
          sar: { acquire: async (name) => (models[name] ? { model: models[name], done: () => {} } : undefined) },
          sarScore: (m, r, d) => scoreSar(pool, m, r, d),
          ...(trip ? { trip: (parts, d) => scoreTrip(pool, parts, d) } : {}),
        },
      });
    shared = app(true);
    separate = app(false);
  });
  after(async () => {
    await pool?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const serve = async (app: InProcessApp, surface: string) => {
    trips = 0;
    const r = await app.get(`/v1/surfaces/${surface}/recommendations/${user}`);
    assert.equal(r.status, 200, r.text);
    return { body: r.json, trips };
  };

  it('TAAR and SAR sources make one trip, and answer as separate trips did', async () => {
    const one = await serve(shared, 'mixed');
    const apart = await serve(separate, 'mixed');
    assert.equal(one.trips, 1, 'one trip for three TAAR and two SAR sources');
    assert.ok(apart.trips >= 2, `separately: ${apart.trips} trips`);
    const status = (name: string) => one.body.result_info.sources[name].status;
    for (const name of ['ens', 'personal', 'similar']) assert.equal(status(name), 'ok', name);
    for (const name of ['collab', 'locale']) assert.ok(['ok', 'empty'].includes(status(name)), name);
    assert.deepEqual(one.body.result_info.sources, apart.body.result_info.sources);
    assert.deepEqual(one.body.results, apart.body.results);
    assert.ok(
      one.body.results.some((item: string) => trained.items.includes(item)),
      'SAR items are in the answer',
    );
  });

  it('a part that fails leaves its source empty with the reason; the others answer, still in one trip', async () => {
    const { body, trips: n } = await serve(shared, 'failing');
    assert.equal(n, 1, 'the failing parts rode in the one trip too');
    const s = body.result_info.sources;
    assert.deepEqual(s.gone, { status: 'failed', items: 0, reason: 'unknown-model' });
    assert.deepEqual(s.broken, { status: 'failed', items: 0, reason: 'request-failed' });
    for (const name of ['ens', 'personal']) assert.equal(s[name].status, 'ok', name);
    for (const name of ['collab', 'locale']) assert.ok(['ok', 'empty'].includes(s[name].status), name);
    const apart = await serve(separate, 'reference');
    for (const name of ['gone', 'ens', 'personal', 'collab', 'locale'])
      assert.deepEqual(s[name], apart.body.result_info.sources[name], name);
    assert.deepEqual(body.results, apart.body.results);
    assert.ok(
      body.results.some((item: string) => trained.items.includes(item)),
      'SAR items are in the answer',
    );
  });
});
