/**
 * Through HTTP: a surface in an experiment answers, the served log stores the answer, a click posted with
 * the answer's request id and no variant is stored with it, so `GET /v1/stats/ctr?by=variant` counts the
 * click for the client's variant (not only the experiment results, which join on the request id).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, it } from 'node:test';
import { dayOf } from '../../src/events/day.js';
import { EmbeddedEventStore } from '../../src/events/embedded-store.js';
import { defaultRules } from '../../src/events/event.js';
import { ServedLog } from '../../src/events/served-log.js';
import { createLogger } from '../../src/log.js';
import { SurfacesHolder } from '../../src/pipeline/surfaces/holder.js';
import { registerEventRoutes } from '../../src/server/routes/events.js';
import { syntheticBackend } from '../helpers/fake-backend.js';
import { buildApp } from '../server/start.js';

const dir = mkdtempSync(join(tmpdir(), 'recscore-exp-ctr-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const quiet = createLogger({}, () => {});

it('a posted click with a request id is counted for its variant by /v1/stats/ctr?by=variant', async () => {
  const path = join(dir, 'surfaces.json');
  writeFileSync(
    path,
    JSON.stringify({
      surfaces: { home: { size: 3, sources: [{ name: 'ed', kind: 'static', items: ['a@x', 'b@x', 'c@x'] }] } },
      experiments: [
        {
          id: 'exp',
          salt: 'exp-salt',
          surface: 'home',
          allocation: 1,
          variants: [
            { name: 'control', weight: 1 },
            { name: 'short', weight: 1, overrides: { size: 2 } },
          ],
        },
      ],
    }),
  );
  const store = await EmbeddedEventStore.open(join(dir, 'data'), { logger: quiet, writeSnapshot: false });
  const served = new ServedLog(store, { flushMs: 5 });
  const holder = new SurfacesHolder(path);
  await holder.load(true);
  const b = syntheticBackend();
  const s = buildApp({ scorer: b.scorer, facts: () => b.facts, profiles: b.profiles, served, surfaces: { holder } });
  registerEventRoutes(s.app, { store, rules: defaultRules(), log: quiet });

  const clicks = new Map<string, number>();
  const impressions = new Map<string, number>();
  for (let i = 0; i < 12; i++) {
    const r = await s.get(`/v1/surfaces/home/recommendations/ctr-client-${i}`, { 'x-request-id': `ctr-req-${i}` });
    assert.equal(r.status, 200, r.text);
    const v = `exp:${r.json.result_info.experiments.exp}`;
    impressions.set(v, (impressions.get(v) ?? 0) + r.json.results.length);
    await served.flush(); // the answer is stored before its click arrives
    if (i % 2 === 0) {
      const post = await s.postJson('/v1/events', [
        {
          type: 'click',
          client_id: `ctr-client-${i}`,
          request_id: `ctr-req-${i}`,
          item: r.json.results[0],
        },
      ]);
      assert.equal(post.status, 200, post.text);
      clicks.set(v, (clicks.get(v) ?? 0) + 1);
    }
  }
  assert.equal(clicks.size, 2, 'both variants got clicks');
  const day = dayOf(Date.now());
  const ctr = await s.get(`/v1/stats/ctr?from=${day}&to=${day}&by=variant`);
  assert.equal(ctr.status, 200, ctr.text);
  const rows = Object.fromEntries(
    (ctr.json.rows as Array<{ variant: string | null; clicks: number; impressions: number }>).map((r) => [
      String(r.variant),
      [r.impressions, r.clicks],
    ]),
  );
  assert.deepEqual(
    rows,
    Object.fromEntries([...impressions].map(([v, n]) => [v, [n, clicks.get(v) ?? 0]])),
    'every click under its variant; none without one',
  );
  await served.close();
  // Every answer names its surface in the served log (what the allocation check counts).
  let answers = 0;
  for await (const e of store.read(day, day)) {
    if (e.items === undefined) continue;
    answers++;
    assert.equal(e.context?.surface, 'home');
  }
  assert.equal(answers, 12);
  await store.close();
});

it("the allocation check counts the surface's fallback answers (context surface)", async () => {
  const path = join(dir, 'fallback.json');
  writeFileSync(
    path,
    JSON.stringify({
      // Nothing to list: every answer comes from the fallback chain (served_by locale|global).
      surfaces: { bare: { sources: [{ name: 'none', kind: 'static', items: [] }] } },
      experiments: [
        { id: 'fb', salt: 'fb-salt', surface: 'bare', allocation: 0.5, variants: [{ name: 'control', weight: 1 }] },
      ],
    }),
  );
  const store = await EmbeddedEventStore.open(join(dir, 'fb-data'), { logger: quiet, writeSnapshot: false });
  const served = new ServedLog(store, { flushMs: 5 });
  const holder = new SurfacesHolder(path);
  await holder.load(true);
  const b = syntheticBackend();
  const s = buildApp({
    scorer: b.scorer,
    facts: () => b.facts,
    profiles: b.profiles,
    served,
    surfaces: { holder, events: store },
  });
  let inside = 0;
  for (let i = 0; i < 40; i++) {
    const r = await s.get(`/v1/surfaces/bare/recommendations/fb-client-${i}`);
    assert.equal(r.status, 200, r.text);
    assert.notEqual(r.json.result_info.served_by, 'surface');
    if (r.json.result_info.experiments.fb) inside++;
  }
  await served.close();
  const res = await s.get('/v1/experiments/fb/results');
  assert.equal(res.status, 200, res.text);
  assert.equal(res.json.allocation_check?.clients_sampled, 40, 'fallback answers are counted');
  assert.equal(res.json.variants[0].clients > 0, inside > 0);
  await store.close();
});
