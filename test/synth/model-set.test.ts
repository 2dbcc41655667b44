import assert from 'node:assert/strict';
import { test } from 'node:test';
import { positiveHash } from '../../src/model/kinds/taar/addon-hash.js';
import { SYNTH_PRESETS, generateModelSet, resolveSynthPreset, type SynthOptions } from '../../src/model/synth/index.js';
import { isRecscoreError } from '../../src/errors.js';
import { assertModelShapes } from './shapes.js';

const SMALL: SynthOptions = {
  seed: 5,
  guids: 300,
  items: 250,
  factors: 8,
  donors: 60,
  locales: 5,
  whitelist: 30,
  coinstallKeys: 40,
  lrPoints: 50,
};

test('demo preset: every file has its documented shape and size', () => {
  const { model } = resolveSynthPreset('demo');
  const out = generateModelSet(model);
  assertModelShapes(out, model);
  // the vectors' mix of features that decoders must handle (SPEC §12.2)
  const legacy = Object.values(out.addonMapping).filter((e) => !e.isWebextension).length;
  assert.ok(legacy >= 20 && legacy <= 150, `legacy entries: ${legacy}`);
  assert.ok(Object.keys(out.addonMapping).length < model.items, 'some matrix rows have no mapping');
  const guids = Object.keys(out.ranking);
  for (const style of [
    /^\{[0-9a-f-]{36}\}$/,
    /^[A-Za-z0-9_-]+@[a-z.]+$/,
    /^@[a-z]+-[a-z]+$/,
    /^jid1-[A-Za-z0-9]{14}@jetpack$/,
  ]) {
    assert.ok(guids.filter((g) => style.test(g)).length > 100, `few GUIDs like ${style}`);
  }
  const tiny = out.itemMatrix.flatMap((r) => r.features).filter((f) => Math.abs(f) < 1e-3).length;
  assert.ok(tiny > 0, 'some features print in E notation');
});

test('small custom sizes keep the shapes (whitelist < 10, rows capped by the universe)', () => {
  assertModelShapes(generateModelSet(SMALL), SMALL);
  const tiny: SynthOptions = {
    ...SMALL,
    guids: 12,
    items: 10,
    whitelist: 4,
    coinstallKeys: 12,
    donors: 5,
    locales: 1,
    lrPoints: 2,
  };
  assertModelShapes(generateModelSet(tiny), tiny);
});

test('item ids are unique even when GUID hashes collide, and equal positiveHash of the mapped GUID', () => {
  // 30,000 GUIDs in a 23-bit space: ~50 colliding pairs are expected, none may share a row
  const o: SynthOptions = { ...SMALL, guids: 30_000, items: 30_000, factors: 2, donors: 1, coinstallKeys: 0 };
  const out = generateModelSet(o);
  assert.equal(new Set(out.itemMatrix.map((r) => r.id)).size, o.items);
  const ranked = Object.keys(out.ranking).filter((g) => !g.startsWith('system-addon-'));
  assert.ok(ranked.length > o.guids, 'the universe grew to fill the matrix past colliding GUIDs');
  for (const [key, entry] of Object.entries(out.addonMapping)) assert.equal(Number(key), positiveHash(entry.id));
});

test('each file draws from its own stream: changing donors changes only donors', () => {
  const a = generateModelSet(SMALL);
  const b = generateModelSet({ ...SMALL, donors: 61 });
  assert.notDeepEqual(a.donors, b.donors);
  for (const k of [
    'itemMatrix',
    'addonMapping',
    'whitelist',
    'lrCurves',
    'locale',
    'ensembleWeights',
    'coinstall',
    'ranking',
  ] as const) {
    assert.deepEqual(a[k], b[k], k);
  }
  const c = generateModelSet({ ...SMALL, seed: 6 });
  assert.notDeepEqual(a.itemMatrix, c.itemMatrix);
});

test('invalid options fail with RECSCORE_BAD_OPTION naming the option', () => {
  const bad: Array<[Partial<SynthOptions>, string]> = [
    [{ items: 301 }, 'items'],
    [{ whitelist: 2 }, 'whitelist'],
    [{ factors: 0 }, 'factors'],
    [{ seed: -1 }, 'seed'],
    [{ locales: 1000 }, 'locales'],
    [{ lrPoints: 1.5 }, 'lrPoints'],
  ];
  for (const [patch, field] of bad) {
    assert.throws(
      () => generateModelSet({ ...SMALL, ...patch }),
      (e) => isRecscoreError(e) && e.code === 'RECSCORE_BAD_OPTION' && e.message.includes(field),
    );
  }
});

test('presets: demo has the vectors scale, large 50× its items; --items raises guids', () => {
  assert.deepEqual(SYNTH_PRESETS.demo.model, {
    guids: 2000,
    items: 1900,
    factors: 20,
    donors: 1000,
    locales: 40,
    whitelist: 200,
    coinstallKeys: 600,
    lrPoints: 1000,
  });
  assert.equal(SYNTH_PRESETS.demo.profiles, 2000);
  const large = SYNTH_PRESETS.large;
  assert.equal(large.model.items, 50 * SYNTH_PRESETS.demo.model.items);
  assert.equal(large.model.guids, 50 * SYNTH_PRESETS.demo.model.guids);
  assert.equal(large.model.donors, 20_000);
  assert.equal(large.model.coinstallKeys, 5_000);
  assert.equal(large.profiles, 20_000);
  const big = resolveSynthPreset('large', { items: 1_000_000, donors: 500, seed: 9 });
  assert.equal(big.model.items, 1_000_000);
  assert.ok(big.model.guids >= 1_000_000);
  assert.equal(big.model.donors, 500);
  assert.equal(big.model.seed, 9);
  assert.throws(
    () => resolveSynthPreset('huge'),
    (e) => isRecscoreError(e) && e.code === 'RECSCORE_BAD_OPTION',
  );
});

test('large preset generates in seconds with its documented sizes', { timeout: 60_000 }, () => {
  const { model } = resolveSynthPreset('large');
  const started = performance.now();
  const out = generateModelSet(model);
  const ms = performance.now() - started;
  assert.equal(out.itemMatrix.length, 95_000);
  assert.equal(out.itemMatrix[0].features.length, 20);
  assert.equal(out.donors.length, 20_000);
  assert.equal(Object.keys(out.coinstall).length, 5_000);
  assert.ok(Object.keys(out.ranking).length >= 100_000);
  assert.ok(ms < 20_000, `large took ${ms.toFixed(0)} ms`);
});
