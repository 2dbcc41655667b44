/**
 * Choosing a source from configuration, including a TAAR deployment's own env vars (SPEC §5 table),
 * end to end through the real GCS client against the fake.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { isRecscoreError } from '../../src/errors.js';
import { createLogger } from '../../src/log.js';
import { MODEL_FILES } from '../../src/model/kinds/taar/files.js';
import { GcsModelSource, LocalModelSource, createModelSource } from '../../src/model/source/index.js';
import { layoutFromEnv, layoutFromUrl, listingsOf } from '../../src/model/source/gcs-layout.js';
import { FakeGcs } from '../helpers/fake-gcs.js';
import { payload } from './source.case.js';

const logger = createLogger({}, () => {});
const isConfigError = (e: unknown) => isRecscoreError(e) && e.code === 'RECSCORE_CONFIG';

// A deployment spread over three buckets, with keys that are not TAAR's defaults and one plain-JSON key.
const TAAR_ENV = {
  TAAR_ITEM_MATRIX_BUCKET: 'prod-models',
  TAAR_ITEM_MATRIX_KEY: 'collab/item_matrix.json.bz2',
  TAAR_ADDON_MAPPING_BUCKET: 'prod-models',
  TAAR_ADDON_MAPPING_KEY: 'collab/addon_mapping.json.bz2',
  TAAR_WHITELIST_BUCKET: 'prod-models',
  TAAR_WHITELIST_KEY: 'collab/whitelist.json',
  TAAR_SIMILARITY_BUCKET: 'prod-models',
  TAAR_SIMILARITY_DONOR_KEY: 'collab/sim/donors.json.bz2',
  TAAR_SIMILARITY_LRCURVES_KEY: 'collab/sim/lr_curves.json.bz2',
  TAAR_LOCALE_BUCKET: 'locale-bucket',
  TAAR_LOCALE_KEY: 'top10_dict.json.bz2',
  TAAR_ENSEMBLE_BUCKET: 'prod-models',
  TAAR_ENSEMBLE_KEY: 'collab/ensemble_weight.json.bz2',
  TAARLITE_GUID_COINSTALL_BUCKET: 'lite-bucket',
  TAARLITE_GUID_COINSTALL_KEY: 'lite/coinstall.json.bz2',
  TAARLITE_GUID_RANKING_KEY: 'lite/ranking.json',
};

describe('createModelSource and TAAR env configuration', { timeout: 15_000 }, () => {
  let fake: FakeGcs;
  before(async () => {
    fake = await FakeGcs.start();
  });
  after(() => fake.close());

  test('no location + TAAR env vars: GCS placed exactly as TAAR places it, one listing per bucket', async () => {
    const keys = Object.entries(TAAR_ENV).filter(([k]) => k.endsWith('_KEY'));
    const bucketOf = (keyVar: string) => {
      if (keyVar.startsWith('TAARLITE')) return TAAR_ENV.TAARLITE_GUID_COINSTALL_BUCKET;
      if (keyVar.startsWith('TAAR_SIMILARITY')) return TAAR_ENV.TAAR_SIMILARITY_BUCKET;
      return (TAAR_ENV as Record<string, string>)[keyVar.replace(/_KEY$/, '_BUCKET')];
    };
    for (const [keyVar, key] of keys) fake.put(bucketOf(keyVar), key, payload(key));

    const source = createModelSource(undefined, TAAR_ENV, {
      logger,
      gcs: { apiEndpoint: fake.endpoint, requestTimeoutMs: 1000, idleTimeoutMs: 500 },
    });
    assert.ok(source instanceof GcsModelSource);
    assert.equal(source.location, 'gs://prod-models gs://locale-bucket gs://lite-bucket');
    const listBefore = fake.count('list');
    const v = await source.check();
    assert.equal(fake.count('list') - listBefore, 3);
    const byKind = new Map(v.objects.map((o) => [o.kind, o]));
    assert.equal(byKind.get('whitelist')?.name, 'collab/whitelist.json');
    assert.equal(byKind.get('whitelist')?.compressed, false);
    assert.equal(byKind.get('ranking')?.location, 'gs://lite-bucket/lite/ranking.json');
    assert.equal(byKind.get('locale')?.compressed, true);
    for (const o of v.objects) assert.ok((await source.read(o)).equals(payload(o.name)), o.name);
  });

  test('env keys are exact: a .bz2 key does not fall back to plain JSON', async () => {
    const env = { ...TAAR_ENV, TAAR_LOCALE_KEY: 'absent/top10_dict.json.bz2' };
    fake.put('locale-bucket', 'absent/top10_dict.json', payload('x'));
    const source = createModelSource(undefined, env, { logger, gcs: { apiEndpoint: fake.endpoint } });
    await assert.rejects(
      source.check(),
      (e) =>
        isRecscoreError(e) && e.code === 'RECSCORE_MODEL_MISSING' && /absent\/top10_dict\.json\.bz2/.test(e.message),
    );
  });

  test('incomplete TAAR env names the unset variables', () => {
    assert.throws(
      () => createModelSource(undefined, { TAAR_ITEM_MATRIX_BUCKET: 'prod-models' }),
      (e) => isConfigError(e) && /TAAR_WHITELIST_BUCKET/.test((e as Error).message),
    );
  });

  test("TAAR-lite falls back to TAAR's own defaults; other keys to the production object names", () => {
    const layout = layoutFromEnv({ TAAR_ITEM_MATRIX_BUCKET: 'bkt1' }, ['itemMatrix', 'coinstall', 'ranking']);
    assert.deepEqual(layout.entries, [
      { kind: 'itemMatrix', bucket: 'bkt1', names: [`${MODEL_FILES.itemMatrix}.bz2`] },
      { kind: 'coinstall', bucket: 'telemetry-parquet', names: ['taar/lite/guid_coinstallation.json'] },
      { kind: 'ranking', bucket: 'telemetry-parquet', names: ['taar/lite/guid_install_ranking.json'] },
    ]);
  });

  test('gs:// URLs: TAAR names under the prefix, .bz2 first, one listing at the shared directory', () => {
    const layout = layoutFromUrl('gs://prod-models/2024-06-01/', ['locale', 'ranking']);
    assert.equal(layout.location, 'gs://prod-models/2024-06-01');
    assert.deepEqual(layout.entries[0].names, [
      '2024-06-01/taar/locale/top10_dict.json.bz2',
      '2024-06-01/taar/locale/top10_dict.json',
    ]);
    assert.deepEqual(listingsOf(layout), [{ bucket: 'prod-models', prefix: '2024-06-01/taar/' }]);
    assert.deepEqual(listingsOf(layoutFromUrl('gs://prod-models', ['itemMatrix', 'locale'])), [
      { bucket: 'prod-models', prefix: '' },
    ]);
    assert.throws(() => layoutFromUrl('gs://Bad_Bucket!/x', ['locale']), isConfigError);
  });

  test('a gs:// location wins over TAAR env vars; a path or file: URL is a folder', async () => {
    assert.ok(createModelSource('gs://prod-models/x', TAAR_ENV, { logger }) instanceof GcsModelSource);
    const dir = await mkdtemp(join(tmpdir(), 'recscore-create-source-'));
    try {
      const folder = createModelSource(dir, TAAR_ENV, { logger });
      assert.ok(folder instanceof LocalModelSource);
      assert.equal(folder.location, dir);
      assert.equal(createModelSource(pathToFileURL(dir).href, {}, { logger }).location, dir);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('nothing configured, an unknown scheme or a bad option is a RECSCORE_CONFIG error', () => {
    assert.throws(() => createModelSource(undefined, {}), isConfigError);
    assert.throws(() => createModelSource('s3://bucket/x', {}), isConfigError);
    assert.throws(
      () => createModelSource('gs://prod-models', {}, { gcs: { idleTimeoutMs: -1 } }),
      (e) => isConfigError(e) && /idleTimeoutMs/.test((e as Error).message),
    );
  });
});
