import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { payloadToClientInfo } from '../../src/profile/payload.js';
import { readJsonl, VECTORS } from '../helpers/vectors.js';

interface Raw {
  client_id: string;
  payload: Record<string, unknown>;
}
interface Expected {
  client_id: string;
  client_info: Record<string, unknown>;
}

const raw = readJsonl<Raw>(`${VECTORS}/profiles_raw.jsonl`);
const fetched = readJsonl<Expected>(`${VECTORS}/expected_profile_fetcher.jsonl`);
const expected = new Map(fetched.map((e) => [e.client_id, e.client_info]));
const ETL_ID = 'etl-format-050d3e4c5c04850be88a';

describe('payloadToClientInfo against TAAR ProfileFetcher vectors', () => {
  it('has the 32 payloads and their expected client_info', () => {
    assert.equal(raw.length, 32);
    assert.equal(expected.size, 32);
  });

  it("'taar' mode equals ProfileFetcher on all 32, key order included", () => {
    for (const r of raw) {
      const got = payloadToClientInfo(r.client_id, r.payload, 'taar');
      assert.deepStrictEqual(got, expected.get(r.client_id), r.client_id);
      assert.equal(JSON.stringify(got), JSON.stringify(expected.get(r.client_id)), r.client_id);
    }
  });

  it("'both' mode (default) equals ProfileFetcher on the 31 old-format and empty payloads", () => {
    const others = raw.filter((r) => r.client_id !== ETL_ID);
    assert.equal(others.length, 31);
    for (const r of others)
      assert.deepStrictEqual(payloadToClientInfo(r.client_id, r.payload), expected.get(r.client_id), r.client_id);
  });

  it("'both' mode recovers the GCP-ETL fields that TAAR zeroes", () => {
    const etl = raw.find((r) => r.client_id === ETL_ID)!;
    const got = payloadToClientInfo(ETL_ID, etl.payload);
    const taar = expected.get(ETL_ID)!;
    assert.deepStrictEqual(
      { ...got },
      { ...taar, geo_city: 'Sofia', bookmark_count: 7, tab_open_count: 13, total_uri: 164, unique_tlds: 35 },
    );
    // The ETL payload is the first old-format payload re-encoded: same client_info but for the id.
    const twin = raw[0];
    assert.ok(ETL_ID.startsWith('etl-format-' + twin.client_id.slice(0, 20)));
    assert.deepStrictEqual({ ...got, client_id: twin.client_id }, expected.get(twin.client_id));
  });
});

describe('payloadToClientInfo, dict.get semantics', () => {
  it('keeps a present null and does not fall back to the GCP name', () => {
    const got = payloadToClientInfo('c1', {
      city: null,
      geo_city: 'Paris',
      places_bookmarks_count: null,
      bookmark_count: 3,
    });
    assert.equal(got.geo_city, null);
    assert.equal(got.bookmark_count, null);
  });

  it('keeps types as stored (no coercion)', () => {
    const got = payloadToClientInfo('c1', { subsession_length: '12', locale: 5, os: true }, 'taar');
    assert.equal(got.subsession_length, '12');
    assert.equal(got.locale, 5);
    assert.equal(got.os, true);
  });

  it('filters system add-ons with Python truthiness, before reading addon_id', () => {
    const got = payloadToClientInfo('c1', {
      active_addons: [
        { addon_id: 'a', is_system: null },
        { addon_id: 'b', is_system: 0 },
        { addon_id: 'c', is_system: 'yes' },
        { is_system: true }, // no addon_id: filtered out first, as in TAAR
        { addon_id: 'd', is_system: [] },
        { addon_id: 'e', is_system: [1] },
        { addon_id: 'f' },
      ],
    });
    assert.deepStrictEqual(got.installed_addons, ['a', 'b', 'd', 'f']);
  });

  it('rejects what TAAR would crash on with RECSCORE_PROFILE_INVALID naming the field', () => {
    const cases: Array<[unknown, string]> = [
      [[], '(payload)'],
      [{ active_addons: 'x' }, 'active_addons'],
      [{ active_addons: [5] }, 'active_addons.0'],
      [{ active_addons: [{ is_system: false }] }, 'active_addons.0.addon_id'],
      [{ active_addons: [{ addon_id: 7 }] }, 'active_addons.0.addon_id'],
      [{ disabled_addons_ids: null }, 'disabled_addons_ids'],
    ];
    for (const [payload, field] of cases) {
      assert.throws(
        () => payloadToClientInfo('c1', payload),
        (e: any) => e.code === 'RECSCORE_PROFILE_INVALID' && e.details.field === field,
        field,
      );
    }
  });
});
