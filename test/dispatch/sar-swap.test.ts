/**
 * The model lifecycle handles a SAR version without naming its kind: the reloader checks a SAR source,
 * loads through the kind, warms the pool's workers and installs into the registry; a retrained file is
 * swapped in and answers with the new model; a corrupt file is refused and the old version keeps serving.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sarServing } from '../../src/dispatch/kinds.js';
import { ScoringPool } from '../../src/dispatch/pool.js';
import { scoreSar } from '../../src/dispatch/sar-scorer.js';
import { recommendForUser } from '../../src/kernel/sar/personal.js';
import { popularItems } from '../../src/kernel/sar/popularity.js';
import type { ServableModel } from '../../src/model/kind.js';
import { modelKind } from '../../src/model/kinds/index.js';
import { packModel, writeModel } from '../../src/model/kinds/sar/pack/pack.js';
import type { SarPackedModel } from '../../src/model/kinds/sar/packed-model.js';
import { SarFileSource } from '../../src/model/kinds/sar/source.js';
import { ModelRegistry } from '../../src/model/lifecycle/registry.js';
import { ModelReloader } from '../../src/model/lifecycle/reloader.js';
import type { ModelSource, SourceVersion } from '../../src/model/source/source.js';
import { modelFor } from '../sar/model-cache.js';

describe('SAR versions through the registry and the reloader', { timeout: 120_000 }, () => {
  let dir: string;
  let pool: ScoringPool;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'sar-swap-'));
    pool = new ScoringPool({ workers: 2 });
  });
  after(async () => {
    await pool.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('loads, swaps a retrained model in, and keeps serving when the next file is corrupt', async () => {
    const file = join(dir, 'model.sarm');
    const first = await modelFor('data/train.jsonl', { similarity: 'jaccard' });
    const second = await modelFor('data/train.jsonl', { similarity: 'lift', threshold: 3 });
    await writeModel(file, first);
    const source = new SarFileSource(file);
    // Kind-neutral wiring, as src/server/start.ts does it: the kind is looked up by name.
    const kind = modelKind('sar');
    const registry = new ModelRegistry<ServableModel, ReturnType<typeof sarServing.createFacts>>((m) =>
      sarServing.createFacts(m as SarPackedModel),
    );
    const load = async (src: ModelSource, version: SourceVersion) => kind.open(await kind.pack(src, { version }));
    const reloader = new ModelReloader(source, registry, { load, prepare: (m) => pool.warm(m) });
    await reloader.loadInitial();
    const user = first.users[3];
    const ask = () =>
      scoreSar(pool, registry.model as SarPackedModel, { user, k: 10, removeSeen: true }, performance.now() + 60_000);
    const v1 = registry.model!.version;
    const before = recommendForUser(first, user, { k: 10, removeSeen: true });
    const answer = await ask();
    assert.ok(before.known && answer.known);
    assert.equal(answer.modelVersion, v1);
    assert.deepEqual(answer.top, before.top);

    await writeModel(file, second);
    assert.equal((await reloader.checkNow()).outcome, 'swapped');
    const v2 = registry.model!.version;
    assert.notEqual(v2, v1);
    assert.deepEqual(registry.facts!.globalTop, popularItems(second, 100));
    const want = recommendForUser(second, user, { k: 10, removeSeen: true });
    assert.ok(want.known);
    assert.notDeepEqual(want.top, before.top);
    const got = await ask();
    assert.ok(got.known);
    assert.equal(got.modelVersion, v2);
    assert.deepEqual(got.top, want.top);

    const corrupt = packModel(first);
    corrupt[corrupt.length - 9] ^= 0xff; // inside the image: the checksum no longer matches
    writeFileSync(file, corrupt);
    const r = await reloader.checkNow();
    assert.notEqual(r.outcome, 'swapped');
    assert.equal(r.error?.code, 'RECSCORE_BUNDLE_INVALID');
    assert.equal(registry.model!.version, v2);
    assert.deepEqual((await ask()).modelVersion, v2);
  });
});
