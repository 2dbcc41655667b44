/**
 * The registry store over a local folder and over GCS (the test GCS server): records and the default are
 * shared by two stores on one location (two replicas), concurrent read-modify-writes lose no update,
 * concurrent default writes end in one value both see, and removing the default model clears it.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { silentLogger } from '../../../src/log.js';
import type { ModelRecord } from '../../../src/model/records/record.js';
import { RegistryStore } from '../../../src/model/records/registry-store.js';
import { FakeGcs } from '../../helpers/fake-gcs.js';

function record(description = 'm'): ModelRecord {
  return {
    id: randomUUID(),
    kind: 'sar',
    description,
    creationTime: new Date().toISOString(),
    modelStatus: 'Created',
    modelStatusMessage: '',
    parameters: {
      usage: 'u.jsonl',
      similarityFunction: 'jaccard',
      supportThreshold: 1,
      cooccurrenceUnit: 'user',
      enableUserAffinity: false,
      enableBackfilling: true,
      allowSeedItemsInRecommendations: false,
      enableUserToItemRecommendations: false,
    },
  };
}

function suite(name: string, location: () => string, gcs: () => { apiEndpoint?: string }) {
  describe(name, () => {
    const open = () => RegistryStore.open(location(), { log: silentLogger, gcs: gcs() });

    it('a record written by one store is read by another after refresh; listeners hear of it', async () => {
      const [a, b] = [await open(), await open()];
      let heard = 0;
      b.onChange(() => heard++);
      const r = await a.create(record('shared'));
      assert.equal(a.get(r.id)?.description, 'shared');
      assert.equal(b.get(r.id), undefined);
      assert.equal(await b.refresh(), true);
      assert.equal(b.get(r.id)?.description, 'shared');
      assert.equal(heard, 1);
      assert.equal(await b.refresh(), false, 'nothing changed since');
      await a.remove(r.id);
      await b.refresh();
      assert.equal(b.get(r.id), undefined);
      await Promise.all([a.close(), b.close()]);
    });

    it('a refresh running during local writes never hides or reverts them', async () => {
      const a = await open();
      for (let i = 0; i < 5; i++) {
        const refreshing = a.refresh();
        const r = await a.create(record(`race ${i}`));
        const updated = a.update(r.id, (cur) => ({ ...cur, description: `updated ${i}` }));
        const again = a.refresh();
        await Promise.all([refreshing, updated, again]);
        assert.equal(a.get(r.id)?.description, `updated ${i}`);
        const setting = a.setDefault(r.id);
        await Promise.all([a.refresh(), setting]);
        assert.equal(a.defaultId(), r.id);
      }
      await a.close();
    });

    it('creating an existing id is a conflict', async () => {
      const a = await open();
      const r = await a.create(record());
      await assert.rejects(a.create(r), { code: 'RECSCORE_REGISTRY_CONFLICT' });
      await a.close();
    });

    it('concurrent read-modify-writes from two stores lose no update', async () => {
      const [a, b] = [await open(), await open()];
      const r = await a.create(record('0'));
      const bump = (s: RegistryStore) =>
        s.update(r.id, (cur) => ({ ...cur, description: String(Number(cur.description) + 1) }));
      await Promise.all(Array.from({ length: 10 }, (_, i) => bump(i % 2 ? a : b)));
      await a.refresh();
      assert.equal(a.get(r.id)?.description, '10');
      await Promise.all([a.close(), b.close()]);
    });

    it('an update never resurrects a removed record', async () => {
      const [a, b] = [await open(), await open()];
      const r = await a.create(record());
      await b.refresh();
      await a.remove(r.id);
      assert.equal(await b.update(r.id, (cur) => ({ ...cur, modelStatus: 'InProgress' })), undefined);
      await b.refresh();
      assert.equal(b.get(r.id), undefined);
      await Promise.all([a.close(), b.close()]);
    });

    it('concurrent default writes end in one value; removing the default model clears it', async () => {
      const [a, b] = [await open(), await open()];
      const [x, y] = [await a.create(record()), await a.create(record())];
      await Promise.all([a.setDefault(x.id), b.setDefault(y.id), a.setDefault(y.id), b.setDefault(x.id)]);
      await Promise.all([a.refresh(), b.refresh()]);
      assert.ok([x.id, y.id].includes(a.defaultId()!));
      assert.equal(a.defaultId(), b.defaultId());
      await b.remove(a.defaultId()!);
      await a.refresh();
      assert.equal(a.defaultId(), undefined);
      assert.equal(b.defaultId(), undefined);
      await Promise.all([a.close(), b.close()]);
    });

    it('artifacts are written beside the records and removed', async () => {
      const a = await open();
      const url = await a.writeArtifact('abc', new Uint8Array([1, 2, 3]));
      assert.match(url, /artifacts\/abc\.sarm$/);
      const obj = await a.objects.read('artifacts/abc.sarm');
      assert.deepEqual([...obj!.bytes], [1, 2, 3]);
      await a.removeArtifact('abc');
      assert.equal(await a.objects.read('artifacts/abc.sarm'), undefined);
      await a.close();
    });
  });
}

let dir: string;
let gcs: FakeGcs;
before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'recscore-registry-'));
  gcs = await FakeGcs.start();
  gcs.createBucket('reg');
});
after(async () => {
  rmSync(dir, { recursive: true, force: true });
  await gcs.close();
});

suite(
  'local folder registry',
  () => join(dir, 'registry'),
  () => ({}),
);
suite(
  'gs:// registry',
  () => 'gs://reg/some/prefix',
  () => ({ apiEndpoint: gcs.endpoint }),
);
