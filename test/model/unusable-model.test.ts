/**
 * Issue 10 #8: a version with an empty whitelist, an empty item matrix, no donors or all-zero ensemble
 * weights decoded and packed fine, was swapped in, and every request then fell back with no error.
 * Such a version is refused (RECSCORE_MODEL_CONSISTENCY, naming the file); the minimums are configurable;
 * a reloader keeps the version in service and reports why.
 */
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { ModelError, RecscoreError } from '../../src/errors.js';
import { createLogger } from '../../src/log.js';
import { MODEL_FILES, type ModelFileKind } from '../../src/model/kinds/taar/files.js';
import { loadModel } from '../../src/kernel/taar-model.js';
import { ModelRegistry } from '../../src/model/lifecycle/registry.js';
import { createModelFacts } from '../../src/recommend/model-facts.js';
import { ModelReloader } from '../../src/model/lifecycle/reloader.js';
import { LocalModelSource } from '../../src/model/source/local-source.js';
import type { ModelSource, SourceVersion } from '../../src/model/source/source.js';
import { loadConfig } from '../../src/config/index.js';
import { DEFAULT_MINIMUMS, type UsableMinimums } from '../../src/model/kinds/taar/usable.js';
import { flipSymlink } from '../helpers/model-dirs.js';
import { tinyWith, writeModelDir, type ObjectContent } from './model-dir.js';

const logger = createLogger({}, () => {});
const dirs: string[] = [];
after(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

async function dirWith(overrides: Partial<Record<ModelFileKind, ObjectContent>>): Promise<string> {
  const dir = await writeModelDir(overrides);
  dirs.push(dir);
  return dir;
}
const load = async (overrides: Partial<Record<ModelFileKind, ObjectContent>>, minimums?: UsableMinimums) =>
  loadModel(new LocalModelSource(await dirWith(overrides), { logger }), { logger, minimums });

const EMPTY: Array<[string, ModelFileKind, ObjectContent, RegExp]> = [
  ['an empty whitelist', 'whitelist', '[]', /0 whitelisted GUIDs/],
  ['an empty item matrix', 'itemMatrix', '[]', /0 items/],
  ['no donors', 'donors', '[]', /0 donors/],
  [
    'all-zero ensemble weights',
    'ensembleWeights',
    tinyWith('ensembleWeights', () => ({ ensemble_weights: { collaborative: 0, similarity: 0, locale: 0 } })),
    /none positive/,
  ],
];

describe('a version that cannot personalise is refused', { timeout: 30_000 }, () => {
  for (const [what, kind, content, detail] of EMPTY) {
    test(`${what}: RECSCORE_MODEL_CONSISTENCY naming ${MODEL_FILES[kind]}`, async () => {
      await assert.rejects(load({ [kind]: content }), (e: unknown) => {
        assert.ok(e instanceof ModelError, String(e));
        assert.equal(e.code, 'RECSCORE_MODEL_CONSISTENCY');
        assert.equal(e.file, MODEL_FILES[kind]);
        assert.match(e.message, detail);
        assert.match(e.message, /cannot personalise/);
        return true;
      });
    });
  }

  test('the minimums are configurable: 0 accepts a model without donors, 4 refuses a 3-item model', async () => {
    const noDonors = await load({ donors: '[]' }, { ...DEFAULT_MINIMUMS, donors: 0 });
    assert.equal(noDonors.nDonors, 0);
    await assert.rejects(load({}, { ...DEFAULT_MINIMUMS, items: 4 }), /3 items, at least 4 required/);
  });

  test('minimums from the environment are validated and name the variable', () => {
    const c = loadConfig({ env: { RECSCORE_PROFILES: 'p.jsonl' } });
    assert.deepEqual(
      { whitelist: c.modelMinWhitelist, items: c.modelMinItems, donors: c.modelMinDonors },
      DEFAULT_MINIMUMS,
    );
    const set = loadConfig({
      env: { RECSCORE_PROFILES: 'p.jsonl', RECSCORE_MODEL_MIN_DONORS: '0', RECSCORE_MODEL_MIN_ITEMS: '50' },
    });
    assert.deepEqual([set.modelMinWhitelist, set.modelMinItems, set.modelMinDonors], [1, 50, 0]);
    assert.throws(
      () => loadConfig({ env: { RECSCORE_PROFILES: 'p.jsonl', RECSCORE_MODEL_MIN_ITEMS: '-1' } }),
      (e: unknown) =>
        e instanceof RecscoreError && e.code === 'RECSCORE_CONFIG' && /RECSCORE_MODEL_MIN_ITEMS/.test(e.message),
    );
  });

  test('a reloader keeps the version in service and reports why', async () => {
    const good = await dirWith({});
    const empty = await dirWith({ whitelist: '[]' });
    const root = await dirWith({});
    const link = join(root, 'current');
    await flipSymlink(link, good);
    const registry = new ModelRegistry(createModelFacts);
    const load = (source: ModelSource, version: SourceVersion) => loadModel(source, { version, logger });
    const reloader = new ModelReloader(new LocalModelSource(link, { logger }), registry, {
      intervalMs: 0,
      logger,
      load,
    });
    await reloader.loadInitial();
    const serving = registry.model!.version;
    await flipSymlink(link, empty);
    await reloader.checkNow();
    assert.equal(registry.model!.version, serving, 'the old version keeps serving');
    assert.equal(reloader.status.lastError?.code, 'RECSCORE_MODEL_CONSISTENCY');
    assert.match(reloader.status.lastError?.message ?? '', /only_guids_top_200\.json: 0 whitelisted GUIDs/);
    reloader.stop();
  });
});
