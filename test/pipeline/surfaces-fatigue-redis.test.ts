/**
 * Fatigue across replicas: two apps, each with its own served log over a Redis event store with the same
 * key prefix (as two replicas are configured). What replica A served demotes those items in replica B's
 * next answer to the same client. Redis on 127.0.0.1:6379, keys under this test's own prefix.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { RedisEventStore } from '../../src/events/redis-store.js';
import { ServedLog } from '../../src/events/served-log.js';
import { createLogger } from '../../src/log.js';
import { SurfacesHolder } from '../../src/pipeline/surfaces/holder.js';
import { syntheticBackend } from '../helpers/fake-backend.js';
import { buildApp } from '../server/start.js';
import { suiteRedis } from '../helpers/suite-redis.js';

const quiet = createLogger({}, () => {});
const prefix = `recscore-test:surfaces-fatigue:${process.pid}:`;
const dir = mkdtempSync(join(tmpdir(), 'recscore-fatigue-redis-'));
const ITEMS = Array.from({ length: 8 }, (_, i) => `r${i}@x`);

describe('fatigue over a shared Redis event store', { timeout: 30_000 }, () => {
  suiteRedis(prefix);
  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it("replica B's answer is demoted by what replica A served", async () => {
    const path = join(dir, 'surfaces.json');
    writeFileSync(
      path,
      JSON.stringify({
        surfaces: {
          shelf: {
            size: 3,
            stage_budget_ms: 2_000,
            filters: { installed: false },
            sources: [{ name: 'fixed', kind: 'static', items: ITEMS }],
            fatigue: { factor: 100, window_days: 1 },
          },
        },
      }),
    );
    const replica = async () => {
      const store = new RedisEventStore('redis://127.0.0.1:6379', { prefix, logger: quiet });
      // As start.ts opens it (create-store.ts): before the first connection a read fails (and fatigue with it).
      assert.ok(await store.connected(5_000), 'Redis on 127.0.0.1:6379');
      const served = new ServedLog(store, { flushMs: 5 });
      const holder = new SurfacesHolder(path);
      await holder.load(true);
      const b = syntheticBackend();
      const app = buildApp({
        scorer: b.scorer,
        facts: () => b.facts,
        profiles: b.profiles,
        served,
        surfaces: { holder, events: store },
      });
      const shelf = async (client: string) => {
        const r = await app.get(`/v1/surfaces/shelf/recommendations/${client}`);
        assert.equal(r.status, 200, r.text);
        assert.equal(r.json.result_info.stages.fatigue, 'ok');
        return r.json.results as string[];
      };
      return { store, served, shelf };
    };
    const a = await replica();
    const b = await replica();
    try {
      assert.deepEqual(await a.shelf('shared-client'), ITEMS.slice(0, 3));
      await a.served.flush();
      assert.deepEqual(await b.shelf('shared-client'), ITEMS.slice(3, 6), "A's answer counts on B");
      await b.served.flush();
      assert.deepEqual(await a.shelf('shared-client'), [ITEMS[6], ITEMS[7], ITEMS[0]], "and B's on A");
      assert.deepEqual(await b.shelf('other-client'), ITEMS.slice(0, 3), 'per client');
    } finally {
      await a.served.close();
      await b.served.close();
      await a.store.close();
      await b.store.close();
    }
  });
});
