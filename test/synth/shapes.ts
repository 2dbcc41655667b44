/** Shape checks for a synthetic model set (SPEC §5), shared by the generator and writer tests. */
import assert from 'node:assert/strict';
import { positiveHash } from '../../src/model/kinds/taar/addon-hash.js';
import { float32Shortest, type SynthOptions, type SynthOutput } from '../../src/model/synth/index.js';

const isCount = (v: unknown) => Number.isInteger(v) && (v as number) >= 0;

export function assertModelShapes(out: SynthOutput, o: SynthOptions): void {
  // §5.1 item matrix: unique 23-bit ids, `factors` float32-shortest features
  assert.equal(out.itemMatrix.length, o.items);
  const ids = new Set<number>();
  for (const row of out.itemMatrix) {
    assert.deepEqual(Object.keys(row), ['id', 'features']);
    assert.ok(Number.isInteger(row.id) && row.id >= 0 && row.id <= 0x7fffff);
    assert.ok(!ids.has(row.id), `duplicate item id ${row.id}`);
    ids.add(row.id);
    assert.equal(row.features.length, o.factors);
    for (const f of row.features) assert.ok(Number.isFinite(f) && float32Shortest(f) === f, `not float32 text: ${f}`);
  }

  // §5.2 mapping: key = String(positiveHash(id)) of a matrix row; a few legacy entries
  const mapping = Object.entries(out.addonMapping);
  assert.ok(mapping.length <= o.items && mapping.length >= 0.97 * o.items);
  for (const [key, entry] of mapping) {
    assert.deepEqual(Object.keys(entry), ['name', 'id', 'isWebextension']);
    assert.equal(key, String(positiveHash(entry.id)));
    assert.ok(ids.has(Number(key)), `mapping ${key} has no matrix row`);
    assert.equal(typeof entry.isWebextension, 'boolean');
    assert.match(entry.name, /^[A-Z][a-z]+ [A-Z][a-z]+$/);
  }

  // §5.3 whitelist: sorted ascending, distinct; whitelisted rows are mapped web extensions
  assert.equal(out.whitelist.length, o.whitelist);
  assert.equal(new Set(out.whitelist).size, o.whitelist);
  for (let i = 1; i < out.whitelist.length; i++)
    assert.ok(out.whitelist[i - 1] < out.whitelist[i], 'whitelist not sorted');
  const whitelist = new Set(out.whitelist);
  for (const g of out.whitelist) {
    const entry = out.addonMapping[String(positiveHash(g))];
    if (entry?.id === g) assert.equal(entry.isWebextension, true);
  }

  // §5.4 donors: TAAR's read keys, 3–14 distinct whitelisted add-ons, int engagement counts
  assert.equal(out.donors.length, o.donors);
  const localeKeys = new Set(Object.keys(out.locale));
  for (const d of out.donors) {
    assert.deepEqual(Object.keys(d), [
      'active_addons',
      'geo_city',
      'subsession_length',
      'locale',
      'os',
      'bookmark_count',
      'tab_open_count',
      'total_uri',
      'unique_tlds',
    ]);
    assert.ok(d.active_addons.length >= 3 && d.active_addons.length <= 14);
    assert.equal(new Set(d.active_addons).size, d.active_addons.length);
    for (const g of d.active_addons) assert.ok(whitelist.has(g), `donor add-on ${g} not whitelisted`);
    for (const k of ['subsession_length', 'bookmark_count', 'tab_open_count', 'total_uri', 'unique_tlds'] as const) {
      assert.ok(isCount(d[k]), `${k} = ${d[k]}`);
    }
    assert.ok(typeof d.geo_city === 'string' && d.geo_city.length > 0);
    assert.ok(localeKeys.has(d.locale));
    assert.ok(['Windows_NT', 'Darwin', 'Linux'].includes(d.os));
  }

  // §5.5 LR curves: x from 0, strictly increasing; LR > 1 near 0, < 1 at the far end, never rising
  assert.equal(out.lrCurves.length, o.lrPoints);
  assert.equal(out.lrCurves[0][0], 0);
  let prevLr = Infinity;
  for (let i = 0; i < out.lrCurves.length; i++) {
    const [x, [num, den]] = out.lrCurves[i];
    if (i > 0) assert.ok(x > out.lrCurves[i - 1][0], 'x not increasing');
    assert.ok(num > 0 && den > 0 && Number.isFinite(num) && Number.isFinite(den));
    assert.ok(num / den <= prevLr, 'LR rises');
    prevLr = num / den;
  }
  const lr = (i: number) => out.lrCurves[i][1][0] / out.lrCurves[i][1][1];
  assert.ok(lr(0) > 1 && lr(out.lrCurves.length - 1) < 1);

  // §5.6 locale: `locales` keys, ≤ 10 whitelisted GUIDs each, weights descending, normalised over the whitelist
  assert.equal(localeKeys.size, o.locales);
  for (const list of Object.values(out.locale)) {
    assert.equal(list.length, Math.min(10, o.whitelist));
    let sum = 0;
    for (let i = 0; i < list.length; i++) {
      assert.ok(whitelist.has(list[i][0]));
      assert.ok(list[i][1] >= 0);
      if (i > 0) assert.ok(list[i][1] <= list[i - 1][1], 'locale weights not descending');
      sum += list[i][1];
    }
    assert.ok(sum > 0 && sum <= 1 + 1e-12);
  }

  // §5.7 ensemble weights: three positive numbers
  const w = out.ensembleWeights.ensemble_weights;
  assert.deepEqual(Object.keys(w), ['collaborative', 'similarity', 'locale']);
  for (const v of Object.values(w)) assert.ok(v > 0);

  // §5.8 co-installs: `coinstallKeys` rows of ≤ 40 other GUIDs with int counts ≥ 1, key not in its row
  const ranking = out.ranking;
  assert.equal(Object.keys(out.coinstall).length, o.coinstallKeys);
  for (const [key, row] of Object.entries(out.coinstall)) {
    const entries = Object.entries(row);
    assert.ok(entries.length >= 1 && entries.length <= 40);
    assert.ok(!(key in row), `${key} in its own row`);
    for (const [g, n] of entries) {
      assert.ok(Number.isInteger(n) && n >= 1);
      assert.ok(g in ranking, `${g} not ranked`);
    }
  }

  // §5.9 ranking: an int count ≥ 1 for every GUID the other files name
  for (const n of Object.values(ranking)) assert.ok(Number.isInteger(n) && n >= 1);
  for (const g of [...out.whitelist, ...Object.keys(out.coinstall), ...mapping.map(([, e]) => e.id)]) {
    assert.ok(g in ranking, `${g} not ranked`);
  }
}
