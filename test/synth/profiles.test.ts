import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isRecscoreError } from '../../src/errors.js';
import type { ClientInfo } from '../../src/profile/client-info.js';
import { generateModelSet, generateProfiles, resolveSynthPreset } from '../../src/model/synth/index.js';

const { model } = resolveSynthPreset('demo', { seed: 11 });
const out = generateModelSet(model);

test('profiles have the SPEC §4 client_info shape', () => {
  const profiles = generateProfiles(out, { seed: 11, count: 500 });
  assert.equal(profiles.length, 500);
  const ids = new Set<string>();
  const locales = new Set(Object.keys(out.locale));
  for (const p of profiles) {
    const info: ClientInfo = p; // the contract recommenders read
    assert.deepEqual(Object.keys(info), [
      'client_id',
      'geo_city',
      'subsession_length',
      'locale',
      'os',
      'installed_addons',
      'disabled_addons_ids',
      'bookmark_count',
      'tab_open_count',
      'total_uri',
      'unique_tlds',
    ]);
    assert.match(p.client_id, /^[0-9a-f]{64}$/);
    ids.add(p.client_id);
    assert.ok(p.installed_addons.length <= 15);
    assert.equal(new Set(p.installed_addons).size, p.installed_addons.length);
    assert.deepEqual(p.disabled_addons_ids, []);
    assert.ok(locales.has(p.locale));
    for (const k of ['subsession_length', 'bookmark_count', 'tab_open_count', 'total_uri', 'unique_tlds'] as const) {
      assert.ok(Number.isInteger(p[k]) && p[k] >= 0, `${k} = ${p[k]}`);
    }
  }
  assert.equal(ids.size, 500, 'client ids are distinct');
});

test('installed add-ons come mostly from the model, whitelist first; a few are unknown', () => {
  const profiles = generateProfiles(out, { seed: 12, count: 2000 });
  const whitelist = new Set(out.whitelist);
  const all = profiles.flatMap((p) => p.installed_addons);
  const share = (pred: (g: string) => boolean) => all.filter(pred).length / all.length;
  assert.ok(share((g) => whitelist.has(g)) > 0.5, 'mostly whitelisted');
  const unknown = share((g) => !(g in out.ranking));
  assert.ok(unknown > 0 && unknown < 0.08, `unknown share ${unknown}`);
  assert.ok(!all.some((g) => g.startsWith('system-addon-')), 'system add-ons are never reported');
  assert.ok(
    profiles.some((p) => p.installed_addons.length === 0),
    'some clients have no add-ons',
  );
});

test('same seed → same profiles; another seed → others', () => {
  assert.deepEqual(generateProfiles(out, { seed: 5, count: 50 }), generateProfiles(out, { seed: 5, count: 50 }));
  assert.notDeepEqual(generateProfiles(out, { seed: 5, count: 50 }), generateProfiles(out, { seed: 6, count: 50 }));
  assert.throws(
    () => generateProfiles(out, { seed: 5, count: -1 }),
    (e) => isRecscoreError(e) && e.code === 'RECSCORE_BAD_OPTION',
  );
});
