/**
 * The behaviour every ModelSource shares (folder, GCS), run by each implementation's test file against
 * its own harness. Sources deliver raw bytes, so the payloads here are arbitrary, not real bz2.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isRecscoreError } from '../../src/errors.js';
import { MODEL_FILE_KINDS, MODEL_FILES, type ModelFileKind } from '../../src/model/kinds/taar/files.js';
import type { ModelSource } from '../../src/model/source/source.js';

export interface SourceHarness {
  source: ModelSource;
  /** Stores bytes under a name relative to the source's root (`taar/locale/top10_dict.json.bz2`). */
  publish(name: string, bytes: Buffer): Promise<void>;
  remove(name: string): Promise<void>;
  close(): Promise<void>;
}

export type MakeHarness = (opts?: { kinds?: readonly ModelFileKind[] }) => Promise<SourceHarness>;

/** Deterministic bytes per name; the item matrix is large enough to arrive in many chunks. */
export function payload(name: string, salt = ''): Buffer {
  const size = name.includes('item_matrix') ? 1_500_000 + salt.length : 1000 + name.length + salt.length;
  const out = Buffer.alloc(size);
  let x = 2166136261;
  for (const ch of name + salt) x = Math.imul(x ^ ch.charCodeAt(0), 16777619) >>> 0;
  for (let i = 0; i < size; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

export async function publishAll(h: Pick<SourceHarness, 'publish'>, suffix = '.bz2', salt = ''): Promise<void> {
  for (const kind of MODEL_FILE_KINDS)
    await h.publish(MODEL_FILES[kind] + suffix, payload(MODEL_FILES[kind] + suffix, salt));
}

export function isModelError(code: string, file?: RegExp) {
  return (e: unknown) =>
    isRecscoreError(e) && e.code === code && (file === undefined || file.test((e as { file?: string }).file ?? ''));
}

export function sourceCases(label: string, make: MakeHarness): void {
  const withHarness = (opts: Parameters<MakeHarness>[0], fn: (h: SourceHarness) => Promise<void>) => async () => {
    const h = await make(opts);
    try {
      await fn(h);
    } finally {
      await h.close();
    }
  };

  describe(`${label}: shared ModelSource behaviour`, { timeout: 20_000 }, () => {
    test(
      "lists the nine TAAR objects and reads each one's bytes",
      withHarness({}, async (h) => {
        await publishAll(h);
        const v = await h.source.check();
        assert.deepEqual(
          v.objects.map((o) => o.kind),
          MODEL_FILE_KINDS,
        );
        for (const o of v.objects) {
          const rel = `${MODEL_FILES[o.kind as ModelFileKind]}.bz2`;
          const expected = payload(rel);
          assert.ok(o.name.endsWith(rel), `${o.name} is not a ${rel}`);
          assert.equal(o.compressed, true);
          assert.equal(o.size, expected.length);
          let last = 0;
          const bytes = await h.source.read(o, {
            onProgress: (n, total) => {
              assert.equal(total, o.size);
              last = n;
            },
          });
          assert.ok(bytes.equals(expected), `${o.name} bytes differ`);
          assert.equal(last, o.size);
        }
      }),
    );

    test(
      'prefers .bz2 when both forms exist, and takes plain JSON when only it exists',
      withHarness({}, async (h) => {
        await publishAll(h);
        const plainOnly = MODEL_FILES.whitelist;
        await h.remove(`${plainOnly}.bz2`);
        await h.publish(plainOnly, payload(plainOnly));
        await h.publish(MODEL_FILES.locale, payload(MODEL_FILES.locale)); // beside the .bz2
        const v = await h.source.check();
        const byKind = new Map(v.objects.map((o) => [o.kind, o]));
        assert.ok(byKind.get('whitelist')?.name.endsWith(plainOnly));
        assert.equal(byKind.get('whitelist')?.compressed, false);
        assert.ok(byKind.get('locale')?.name.endsWith(`${MODEL_FILES.locale}.bz2`));
        assert.ok((await h.source.read(byKind.get('whitelist')!)).equals(payload(plainOnly)));
      }),
    );

    test(
      'the version id is stable while nothing changes and moves when one file changes',
      withHarness({}, async (h) => {
        await publishAll(h);
        const a = await h.source.check();
        const b = await h.source.check();
        assert.equal(a.id, b.id);
        const name = `${MODEL_FILES.ensembleWeights}.bz2`;
        await h.publish(name, payload(name, 'v2'));
        const c = await h.source.check();
        assert.notEqual(c.id, a.id);
        const obj = c.objects.find((o) => o.kind === 'ensembleWeights')!;
        assert.ok((await h.source.read(obj)).equals(payload(name, 'v2')));
      }),
    );

    test(
      'a missing file fails check with RECSCORE_MODEL_MISSING naming it',
      withHarness({}, async (h) => {
        await publishAll(h);
        await h.remove(`${MODEL_FILES.donors}.bz2`);
        await assert.rejects(
          h.source.check(),
          isModelError('RECSCORE_MODEL_MISSING', /taar\/similarity\/donors\.json/),
        );
      }),
    );

    test(
      'kinds limits what must be present',
      withHarness({ kinds: ['locale', 'ensembleWeights'] }, async (h) => {
        await h.publish(`${MODEL_FILES.locale}.bz2`, payload('l'));
        await h.publish(MODEL_FILES.ensembleWeights, payload('e'));
        const v = await h.source.check();
        assert.deepEqual(
          v.objects.map((o) => [o.kind, o.compressed]),
          [
            ['locale', true],
            ['ensembleWeights', false],
          ],
        );
      }),
    );

    test(
      'readStream delivers the same bytes as read, with progress',
      withHarness({}, async (h) => {
        await publishAll(h);
        const v = await h.source.check();
        assert.ok(h.source.readStream, 'the source streams');
        for (const o of v.objects) {
          let last = 0;
          const chunks: Buffer[] = [];
          for await (const c of h.source.readStream!(o, { onProgress: (n) => (last = n) })) chunks.push(c as Buffer);
          assert.ok(Buffer.concat(chunks).equals(await h.source.read(o)), `${o.name} bytes differ`);
          assert.equal(last, o.size);
        }
      }),
    );

    test(
      'a file deleted after check fails readStream with RECSCORE_MODEL_MISSING',
      withHarness({}, async (h) => {
        await publishAll(h);
        const obj = (await h.source.check()).objects.find((o) => o.kind === 'ranking')!;
        await h.remove(`${MODEL_FILES.ranking}.bz2`);
        await assert.rejects(
          async () => {
            for await (const _ of h.source.readStream!(obj)) void _;
          },
          isModelError('RECSCORE_MODEL_MISSING', /guid_install_ranking/),
        );
      }),
    );

    test(
      'a file deleted after check fails read with RECSCORE_MODEL_MISSING',
      withHarness({}, async (h) => {
        await publishAll(h);
        const v = await h.source.check();
        const obj = v.objects.find((o) => o.kind === 'ranking')!;
        await h.remove(`${MODEL_FILES.ranking}.bz2`);
        await assert.rejects(h.source.read(obj), isModelError('RECSCORE_MODEL_MISSING', /guid_install_ranking/));
      }),
    );
  });
}
