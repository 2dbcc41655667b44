/**
 * Model lifecycle against a started server: under a continuous bounded request loop, ten swaps that
 * alternate two versions (symlink flip + check) give 0 non-2xx and 0 errors and the responses switch
 * version; every kind of bad version is rejected while the old one keeps serving.
 */
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Agent, request } from 'undici';
import { silentLogger } from '../../src/log.js';
import { startServer, type Recscore } from '../../src/server/start.js';
import { breakModel, flipSymlink, modelCopy, tempDir, type Defect } from '../helpers/model-dirs.js';
import { haveVectors, readJsonl, VECTORS } from '../helpers/vectors.js';

const dispatcher = new Agent({ connectTimeout: 2_000, headersTimeout: 5_000, bodyTimeout: 5_000, connections: 8 });

describe('hot swap', { skip: !haveVectors && 'vectors not found', timeout: 120_000 }, () => {
  let dir: string;
  let server: Recscore;
  let a: string;
  let b: string;
  const link = () => join(dir, 'current');
  const clientIds: string[] = [];

  before(async () => {
    dir = await tempDir();
    a = await modelCopy(join(dir, 'a'));
    b = await modelCopy(join(dir, 'b'), { collaborative: 1, similarity: 2, locale: 3 });
    await flipSymlink(link(), a);
    for (const p of readJsonl<{ client_id: string; profile: unknown; case: string }>(`${VECTORS}/profiles.jsonl`))
      if (p.profile && p.case === 'normal') clientIds.push(p.client_id);
    server = await startServer({
      models: link(),
      profiles: `${VECTORS}/profiles.jsonl`,
      workers: 1,
      cacheDir: null,
      reload: { intervalMs: 0 },
      server: { port: 0, scoringBudgetMs: 2_000, totalBudgetMs: 4_000, profileBudgetMs: 1_000 },
      logger: silentLogger,
    });
  });
  after(async () => {
    await server?.close();
    await dispatcher.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function loadLoop(stop: () => boolean) {
    const stats = { ok: 0, non2xx: 0, errors: 0, versions: new Set<string>(), servedBy: new Set<string>() };
    const worker = async (w: number) => {
      for (let i = 0; !stop() && i < 100_000; i++) {
        const id = clientIds[(w * 7919 + i) % clientIds.length];
        try {
          const res = await request(`${server.url}/v1/api/recommendations/${id}/`, { dispatcher });
          const body = (await res.body.json()) as { result_info: { model_version: string; served_by: string } };
          if (res.statusCode !== 200) stats.non2xx++;
          else {
            stats.ok++;
            stats.versions.add(body.result_info.model_version);
            stats.servedBy.add(body.result_info.served_by);
          }
        } catch {
          stats.errors++;
        }
      }
    };
    return { stats, done: Promise.all([0, 1, 2, 3].map(worker)) };
  }

  it('swaps ten times under load with no failed request', async () => {
    let stopped = false;
    const { stats, done } = await loadLoop(() => stopped);
    const seen: string[] = [];
    try {
      for (let i = 0; i < 10; i++) {
        await flipSymlink(link(), i % 2 === 0 ? b : a);
        await server.reloader!.checkNow();
        seen.push(server.registry.model!.version);
        await new Promise((r) => setTimeout(r, 150));
      }
    } finally {
      stopped = true;
      await done;
    }
    assert.equal(new Set(seen).size, 2, 'two distinct versions alternate');
    seen.forEach((v, i) => i > 0 && assert.notEqual(v, seen[i - 1]));
    assert.equal(server.reloader!.status.swaps, 11);
    assert.equal(stats.non2xx, 0);
    assert.equal(stats.errors, 0);
    assert.ok(stats.ok > 50, `requests served: ${stats.ok}`);
    assert.deepEqual([...stats.versions].sort(), [...new Set(seen)].sort(), 'responses name both versions');
    assert.deepEqual([...stats.servedBy], ['ensemble']);
  });

  for (const defect of [
    'truncated-bz2',
    'garbage-bz2',
    'invalid-json',
    'wrong-schema',
    'nan',
    'dimension-mismatch',
    'missing-file',
  ] as Defect[]) {
    it(`rejects a version with ${defect} and keeps serving the old one`, async () => {
      const before = server.registry.model!.version;
      const bad = await modelCopy(join(dir, `bad-${defect}`));
      const file = await breakModel(bad, defect);
      await flipSymlink(link(), bad);
      await server.reloader!.checkNow();
      assert.equal(server.registry.model!.version, before);
      const err = server.reloader!.status.lastError;
      assert.ok(err, 'the error is recorded');
      assert.match(err.code, /^RECSCORE_MODEL_(DECODE|SCHEMA|CONSISTENCY|MISSING)$/);
      assert.ok(err.message.includes(file.replace(/\.bz2$/, '')), `${err.message} names ${file}`);
      const status = await request(`${server.url}/v1/models`, { dispatcher });
      const body = (await status.body.json()) as {
        models: Array<{ version: string }>;
        reload: { lastError: { code: string } };
      };
      assert.equal(body.models[0].version, before);
      assert.equal(body.reload.lastError.code, err.code);
      const res = await request(`${server.url}/v1/api/recommendations/${clientIds[0]}/`, { dispatcher });
      const rec = (await res.body.json()) as { result_info: { model_version: string; served_by: string } };
      assert.equal(res.statusCode, 200);
      assert.equal(rec.result_info.model_version, before);
      assert.equal(rec.result_info.served_by, 'ensemble');
      await flipSymlink(link(), a);
    });
  }
});
