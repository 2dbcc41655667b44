import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isValidClientId, parseClientInfo } from './validate.js';

describe('isValidClientId', () => {
  it('accepts sha256 hex, test ids, fixture ids and the 1 and 128 character bounds', () => {
    for (const id of [
      '050d3e4c5c04850be88a5bbd987b69b4469843038b2568986e17bbc722a41bcd',
      '0000000000',
      'aaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaa',
      '-a-',
      'etl-format-050d3e4c5c04850be88a',
      'empty_payload',
      'A',
      'x'.repeat(128),
    ]) {
      assert.equal(isValidClientId(id), true, id);
    }
  });

  it('rejects empty, too long, and characters unsafe in keys, paths and logs', () => {
    for (const id of ['', 'x'.repeat(129), 'a b', 'a/b', 'a:b', 'a*', 'é', 'a\n', 'a.b', 42, null, undefined]) {
      assert.equal(isValidClientId(id), false, String(id));
    }
  });
});

describe('parseClientInfo', () => {
  const full = {
    client_id: 'c1',
    geo_city: 'Sofia',
    subsession_length: 3600.5,
    locale: 'sv-SE',
    os: 'Windows_NT',
    installed_addons: ['a', 'b'],
    disabled_addons_ids: [],
    bookmark_count: null,
    tab_open_count: 0,
    total_uri: '164',
    unique_tlds: true,
  };

  it('returns the stored profile unchanged, client_id first, null and odd scalars kept', () => {
    const got = parseClientInfo(full, 'c1');
    assert.deepStrictEqual(got, full);
    assert.equal(Object.keys(got)[0], 'client_id');
  });

  it('fills client_id and a missing installed_addons, leaves absent features absent', () => {
    const got = parseClientInfo({ locale: 'fr' }, 'c2');
    assert.deepStrictEqual(got, { client_id: 'c2', installed_addons: [], locale: 'fr' });
    assert.equal('geo_city' in got, false);
  });

  it('drops unknown keys', () => {
    assert.deepStrictEqual(parseClientInfo({ installed_addons: [], city: 'x' }, 'c3'), {
      client_id: 'c3',
      installed_addons: [],
    });
  });

  it('rejects malformed values with RECSCORE_PROFILE_INVALID naming the field', () => {
    const cases: Array<[unknown, string]> = [
      [null, '(profile)'],
      [[1, 2], '(profile)'],
      ['x', '(profile)'],
      [{ installed_addons: 'a' }, 'installed_addons'],
      [{ installed_addons: null }, 'installed_addons'],
      [{ installed_addons: ['a', 3] }, 'installed_addons.1'],
      [{ disabled_addons_ids: [null] }, 'disabled_addons_ids.0'],
      [{ geo_city: { name: 'x' } }, 'geo_city'],
      [{ unique_tlds: [1] }, 'unique_tlds'],
      [{ client_id: 5 }, 'client_id'],
      [{ client_id: 'someone-else' }, 'client_id'],
    ];
    for (const [value, field] of cases) {
      assert.throws(
        () => parseClientInfo(value, 'c1'),
        (e: any) => e.code === 'RECSCORE_PROFILE_INVALID' && e.details.field === field && e.message.includes(field),
        field,
      );
    }
  });
});
