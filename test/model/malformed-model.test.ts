/**
 * A broken model object must be refused with the right typed code and a message naming the object:
 * RECSCORE_MODEL_MISSING (absent), _DECODE (bz2, UTF-8 or JSON), _SCHEMA (shape, per file kind) and
 * _CONSISTENCY (files or rows disagree). Each case breaks exactly one object of an otherwise valid model.
 */
import assert from 'node:assert/strict';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { ModelError, type ErrorCode } from '../../src/errors.js';
import { createLogger } from '../../src/log.js';
import { MODEL_FILES, MODEL_FILE_KINDS, type ModelFileKind } from '../../src/model/kinds/taar/files.js';
import { loadModel } from '../../src/kernel/taar-model.js';
import { LocalModelSource } from '../../src/model/source/local-source.js';
import { VECTORS, VECTOR_MODELS, haveVectors } from '../helpers/vectors.js';
import { TINY_MODEL, TINY_WHITELIST_BZ2, tinyWith, writeModelDir, type ObjectContent } from './model-dir.js';

const logger = createLogger({}, () => {});
const dirs: string[] = [];
after(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

async function load(overrides: Partial<Record<ModelFileKind, ObjectContent>>) {
  const dir = await writeModelDir(overrides);
  dirs.push(dir);
  return loadModel(new LocalModelSource(dir, { logger }), { logger });
}

async function assertRejects(
  overrides: Partial<Record<ModelFileKind, ObjectContent>>,
  code: ErrorCode,
  file: string,
  detail?: RegExp,
): Promise<void> {
  await assert.rejects(load(overrides), (e: unknown) => {
    assert.ok(e instanceof ModelError, `a ModelError, got ${(e as Error)?.stack ?? e}`);
    assert.equal(e.code, code, e.message);
    assert.equal(e.file, file, e.message);
    assert.ok(e.message.includes(file), `message names ${file}: ${e.message}`);
    if (detail) assert.match(e.message, detail);
    return true;
  });
}

describe('model loading refuses malformed objects', { timeout: 30_000 }, () => {
  test('the untouched tiny model loads (control), also with a bz2 object', async () => {
    const model = await load({});
    assert.equal(model.nItems, 3);
    assert.equal(model.nDonors, 2);
    const bz2 = await load({ whitelist: { bz2: TINY_WHITELIST_BZ2 } });
    assert.deepEqual(
      bz2.meta.whitelist.map((id) => bz2.guids[id]),
      TINY_MODEL.whitelist,
    );
  });

  describe('RECSCORE_MODEL_MISSING', () => {
    for (const kind of MODEL_FILE_KINDS) {
      test(`${kind} absent`, () => assertRejects({ [kind]: null }, 'RECSCORE_MODEL_MISSING', MODEL_FILES[kind]));
    }
  });

  describe('RECSCORE_MODEL_DECODE', () => {
    const wl = MODEL_FILES.whitelist;
    test('truncated bz2', () =>
      assertRejects(
        { whitelist: { bz2: TINY_WHITELIST_BZ2.subarray(0, TINY_WHITELIST_BZ2.length - 10) } },
        'RECSCORE_MODEL_DECODE',
        `${wl}.bz2`,
      ));
    test('bz2 with one flipped byte', () => {
      const bad = Buffer.from(TINY_WHITELIST_BZ2);
      bad[20] ^= 0x55;
      return assertRejects({ whitelist: { bz2: bad } }, 'RECSCORE_MODEL_DECODE', `${wl}.bz2`);
    });
    test('garbage after a BZh9 magic', () =>
      assertRejects(
        { whitelist: { bz2: Buffer.concat([Buffer.from('BZh9'), Buffer.alloc(64, 0xa7)]) } },
        'RECSCORE_MODEL_DECODE',
        `${wl}.bz2`,
      ));
    test('a .bz2 object that is plain JSON (no magic)', () =>
      assertRejects({ whitelist: { bz2: Buffer.from('["a@x"]') } }, 'RECSCORE_MODEL_DECODE', `${wl}.bz2`, /magic/));
    test('an empty .bz2 object', () =>
      assertRejects({ whitelist: { bz2: Buffer.alloc(0) } }, 'RECSCORE_MODEL_DECODE', `${wl}.bz2`));
    test('invalid JSON', () =>
      assertRejects(
        { coinstall: '{"a@x": {"b@x": 3}' },
        'RECSCORE_MODEL_DECODE',
        MODEL_FILES.coinstall,
        /invalid JSON/,
      ));
    test('an empty plain object', () => assertRejects({ ranking: '' }, 'RECSCORE_MODEL_DECODE', MODEL_FILES.ranking));
    test('a JSON NaN literal (Python writes it, JSON forbids it)', () =>
      assertRejects({ lrCurves: '[[0.0, [NaN, 1.0]]]' }, 'RECSCORE_MODEL_DECODE', MODEL_FILES.lrCurves));
    test('an Infinity literal in donors', () =>
      assertRejects(
        { donors: '[{"active_addons": [], "subsession_length": Infinity}]' },
        'RECSCORE_MODEL_DECODE',
        MODEL_FILES.donors,
      ));
    test('invalid UTF-8', () =>
      assertRejects(
        { whitelist: Buffer.from([0x5b, 0x22, 0xff, 0xfe, 0x22, 0x5d]) },
        'RECSCORE_MODEL_DECODE',
        wl,
        /UTF-8/,
      ));

    test('a truncated multi-block bz2 from the vectors', {
      skip: haveVectors ? false : `TAAR vectors not found at ${VECTORS}`,
    }, async () => {
      const bytes = await readFile(join(VECTOR_MODELS, `${MODEL_FILES.itemMatrix}.bz2`));
      await assertRejects(
        { itemMatrix: { bz2: bytes.subarray(0, Math.floor(bytes.length * 0.6)) } },
        'RECSCORE_MODEL_DECODE',
        `${MODEL_FILES.itemMatrix}.bz2`,
      );
    });
  });

  describe('RECSCORE_MODEL_SCHEMA (each file kind)', () => {
    const cases: Array<[string, ModelFileKind, string]> = [
      ['item matrix is an object', 'itemMatrix', '{"id": 1, "features": [1]}'],
      ['item row without features', 'itemMatrix', tinyWith('itemMatrix', (v) => [...v, { id: 7 }])],
      ['item factor is a string', 'itemMatrix', tinyWith('itemMatrix', (v) => ((v[1].features[0] = '0.5'), v))],
      ['item id beyond 23 bits', 'itemMatrix', tinyWith('itemMatrix', (v) => ((v[0].id = 0x800000), v))],
      ['negative item id', 'itemMatrix', tinyWith('itemMatrix', (v) => ((v[0].id = -1), v))],
      [
        'item factor overflows to Infinity (1e999)',
        'itemMatrix',
        JSON.stringify(TINY_MODEL.itemMatrix).replace('0.5', '1e999'),
      ],
      ['no factors', 'itemMatrix', tinyWith('itemMatrix', (v) => ((v[0].features = []), v))],
      ['mapping entry without id', 'addonMapping', tinyWith('addonMapping', (v) => ({ ...v, '5': { name: 'x' } }))],
      ['mapping is an array', 'addonMapping', '[]'],
      ['whitelist holds a number', 'whitelist', '["a@x", 5]'],
      ['whitelist holds an empty GUID', 'whitelist', '["a@x", ""]'],
      ['donor without active_addons', 'donors', tinyWith('donors', (v) => (delete v[0].active_addons, v))],
      ['donor count is a string', 'donors', tinyWith('donors', (v) => ((v[0].bookmark_count = '1'), v))],
      ['donor categorical is an object', 'donors', tinyWith('donors', (v) => ((v[0].os = { name: 'Linux' }), v))],
      ['LR entry without the density pair', 'lrCurves', '[[0.0, 1.0]]'],
      ['LR density is null', 'lrCurves', '[[0.0, [null, 1.0]]]'],
      ['locale weight is a string', 'locale', '{"de": [["a@x", "0.5"]]}'],
      ['locale list is an object', 'locale', '{"de": {"a@x": 0.5}}'],
      ['ensemble weights without the wrapper', 'ensembleWeights', '{"collaborative": 1, "similarity": 1, "locale": 1}'],
      ['ensemble weight missing', 'ensembleWeights', '{"ensemble_weights": {"collaborative": 1, "similarity": 1}}'],
      ['co-install count negative', 'coinstall', '{"a@x": {"b@x": -1}}'],
      ['co-install count fractional', 'coinstall', '{"a@x": {"b@x": 1.5}}'],
      ['co-install row is a list', 'coinstall', '{"a@x": ["b@x"]}'],
      ['install count is a string', 'ranking', '{"a@x": "10"}'],
      ['ranking is a list', 'ranking', '[["a@x", 10]]'],
    ];
    for (const [what, kind, text] of cases) {
      test(`${kind}: ${what}`, () => assertRejects({ [kind]: text }, 'RECSCORE_MODEL_SCHEMA', MODEL_FILES[kind]));
    }
    test('the message locates the offending value', () =>
      assertRejects(
        { itemMatrix: tinyWith('itemMatrix', (v) => ((v[1].features[0] = '0.5'), v)) },
        'RECSCORE_MODEL_SCHEMA',
        MODEL_FILES.itemMatrix,
        /1\.features\.0/,
      ));
  });

  describe('RECSCORE_MODEL_CONSISTENCY', () => {
    test('item rows of different lengths', () =>
      assertRejects(
        { itemMatrix: tinyWith('itemMatrix', (v) => ((v[2].features = [1, 2, 3]), v)) },
        'RECSCORE_MODEL_CONSISTENCY',
        MODEL_FILES.itemMatrix,
        /row 2/,
      ));
    test('duplicate item ids', () =>
      assertRejects(
        { itemMatrix: tinyWith('itemMatrix', (v) => [...v, { id: v[0].id, features: [1, 1] }]) },
        'RECSCORE_MODEL_CONSISTENCY',
        MODEL_FILES.itemMatrix,
        new RegExp(String((TINY_MODEL.itemMatrix as Array<{ id: number }>)[0].id)),
      ));
    test('one GUID mapped from two item ids', () =>
      assertRejects(
        {
          addonMapping: tinyWith('addonMapping', (v) => {
            for (const e of Object.values<{ id: string; isWebextension: boolean }>(v)) {
              e.id = 'a@x';
              e.isWebextension = true;
            }
            return v;
          }),
        },
        'RECSCORE_MODEL_CONSISTENCY',
        MODEL_FILES.addonMapping,
        /a@x/,
      ));
    test('an empty LR table', () =>
      assertRejects({ lrCurves: '[]' }, 'RECSCORE_MODEL_CONSISTENCY', MODEL_FILES.lrCurves));
    test('a co-install row whose counts are all zero (TAAR divides by its sum)', () =>
      assertRejects(
        { coinstall: '{"a@x": {"b@x": 0, "c@x": 0}}' },
        'RECSCORE_MODEL_CONSISTENCY',
        MODEL_FILES.coinstall,
        /a@x/,
      ));
  });
});
