/**
 * SAR sources naming their model by `default`, by registry id or by the model's description, resolved from
 * the registry's records (sar-names.ts) and served through a real model cache and pool: the answer follows
 * the default and the description when the model set changes, without a reload; a name that resolves to
 * nothing leaves the source empty (counted by class) and the surfaces check warns until the model exists.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ModelCache } from '../../src/dispatch/model-cache.js';
import { ScoringPool } from '../../src/dispatch/pool.js';
import { similarItems } from '../../src/kernel/sar/item-based.js';
import { silentLogger } from '../../src/log.js';
import { readModelFile } from '../../src/model/kinds/sar/pack/unpack.js';
import type { SarModel } from '../../src/model/kinds/sar/types.js';
import { SurfacesHolder } from '../../src/pipeline/surfaces/holder.js';
import { registrySarModels, SarModelNames, sarReferences } from '../../src/pipeline/surfaces/sar-names.js';
import { parseSurfacesText } from '../../src/pipeline/surfaces/schema.js';
import { scoreSar } from '../../src/dispatch/sar-scorer.js';
import { FakeProfileStore, FakeScorer, fakeFacts } from '../helpers/fake-backend.js';
import { MemoryRecords, sarArtifact, sarRecord } from '../helpers/records-view.js';
import { buildApp } from '../server/start.js';

const at = (minutes: number) => new Date(Date.UTC(2026, 0, 1, 0, minutes)).toISOString();

describe('SAR model names', () => {
  it('resolves default, ids and descriptions (Completed first, then newest), and follows changes', () => {
    const records = new MemoryRecords();
    const names = new SarModelNames(records);
    let changes = 0;
    names.onChange(() => changes++);
    const old = records.put(sarRecord(undefined, { description: 'shelf', creationTime: at(1) }));
    const newer = records.put(sarRecord(undefined, { description: 'shelf', creationTime: at(2) }));
    records.put(sarRecord(undefined, { description: 'shelf', creationTime: at(3), modelStatus: 'InProgress' }));
    records.put(sarRecord(undefined, { description: 'taar one', kind: 'taar' }));
    assert.equal(names.resolve('shelf'), newer.id, 'the newest Completed, not the newer one in training');
    assert.equal(names.resolve(old.id.toUpperCase()), old.id, 'ids as Product Recommendations: any case');
    assert.equal(names.resolve('taar one'), undefined, 'SAR models only');
    assert.equal(names.resolve('default'), undefined);
    records.setDefault(old.id);
    assert.equal(names.resolve('default'), old.id);
    records.delete(newer.id);
    assert.equal(names.resolve('shelf'), old.id);
    assert.equal(names.resolve('Shelf'), undefined, 'descriptions match exactly');
    assert.ok(changes >= 6);
    names.close();
    records.put(sarRecord(undefined, { description: 'late' }));
    assert.equal(names.resolve('late'), undefined, 'closed: no longer follows');
  });

  it('lists every SAR reference of a surfaces file with its path', () => {
    const file = parseSurfacesText(
      JSON.stringify({
        surfaces: {
          a: {
            sources: [
              { name: 'pop', kind: 'popularity' },
              { name: 's', kind: 'sar', model: 'default' },
            ],
          },
        },
        experiments: [
          {
            id: 'e',
            salt: 's',
            surface: 'a',
            allocation: 1,
            variants: [{ name: 'c' }, { name: 't', overrides: { sources: { s: { model: 'shelf v2' } } } }],
          },
        ],
      }),
      'f.json',
    );
    assert.deepEqual(sarReferences(file), [
      { at: 'surfaces.a.sources[1].model', model: 'default' },
      { at: 'experiments[0].variants[1].overrides.sources.s.model', model: 'shelf v2' },
    ]);
  });
});

describe('surfaces: SAR sources by name through the registry', { timeout: 180_000 }, () => {
  let dir: string;
  let pool: ScoringPool;
  let cache: ModelCache;
  let names: SarModelNames;
  let holder: SurfacesHolder;
  let app: ReturnType<typeof buildApp>;
  let jaccard: SarModel;
  let lift: SarModel;
  const records = new MemoryRecords();
  const files: Record<string, string> = {};
  let seeds: string[] = [];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'surfaces-sar-names-'));
    files.jaccard = await sarArtifact(dir, 'jaccard');
    files.lift = await sarArtifact(dir, 'lift', { similarity: 'lift' });
    jaccard = readModelFile(files.jaccard).model;
    lift = readModelFile(files.lift).model;
    seeds = jaccard.items.slice(0, 3);
    pool = new ScoringPool({ workers: 1, maxQueue: 1000 });
    cache = new ModelCache({ records, pool, budgetBytes: 1 << 30, logger: silentLogger });
    names = new SarModelNames(records);
    const path = join(dir, 'surfaces.json');
    const surface = (model: string) => ({
      size: 10,
      budget_ms: 10_000,
      filters: { installed: false },
      sources: [{ name: 'similar', kind: 'sar', model, mode: 'item', budget_ms: 10_000 }],
    });
    writeFileSync(
      path,
      JSON.stringify({
        surfaces: { by_default: surface('default'), by_name: surface('shelf'), unknown: surface('not yet') },
      }),
    );
    holder = new SurfacesHolder(path);
    await holder.load(true);
    holder.setModelResolver((ref) => names.resolve(ref));
    names.onChange(() => holder.checkModels());
    const profiles = new FakeProfileStore(
      new Map([['seeded-client', { client_id: 'seeded-client', installed_addons: seeds }]]),
    );
    const facts = fakeFacts({ whitelist: ['w@x'], globalTop: [['w@x', 1]] });
    app = buildApp({
      scorer: new FakeScorer(() => []),
      facts: () => facts,
      profiles,
      config: { profileBudgetMs: 10_000, totalBudgetMs: 10_000, scoringBudgetMs: 10_000 },
      surfaces: {
        holder,
        sar: registrySarModels(
          () => names,
          () => cache,
        ),
        sarScore: (m, r, d) => scoreSar(pool, m, r, d),
      },
    });
  });
  after(async () => {
    names?.close();
    cache?.close();
    await pool?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const results = async (surface: string) => {
    const r = await app.get(`/v1/surfaces/${surface}/recommendations/seeded-client`);
    assert.equal(r.status, 200, r.text);
    return r.json;
  };
  const want = (m: SarModel) => similarItems(m, seeds, 10).map(([i]) => i);

  it('`default` follows the registry default; a description follows its newest Completed model', async () => {
    assert.notDeepEqual(want(jaccard), want(lift), 'the two models must answer differently');
    const a = records.put(sarRecord(files.jaccard, { description: 'shelf', creationTime: at(1) }));
    const b = records.put(sarRecord(files.lift, { description: 'other', creationTime: at(2) }));
    records.setDefault(a.id);
    assert.deepEqual((await results('by_default')).results, want(jaccard));
    assert.deepEqual((await results('by_name')).results, want(jaccard));
    records.setDefault(b.id);
    assert.deepEqual((await results('by_default')).results, want(lift), 'no reload needed');
    records.put(sarRecord(files.lift, { description: 'shelf', creationTime: at(3) }));
    assert.deepEqual((await results('by_name')).results, want(lift));
  });

  it('a name that resolves to nothing: the source is empty and counted, the check warns until it exists', async () => {
    assert.deepEqual(holder.warnings, [
      'surfaces.unknown.sources[0].model: no SAR model "not yet" in the registry; the source stays empty',
    ]);
    const r = await results('unknown');
    assert.deepEqual(r.result_info.sources.similar, { status: 'failed', items: 0, reason: 'unknown-model' });
    const metrics = await app.metrics.registry.metrics();
    const labels =
      'surface="unknown",stage="source",source="similar",class="RECSCORE_MODEL_NOT_FOUND",reason="unknown-model"';
    assert.ok(metrics.includes(`recscore_surface_failures_total{${labels}} 1`), 'counted by class and reason');
    records.put(sarRecord(files.jaccard, { description: 'not yet' }));
    assert.deepEqual(holder.warnings, []);
    assert.deepEqual((await results('unknown')).results, want(jaccard));
  });
});
