/**
 * The contract of every ProfileStore (src/profile/store.ts), run against each backend by
 * embedded-store.test.ts and redis-store.test.ts. A harness builds a store that holds exactly the given
 * stored values (possibly malformed ones), keyed by client id.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { ClientInfo } from '../../src/profile/client-info.js';
import type { ProfileStore } from '../../src/profile/store.js';
import { readJsonl, VECTORS } from '../helpers/vectors.js';

export interface StoredRecord {
  clientId: string;
  value: Record<string, unknown>;
}

export interface StoreHarness {
  create(records: StoredRecord[]): Promise<ProfileStore>;
  /** Removes whatever the harness created (files, keys). */
  cleanup?(): Promise<void>;
}

interface VectorLine {
  case: string;
  client_id: string;
  profile: ClientInfo | null;
}

function rejectsWith(code: string, extra?: (e: any) => boolean) {
  return (e: any) => e?.code === code && (extra ? extra(e) : true);
}

export function runProfileStoreCases(name: string, harness: StoreHarness): void {
  describe(`ProfileStore contract: ${name}`, { timeout: 20_000 }, () => {
    const stores: ProfileStore[] = [];
    const open = async (records: StoredRecord[]) => {
      const s = await harness.create(records);
      stores.push(s);
      return s;
    };
    after(async () => {
      await Promise.all(stores.map((s) => s.close()));
      await harness.cleanup?.();
    });

    it('returns every vectors profile exactly as stored, and null for the not-found ones', async () => {
      const lines = readJsonl<VectorLine>(`${VECTORS}/profiles.jsonl`);
      const found = lines.filter((l) => l.profile !== null);
      assert.ok(found.length > 250);
      const store = await open(
        found.map((l) => ({ clientId: l.client_id, value: l.profile as unknown as Record<string, unknown> })),
      );
      assert.equal(typeof store.kind, 'string');
      for (const l of lines) {
        const got = await store.get(l.client_id);
        // profiles.jsonl repeats some clients with the same profile; the vector's profile is the answer.
        assert.deepStrictEqual(got === null ? null : { ...got }, l.profile, `${l.case} ${l.client_id}`);
      }
    });

    it('answers null for an unknown client', async () => {
      const store = await open([{ clientId: 'known', value: { client_id: 'known', installed_addons: ['a'] } }]);
      assert.equal(await store.get('unknown'), null);
      assert.equal(await store.get('KNOWN'), null);
    });

    it('fills client_id and a missing installed_addons; keeps null, strings and floats as stored', async () => {
      const store = await open([
        { clientId: 'bare', value: { locale: 'fr' } },
        {
          clientId: 'odd',
          value: {
            client_id: 'odd',
            installed_addons: [],
            bookmark_count: null,
            total_uri: '7',
            subsession_length: 3600.5,
          },
        },
      ]);
      assert.deepStrictEqual(
        { ...(await store.get('bare')) },
        { client_id: 'bare', installed_addons: [], locale: 'fr' },
      );
      const odd = await store.get('odd');
      assert.equal(odd?.bookmark_count, null);
      assert.equal(odd?.total_uri, '7');
      assert.equal(odd?.subsession_length, 3600.5);
    });

    it(
      'rejects a malformed stored profile with RECSCORE_PROFILE_INVALID naming the field, and still serves ' + 'others',
      async () => {
        const store = await open([
          { clientId: 'bad-addons', value: { client_id: 'bad-addons', installed_addons: 'not-a-list' } },
          {
            clientId: 'bad-feature',
            value: { client_id: 'bad-feature', installed_addons: [], geo_city: { city: 'x' } },
          },
          { clientId: 'bad-owner', value: { client_id: 'someone-else', installed_addons: [] } },
          { clientId: 'good', value: { client_id: 'good', installed_addons: ['x'] } },
        ]);
        await assert.rejects(
          store.get('bad-addons'),
          rejectsWith('RECSCORE_PROFILE_INVALID', (e) => e.details.field === 'installed_addons'),
        );
        await assert.rejects(
          store.get('bad-feature'),
          rejectsWith('RECSCORE_PROFILE_INVALID', (e) => e.details.field === 'geo_city'),
        );
        await assert.rejects(
          store.get('bad-owner'),
          rejectsWith('RECSCORE_PROFILE_INVALID', (e) => e.details.field === 'client_id'),
        );
        assert.deepStrictEqual((await store.get('good'))?.installed_addons, ['x']);
      },
    );

    it('rejects at once when the signal is already aborted', async () => {
      const store = await open([{ clientId: 'c', value: { installed_addons: [] } }]);
      const ac = new AbortController();
      ac.abort(new Error('budget spent'));
      await assert.rejects(store.get('c', ac.signal), rejectsWith('RECSCORE_PROFILE_READ_ABORTED'));
      assert.notEqual(await store.get('c', new AbortController().signal), null);
    });

    it('serves many concurrent reads, each with its own profile', async () => {
      const records = Array.from({ length: 300 }, (_, i) => ({
        clientId: `c${i}`,
        value: { installed_addons: [`addon-${i}`] },
      }));
      const store = await open(records);
      const got = await Promise.all(records.map((r) => store.get(r.clientId)));
      got.forEach((g, i) => assert.deepStrictEqual(g?.installed_addons, [`addon-${i}`]));
    });

    it('getNow, where the store offers it, answers as get does (found, unknown, invalid, closed)', async (t) => {
      const store = await harness.create([
        { clientId: 'c', value: { installed_addons: ['x'] } },
        { clientId: 'bad', value: { client_id: 'bad', installed_addons: 'not-a-list' } },
      ]);
      if (!store.getNow) {
        await store.close();
        return t.skip(`${store.kind} is a remote store: get() only`);
      }
      assert.deepStrictEqual(store.getNow('c'), await store.get('c'));
      assert.equal(store.getNow('unknown'), null);
      assert.throws(
        () => store.getNow!('bad'),
        rejectsWith('RECSCORE_PROFILE_INVALID', (e) => e.details.field === 'installed_addons'),
      );
      await store.close();
      assert.throws(() => store.getNow!('c'), rejectsWith('RECSCORE_PROFILE_STORE_CLOSED'));
    });

    it('rejects reads after close with RECSCORE_PROFILE_STORE_CLOSED; close is idempotent', async () => {
      const store = await harness.create([{ clientId: 'c', value: { installed_addons: [] } }]);
      await store.close();
      await store.close();
      await assert.rejects(store.get('c'), rejectsWith('RECSCORE_PROFILE_STORE_CLOSED'));
    });
  });
}
