/**
 * Registry models served by a started server with no TAAR model set (issue #13): under a continuous
 * request loop on /api/models/default/recommend (item-to-item and personalised), the default changes ten
 * times between three models (then to a corrupt one) with 0 non-2xx and 0 errors; answers switch models;
 * every answer equals the reference of the model it says served it (x-recscore-model-version).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Agent, request } from 'undici';
import { eventSettingsFromEnv, eventsConfigOf } from '../../src/events/config.js';
import { similarItems } from '../../src/kernel/sar/item-based.js';
import { silentLogger } from '../../src/log.js';
import { readModelFile } from '../../src/model/kinds/sar/pack/unpack.js';
import type { SarModel } from '../../src/model/kinds/sar/types.js';
import { startServer, type Recscore } from '../../src/server/start.js';
import { MemoryRecords, sarArtifact, sarRecord } from '../helpers/records-view.js';

const ADMIN_KEY = 'admin-key-0123456789abcdef';
const RECOMMEND_KEY = 'recommend-key-0123456789abcdef';
const dispatcher = new Agent({ connectTimeout: 2_000, headersTimeout: 10_000, bodyTimeout: 10_000, connections: 8 });

describe('registry default swap under load', { timeout: 180_000 }, () => {
  let dir: string;
  let server: Recscore;
  const records = new MemoryRecords();
  const ids: string[] = [];
  const models = new Map<string, SarModel>(); // record id → model

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'model-swap-'));
    for (const [name, params] of [
      ['jaccard', {}],
      ['lift', { similarity: 'lift' }],
      ['cooc', { similarity: 'cooccurrence' }],
    ] as const) {
      const file = await sarArtifact(dir, name, params);
      const r = records.put(sarRecord(file, { parameters: { enableBackfilling: false } as never }));
      ids.push(r.id);
      models.set(r.id, readModelFile(file).model);
    }
    records.setDefault(ids[0]);
    server = await startServer({
      models: undefined,
      records,
      workers: 2,
      cacheDir: null,
      modelMemory: 1 << 30,
      server: { port: 0, scoringBudgetMs: 5_000, totalBudgetMs: 10_000 },
      logger: silentLogger,
      events: eventsConfigOf({ ...eventSettingsFromEnv({}), dataDir: join(dir, 'data') }),
      // The registry store opens (and is not used: `records` replaces it); the recommend key is required.
      registry: { dataDir: join(dir, 'data'), adminKeys: [ADMIN_KEY], recommendKeys: [RECOMMEND_KEY], pollMs: 0 },
    });
  });
  after(async () => {
    await server?.close();
    await dispatcher.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('starts with the default loaded, no TAAR model set, and is ready', async () => {
    assert.equal(server.reloader, undefined);
    assert.deepEqual(
      server.modelCache!.loaded().map((m) => [m.id, m.isDefault]),
      [[ids[0], true]],
    );
    const res = await request(`${server.url}/ready`, { dispatcher });
    assert.equal(res.statusCode, 200);
    await res.body.dump();
    const noKey = await request(`${server.url}/api/models/default/recommend?itemId=x`, { dispatcher });
    assert.equal(noKey.statusCode, 401, 'the recommend routes take the registry keys');
    await noKey.body.dump();
    const metrics = await (await request(`${server.url}/metrics`, { dispatcher })).body.text();
    assert.match(metrics, /^recscore_registry_models_loaded 1$/m);
    assert.match(metrics, /^recscore_registry_models_bytes [1-9]\d*$/m);
  });

  it('swaps the default ten times under load with no failed request', async () => {
    const byVersion = new Map<string, string>(); // model version → record id
    let stop = false;
    const stats = { ok: 0, non2xx: 0, errors: 0, wrong: 0, served: new Set<string>() };
    const firstErrors: string[] = [];
    const items = models.get(ids[0])!.items;
    const loop = async (w: number) => {
      for (let i = 0; !stop && i < 1_000_000; i++) {
        const item = items[(w * 31 + i) % items.length];
        try {
          const personal = i % 3 === 0;
          const res = personal
            ? await request(`${server.url}/api/models/default/recommend?recommendationCount=5`, {
                dispatcher,
                method: 'POST',
                headers: { 'content-type': 'application/json', 'x-api-key': RECOMMEND_KEY },
                body: JSON.stringify([{ itemId: item }]),
              })
            : await request(`${server.url}/api/models/default/recommend?itemId=${encodeURIComponent(item)}`, {
                dispatcher,
                headers: { 'x-api-key': RECOMMEND_KEY },
              });
          const body = (await res.body.json()) as Array<{ recommendedItemId: string; score: number }>;
          if (res.statusCode !== 200) {
            stats.non2xx++;
            continue;
          }
          stats.ok++;
          const version = String(res.headers['x-recscore-model-version']);
          stats.served.add(version);
          const id = byVersion.get(version) ?? server.modelCache!.loaded().find((m) => m.version === version)?.id;
          if (id) byVersion.set(version, id);
          if (!personal && id) {
            const expected = similarItems(models.get(id)!, [item], 10).map(([recommendedItemId, score]) => ({
              recommendedItemId,
              score,
            }));
            if (JSON.stringify(expected) !== JSON.stringify(body)) stats.wrong++;
          }
        } catch (e) {
          if (stats.errors++ < 3) firstErrors.push(String((e as Error)?.stack ?? e).slice(0, 300));
        }
      }
    };
    const done = Promise.all([0, 1, 2, 3].map(loop));
    const defaults: string[] = [];
    try {
      for (let s = 1; s <= 10; s++) {
        const next = ids[s % 3];
        records.setDefault(next);
        defaults.push(next);
        // Wait until the default's answers come from the new model (the switch follows its load).
        for (let t = 0; t < 500; t++) {
          if (server.modelCache!.loaded().find((m) => m.isDefault)?.id === next) break;
          await new Promise((r) => setTimeout(r, 10));
        }
        await new Promise((r) => setTimeout(r, 100));
      }
      // A corrupt default: it fails to load, the previous default keeps serving.
      const bad = join(dir, 'corrupt.sarm');
      writeFileSync(bad, Buffer.alloc(8192, 3));
      records.setDefault(records.put(sarRecord(bad)).id);
      await new Promise((r) => setTimeout(r, 300));
    } finally {
      stop = true;
      await done;
    }
    assert.equal(stats.errors, 0, firstErrors.join('\n'));
    assert.equal(stats.non2xx, 0);
    assert.equal(stats.wrong, 0, 'every answer is its model’s');
    assert.ok(stats.ok > 100, `requests served: ${stats.ok}`);
    assert.ok(stats.served.size >= 3, `answers came from ${stats.served.size} model versions`);
    const current = server.modelCache!.loaded().find((m) => m.isDefault);
    assert.equal(current?.id, defaults.at(-1), 'the last good default still serves');
  });
});
