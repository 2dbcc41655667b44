/**
 * Packed bundles: a bundle written from a packed model reads back to a model that scores identically;
 * corrupt bundles (bad magic, truncation, flipped byte) are rejected with RECSCORE_BUNDLE_INVALID; the
 * bundle cache serves a restart from one read and drops a corrupt entry.
 */
import assert from 'node:assert/strict';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { isRecscoreError } from '../../src/errors.js';
import { WasmKernel } from '../../src/kernel/wasm-kernel.js';
import { silentLogger } from '../../src/log.js';
import { readBundle, writeBundle } from '../../src/model/lifecycle/bundle.js';
import { BundleCache } from '../../src/model/lifecycle/bundle-cache.js';
import { loadModel } from '../../src/kernel/taar-model.js';
import type { PackedModel } from '../../src/model/kinds/taar/packed-model.js';
import { LocalModelSource } from '../../src/model/source/local-source.js';
import { encodeClient } from '../../src/recommend/client-features.js';
import type { ClientInfo } from '../../src/profile/client-info.js';
import { related } from '../../src/recommend/related.js';
import { scoreClient } from '../../src/recommend/score-client.js';
import { tempDir } from '../helpers/model-dirs.js';
import { haveVectors, readJsonl, VECTOR_MODELS, VECTORS } from '../helpers/vectors.js';
import { taarKind } from '../../src/model/kinds/taar/kind.js';

describe('packed bundles', { skip: !haveVectors && 'vectors not found', timeout: 60_000 }, () => {
  let dir: string;
  let model: PackedModel;
  let file: string;
  before(async () => {
    dir = await tempDir();
    model = await loadModel(new LocalModelSource(VECTOR_MODELS), { logger: silentLogger });
    file = join(dir, 'v.rscb');
    await writeBundle(model, file, VECTOR_MODELS);
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('reads back a model that scores exactly like the original', async () => {
    const { model: back, info } = await readBundle(file, taarKind);
    assert.equal(info.version, model.version);
    assert.equal(back.version, model.version);
    assert.deepEqual(back.guids, model.guids);
    const k1 = new WasmKernel(model.memory);
    const k2 = new WasmKernel(back.memory);
    const profiles = readJsonl<{ profile: ClientInfo | null; extra_data: Record<string, string> }>(
      `${VECTORS}/profiles.jsonl`,
    ).filter((p) => p.profile);
    for (const p of profiles.slice(0, 60)) {
      const a = scoreClient(k1, model, encodeClient(model, p.profile!, p.extra_data), [10, 200]);
      const b = scoreClient(k2, back, encodeClient(back, p.profile!, p.extra_data), [10, 200]);
      assert.deepEqual(b.ensembles, a.ensembles);
    }
    for (const g of model.guids.slice(0, 50))
      assert.deepEqual(related(k2, back, g, 'guidception', 4), related(k1, model, g, 'guidception', 4));
  });

  const corrupt: Array<[string, (b: Buffer) => Buffer]> = [
    ['bad magic', (b) => Buffer.concat([Buffer.from('XXXX'), b.subarray(4)])],
    ['truncated', (b) => b.subarray(0, b.length - 4096)],
    [
      'flipped byte',
      (b) => {
        const c = Buffer.from(b);
        c[c.length - 100] ^= 0xff;
        return c;
      },
    ],
    ['empty', () => Buffer.alloc(0)],
  ];
  for (const [name, mutate] of corrupt) {
    it(`rejects a bundle with ${name}`, async () => {
      const bad = join(dir, `bad-${name.replace(/ /g, '-')}.rscb`);
      await writeFile(bad, mutate(await readFile(file)));
      await assert.rejects(
        readBundle(bad, taarKind),
        (e: unknown) => isRecscoreError(e) && e.code === 'RECSCORE_BUNDLE_INVALID' && e.message.includes(bad),
      );
    });
  }

  it('cache: returns the stored version, misses others, deletes a corrupt entry', async () => {
    const cache = new BundleCache(taarKind, join(dir, 'cache'), VECTOR_MODELS, 2, silentLogger);
    assert.equal(await cache.get(model.version), undefined);
    await cache.put(model);
    const hit = await cache.get(model.version);
    assert.equal(hit?.version, model.version);
    assert.equal(await cache.get('other-version'), undefined);
    const path = join(dir, 'cache', `${model.version}.rscb`);
    const bytes = await readFile(path);
    bytes[bytes.length - 1] ^= 0xff;
    await writeFile(path, bytes);
    assert.equal(await cache.get(model.version), undefined);
    await assert.rejects(readFile(path), /ENOENT/);
  });
});
