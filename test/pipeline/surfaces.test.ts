/**
 * Surfaces through the HTTP app over fakes: a three-source surface, a slow source (its budget expires, the
 * answer comes without it and says so), a failing source, per-request controls, admin-only explain, a bad
 * reload that keeps the old configuration, the fallback when nothing is left, experiments on a surface and
 * on the `taar` surface, and an experiment end to end (requests → served log → events → results).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { createEventStore } from '../../src/events/create-store.js';
import { ServedLog } from '../../src/events/served-log.js';
import { SurfacesHolder } from '../../src/pipeline/surfaces/holder.js';
import type { ScoreInput, ScoreOutput, Scorer, TaarListName, WeightedList } from '../../src/recommend/contracts.js';
import type { AppSurfaces } from '../../src/server/app.js';
import type { ServerConfigInput } from '../../src/server/config.js';
import { seededRandom, syntheticBackend } from '../helpers/fake-backend.js';
import { buildApp } from '../server/start.js';

const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'recscore-surfaces-'));
  dirs.push(d);
  return d;
};
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const g = (p: string, n: number): WeightedList => Array.from({ length: n }, (_, i) => [`${p}${i}@x`, 100 - i]);

/** A scorer that answers `lists` picks (the TAAR sources' one trip), with settable delay and failure. */
class ListsScorer implements Scorer {
  delayMs = 0;
  failWith: Error | undefined;
  calls = 0;
  lists: Record<TaarListName, WeightedList> = {
    ensemble: g('ens', 20),
    collaborative: g('col', 20),
    similarity: g('sim', 20),
    locale: g('loc', 20),
  };
  async score(input: ScoreInput): Promise<ScoreOutput> {
    this.calls++;
    if (this.delayMs) await new Promise((r) => setTimeout(r, this.delayMs));
    if (this.failWith) throw this.failWith;
    const size = input.pick.size;
    const lists = Object.fromEntries(Object.entries(this.lists).map(([k, v]) => [k, v.slice(0, size)])) as Record<
      TaarListName,
      WeightedList
    >;
    return {
      modelVersion: 'fake-v1',
      picked: lists.ensemble,
      candidateCount: this.lists.ensemble.length,
      contributed: ['collaborative'],
      failures: [],
      ...(input.pick.mode === 'lists' ? { lists } : {}),
    };
  }
}

const BASE = {
  surfaces: {
    home: {
      size: 6,
      stage_budget_ms: 1000,
      budget_ms: 2000,
      sources: [
        { name: 'collab', kind: 'taar', recommender: 'collaborative', weight: 2, budget_ms: 1000 },
        { name: 'pop', kind: 'popularity', scope: 'global' },
        { name: 'editors', kind: 'static', items: ['ed0@x', 'col0@x', 'ed1@x'] },
      ],
      filters: { block: ['ed1@x'] },
    },
    locale_only: {
      sources: [{ name: 'loc', kind: 'popularity', scope: 'locale' }],
    },
    empty: { sources: [{ name: 'nothing', kind: 'static', items: [] }] },
  },
  catalog: { 'col0@x': { category: 'privacy' }, 'col2@x': { category: 'privacy' }, 'ed0@x': { category: 'tabs' } },
  experiments: [] as unknown[],
};

function setup(file: unknown = BASE, extra: Partial<AppSurfaces> = {}, config: ServerConfigInput = {}) {
  const b = syntheticBackend();
  const scorer = new ListsScorer();
  const dir = tempDir();
  const path = join(dir, 'surfaces.json');
  writeFileSync(path, JSON.stringify(file));
  const holder = new SurfacesHolder(path);
  const app = buildApp({
    scorer,
    facts: () => b.facts,
    profiles: b.profiles,
    random: seededRandom(1),
    config,
    surfaces: { holder, isAdmin: (c) => c.req.header('x-api-key') === 'admin', ...extra },
  });
  return { ...b, scorer, holder, path, app, dir };
}

const known = 'a'.repeat(63) + 'b';
const url = (surface: string, client = known, q = '') => `/v1/surfaces/${surface}/recommendations/${client}${q}`;

describe('surfaces', () => {
  it('blends three sources by weight, merges duplicates and applies the block list', async () => {
    const s = setup();
    await s.holder.load(true);
    const r = await s.app.get(url('home'));
    assert.equal(r.status, 200, r.text);
    const globalTop = s.facts.globalTop.map(([x]) => x);
    // Smooth weighted round robin 2:1:1 over collab, pop, editors: col0 pop0 ed0 col1 | col2 pop1 (col0 from
    // editors: merged into the first col0) (ed1: blocked) …
    assert.deepEqual(r.json.results, ['col0@x', globalTop[0], 'ed0@x', 'col1@x', 'col2@x', globalTop[1]]);
    const info = r.json.result_info;
    assert.equal(info.surface, 'home');
    assert.equal(info.served_by, 'surface');
    assert.equal(info.quality_factor, 1);
    assert.deepEqual(info.experiments, {});
    assert.deepEqual(Object.fromEntries(Object.entries(info.sources).map(([k, v]: [string, any]) => [k, v.status])), {
      collab: 'ok',
      pop: 'ok',
      editors: 'ok',
    });
    assert.deepEqual(info.stages, { blend: 'ok', first_n: 'ok', filter: 'ok', truncate: 'ok' });
    assert.equal(s.scorer.calls, 1);
    const metrics = await s.app.metrics.registry.metrics();
    assert.match(
      metrics,
      /recscore_surface_steps_total\{surface="home",stage="source",source="collab",outcome="ok"\} 1/,
    );
    assert.match(metrics, /recscore_surface_step_items_count\{surface="home",stage="filter",source="-",side="in"\} 1/);
  });

  it('a slow source runs out of its budget: the answer comes without it and says so', async () => {
    const file = structuredClone(BASE);
    file.surfaces.home.sources[0].budget_ms = 10; // below the TAAR trip's 25 ms scoring budget
    const s = setup(file);
    await s.holder.load(true);
    s.scorer.delayMs = 400;
    const r = await s.app.get(url('home'));
    assert.equal(r.status, 200);
    assert.deepEqual(r.json.result_info.sources.collab, { status: 'timeout', items: 0, reason: 'budget' });
    // The TAAR trip's own scoring budget can also expire first: still a timeout of that source.
    file.surfaces.home.sources[0].budget_ms = 1000;
    writeFileSync(s.path, JSON.stringify(file));
    await s.holder.load(true);
    const r2 = await s.app.get(url('home'));
    assert.equal(r2.json.result_info.sources.collab.status, 'timeout');
    assert.equal(r2.json.result_info.sources.collab.reason, 'scoring-timeout');
    // Counted by reason, as result_info names it.
    const metrics = await s.app.metrics.registry.metrics();
    for (const reason of ['budget', 'scoring-timeout'])
      assert.ok(
        metrics.includes(
          `recscore_surface_failures_total{surface="home",stage="source",source="collab",class="timeout",` +
            `reason="${reason}"} 1`,
        ),
        reason,
      );
    assert.ok(r.json.results.length > 0);
    // col0 is also on the editors' static list; no other collaborative item is in the answer.
    assert.ok(
      r.json.results.every((x: string) => !x.startsWith('col') || x === 'col0@x'),
      r.json.results.join(),
    );
  });

  it('a failing source is empty and named; the others answer', async () => {
    const s = setup();
    await s.holder.load(true);
    s.scorer.failWith = new Error('worker exploded');
    const r = await s.app.get(url('home'));
    assert.equal(r.status, 200);
    assert.deepEqual(r.json.result_info.sources.collab, { status: 'failed', items: 0, reason: 'scoring-error' });
    const labels =
      'surface="home",stage="source",source="collab",class="RECSCORE_SOURCE_FAILED",reason="scoring-error"';
    assert.match(
      await s.app.metrics.registry.metrics(),
      new RegExp(`recscore_surface_failures_total\\{${labels}\\} 1`),
    );
    assert.equal(r.json.result_info.sources.pop.status, 'ok');
    assert.ok(r.json.results.includes('ed0@x'));
  });

  it('per-request controls: count, exclude, attribute filters, validated', async () => {
    const s = setup();
    await s.holder.load(true);
    const r = await s.app.get(url('home', known, '?count=3&exclude=col0@x,col1@x'));
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.results.length, 3);
    assert.ok(!r.json.results.includes('col0@x') && !r.json.results.includes('col1@x'));
    const privacy = await s.app.get(url('home', known, '?category=privacy'));
    assert.deepEqual(privacy.json.results, ['col0@x', 'col2@x']);
    const posted = await s.app.postJson(url('home'), {
      count: 2,
      exclude: ['col0@x'],
      filters: { category: 'privacy' },
    });
    assert.deepEqual(posted.json.results, ['col2@x']);
    for (const q of ['?count=0', '?count=101', '?colour=red', '?exclude=a%20b', '?explain=2']) {
      const bad = await s.app.get(url('home', known, q));
      assert.equal(bad.status, 400, q);
      assert.equal(bad.json.error.code.startsWith('RECSCORE_BAD_'), true, q);
    }
    const badBody = await s.app.postJson(url('home'), { count: 'ten' });
    assert.equal(badBody.status, 400);
    assert.match(badBody.json.error.message, /^count:/);
    assert.equal((await s.app.get(url('nope'))).status, 404);
  });

  it('explain is for the admin key only and shows each stage with ranks, scores and sources', async () => {
    const s = setup();
    await s.holder.load(true);
    const denied = await s.app.get(url('home', known, '?explain=1'));
    assert.equal(denied.status, 401);
    const r = await s.app.get(url('home', known, '?explain=1'), { 'x-api-key': 'admin' });
    assert.equal(r.status, 200);
    const stages = r.json.explain.map((e: any) => e.stage);
    assert.deepEqual(stages, ['blend', 'first_n', 'filter', 'truncate']);
    // The blend's output: every proposal in order, duplicates not merged yet, each naming its source.
    const blended = r.json.explain.shift().items;
    assert.deepEqual(
      blended.filter((i: any) => i.item === 'col0@x').map((i: any) => i.sources),
      [[{ source: 'collab', rank: 0, score: 100 }], [{ source: 'editors', rank: 1, score: 2 }]],
    );
    assert.deepEqual(
      blended.map((i: any) => i.rank),
      blended.map((_: unknown, k: number) => k),
    );
    const col0 = r.json.explain[0].items.find((i: any) => i.item === 'col0@x');
    assert.deepEqual(col0.sources, [
      { source: 'collab', rank: 0, score: 100 },
      { source: 'editors', rank: 1, score: 2 },
    ]);
    assert.equal(
      r.json.explain[0].items.some((i: any) => i.item === 'ed1@x'),
      true,
    );
    assert.equal(
      r.json.explain[1].items.some((i: any) => i.item === 'ed1@x'),
      false,
      'blocked by the filter',
    );
  });

  it('a bad file on reload is refused, the old configuration keeps serving; a good one replaces it', async () => {
    const s = setup();
    await s.holder.load(true);
    const bad = structuredClone(BASE) as any;
    bad.surfaces.home.sources[1].weight = -1;
    writeFileSync(s.path, JSON.stringify(bad));
    const report = await s.holder.load();
    assert.equal(report.ok, false);
    assert.match(report.error!.message, /surfaces\.home\.sources\[1\]\.weight/);
    assert.equal((await s.app.get(url('home'))).status, 200);
    writeFileSync(s.path, 'surfaces: [not, a, map');
    assert.equal((await s.holder.load()).ok, false);
    assert.equal((await s.app.get(url('home'))).status, 200);
    const next = structuredClone(BASE) as any;
    next.surfaces.fresh = { sources: [{ name: 's', kind: 'static', items: ['z@x'] }] };
    writeFileSync(s.path, JSON.stringify(next));
    assert.equal((await s.holder.load()).ok, true);
    assert.deepEqual((await s.app.get(url('fresh'))).json.results, ['z@x']);
    // At startup a bad file is an error.
    writeFileSync(s.path, JSON.stringify(bad));
    await assert.rejects(new SurfacesHolder(s.path).load(true), /RECSCORE|weight/);
  });

  it('nothing left: the fallback chain answers, and the variant is still named', async () => {
    const file = structuredClone(BASE);
    file.experiments = [{ id: 'exp_empty', salt: 'e', surface: 'empty', allocation: 1, variants: [{ name: 'only' }] }];
    const s = setup(file);
    await s.holder.load(true);
    const r = await s.app.get(url('empty'));
    assert.equal(r.status, 200);
    assert.equal(r.json.result_info.served_by, 'locale'); // the known client's profile locale is `de`
    assert.equal(r.json.result_info.reason, 'no-recommendations');
    assert.deepEqual(r.json.result_info.experiments, { exp_empty: 'only' });
    assert.equal(r.json.results.length, 10);
  });

  it('four TAAR recommenders share one pool trip; promoted comes from the request; installed items go', async () => {
    const file = {
      surfaces: {
        all: {
          size: 20,
          sources: [
            ...['collaborative', 'similarity', 'locale', 'ensemble'].map((r) => ({
              name: r,
              kind: 'taar',
              recommender: r,
            })),
            { name: 'promo', kind: 'promoted' },
            { name: 'editors', kind: 'static', items: ['installed@example.net', 'ed0@x'] },
          ],
        },
        keep: {
          filters: { installed: false },
          sources: [{ name: 'editors', kind: 'static', items: ['installed@example.net', 'ed0@x'] }],
        },
      },
    };
    const s = setup(file);
    await s.holder.load(true);
    const r = await s.app.postJson(url('all'), {
      promoted: [
        ['p1@x', 1],
        ['p2@x', 5],
      ],
    });
    assert.equal(r.status, 200, r.text);
    assert.equal(s.scorer.calls, 1, 'one trip for the four TAAR sources');
    const info = r.json.result_info;
    for (const [name, prefix] of [
      ['collaborative', 'col'],
      ['similarity', 'sim'],
      ['locale', 'loc'],
      ['ensemble', 'ens'],
    ]) {
      assert.equal(info.sources[name].status, 'ok', name);
      assert.ok(r.json.results.includes(`${prefix}0@x`), `${name}'s first item`);
    }
    // Round robin of six equal weights: each source's first proposal, in source order (promoted by score);
    // the editors' first, installed by the client, is filtered out.
    assert.deepEqual(r.json.results.slice(0, 6), ['col0@x', 'sim0@x', 'loc0@x', 'ens0@x', 'p2@x', 'col1@x']);
    assert.deepEqual(info.sources.promo, { status: 'ok', items: 2 });
    assert.ok(r.json.results.includes('p1@x'));
    assert.ok(!r.json.results.includes('installed@example.net'), 'the client has it installed');
    assert.deepEqual((await s.app.get(url('all'))).json.result_info.sources.promo, { status: 'empty', items: 0 });
    assert.deepEqual((await s.app.get(url('keep'))).json.results, ['installed@example.net', 'ed0@x']);
  });

  it('popularity per locale follows the profile, then ?locale=', async () => {
    const s = setup();
    await s.holder.load(true);
    const de = (await s.app.get(url('locale_only'))).json.results;
    assert.deepEqual(
      de,
      s.facts
        .localeTop('de')!
        .slice(0, 10)
        .map(([x]) => x),
    );
    const other = 'c'.repeat(63) + 'd'; // profile without a locale
    const en = (await s.app.get(url('locale_only', other, '?locale=en-US'))).json.results;
    assert.deepEqual(
      en,
      s.facts
        .localeTop('en-US')!
        .slice(0, 10)
        .map(([x]) => x),
    );
  });
});

describe('experiments', () => {
  const withExperiments = (experiments: unknown[]) => ({ ...structuredClone(BASE), experiments });

  it('variants override the surface; clients outside the allocation get no entry', async () => {
    const s = setup(
      withExperiments([
        {
          id: 'size_test',
          salt: 'salt-1',
          surface: 'home',
          allocation: 0.5,
          variants: [
            { name: 'control', weight: 1 },
            { name: 'small', weight: 1, overrides: { size: 2, sources: { collab: { enabled: false } } } },
          ],
        },
      ]),
    );
    await s.holder.load(true);
    const seen = new Map<string, number>();
    for (let i = 0; i < 60; i++) {
      const id = `client-${i}`;
      const r = await s.app.get(url('home', id));
      const v = r.json.result_info.experiments.size_test ?? 'none';
      seen.set(v, (seen.get(v) ?? 0) + 1);
      if (v === 'small') {
        assert.equal(r.json.results.length, 2);
        assert.equal(r.json.result_info.sources.collab.status, 'off');
      }
      // Stable: asking again gives the same variant.
      assert.deepEqual((await s.app.get(url('home', id))).json.result_info.experiments, r.json.result_info.experiments);
    }
    assert.ok(
      (seen.get('none') ?? 0) > 10 && (seen.get('control') ?? 0) > 5 && (seen.get('small') ?? 0) > 5,
      [...seen].join(),
    );
  });

  it("on the taar surface: clients outside keep TAAR's exact answer; clients inside are named", async () => {
    const plain = setup();
    await plain.holder.load(true);
    const expOut = setup(
      withExperiments([{ id: 'taar_off', salt: 't', surface: 'taar', allocation: 0, variants: [{ name: 'a' }] }]),
    );
    await expOut.holder.load(true);
    const path = `/v1/api/recommendations/${known}/?draw=0`;
    const a = await plain.app.get(path);
    const b = await expOut.app.get(path);
    assert.equal(a.status, 200);
    assert.equal(b.text.replace(/"request_id":"[^"]*",?/, ''), a.text.replace(/"request_id":"[^"]*",?/, ''));
    assert.equal(a.json.result_info.experiments, undefined);

    const inside = setup(
      withExperiments([
        {
          id: 'taar_exp',
          salt: 't',
          surface: 'taar',
          allocation: 1,
          variants: [{ name: 'via_home', overrides: { surface: 'home' } }],
        },
      ]),
    );
    await inside.holder.load(true);
    const r = await inside.app.get(`/v1/api/recommendations/${known}/`);
    assert.equal(r.status, 200);
    assert.deepEqual(r.json.result_info.experiments, { taar_exp: 'via_home' });
    assert.equal(r.json.result_info.surface, 'home');
    const viaSurfaceRoute = await inside.app.get(url('taar'));
    assert.deepEqual(viaSurfaceRoute.json.result_info.experiments, { taar_exp: 'via_home' });
    // TAAR's own answer has no exclusions, attribute filters or explain: asked of the taar surface, they are
    // refused, not silently dropped; TAAR's parameters answer as on its route.
    for (const q of ['?exclude=col0@x', '?category=privacy', '?explain=1']) {
      const bad = await plain.app.get(url('taar', known, q), { 'x-api-key': 'admin' });
      assert.equal(bad.status, 400, q);
      assert.match(bad.json.error.message, /the taar surface is TAAR's own answer/, q);
    }
    const same = await plain.app.get(url('taar', known, '?draw=0&count=3&explain=0'));
    const own = await plain.app.get(`/v1/api/recommendations/${known}/?draw=0&count=3`);
    assert.equal(same.status, 200, same.text);
    assert.deepEqual(same.json.results, own.json.results);
    const draw = setup(
      withExperiments([
        {
          id: 'draw_exp',
          salt: 't',
          surface: 'taar',
          allocation: 1,
          variants: [{ name: 'nodraw', overrides: { draw: false } }],
        },
      ]),
    );
    await draw.holder.load(true);
    const d = await draw.app.get(`/v1/api/recommendations/${known}/`);
    assert.equal(d.json.result_info.draw, false);
    assert.deepEqual(d.json.result_info.experiments, { draw_exp: 'nodraw' });
    const posted = await draw.app.postJson('/v1/recommendations', {
      profile: { client_id: known, installed_addons: [] },
    });
    assert.equal(posted.status, 200, posted.text);
    assert.deepEqual(posted.json.result_info.experiments, { draw_exp: 'nodraw' });
    const anonymous = await draw.app.postJson('/v1/recommendations', { profile: { installed_addons: [] } });
    assert.equal(anonymous.json.result_info.experiments, undefined);
  });

  it('end to end: requests → served log → click and install events → results per variant', async () => {
    const store = await createEventStore(tempDir(), { snapshotIntervalMs: 0 });
    const served = new ServedLog(store, { flushMs: 5 });
    const file = withExperiments([
      {
        id: 'e2e',
        salt: 'e2e-salt',
        surface: 'home',
        allocation: 1,
        variants: [
          { name: 'control', weight: 1 },
          { name: 'short', weight: 1, overrides: { size: 3 } },
        ],
      },
    ]);
    const s = setup(file, { events: store });
    // The served log is the app's, as in start.ts.
    const app = buildApp({
      scorer: s.scorer,
      facts: () => s.facts,
      profiles: s.profiles,
      served,
      surfaces: { holder: s.holder, events: store },
    });
    await s.holder.load(true);
    const want = new Map<string, { clients: number; impressions: number; clicks: number; installs: number }>([
      ['control', { clients: 0, impressions: 0, clicks: 0, installs: 0 }],
      ['short', { clients: 0, impressions: 0, clicks: 0, installs: 0 }],
    ]);
    const outcomes: Array<Record<string, unknown>> = [];
    for (let i = 0; i < 30; i++) {
      const client = `e2e-client-${i}`;
      const r = await app.get(url('home', client), { 'x-request-id': `req-${i}` });
      assert.equal(r.status, 200);
      const v = r.json.result_info.experiments.e2e as string;
      const w = want.get(v)!;
      w.clients++;
      w.impressions += r.json.results.length;
      // Every third client clicks its first item (no variant in the event: joined through the request id);
      // every fifth installs its second item and says its variant itself.
      if (i % 3 === 0) {
        outcomes.push({
          type: 'click',
          client_id: client,
          request_id: `req-${i}`,
          item: r.json.results[0],
          ts: Date.now(),
        });
        w.clicks++;
      }
      if (i % 5 === 0) {
        outcomes.push({
          type: 'install',
          client_id: client,
          item: r.json.results[1],
          context: { variant: `e2e:${v}` },
          ts: Date.now(),
        });
        w.installs++;
      }
    }
    // A click that matches nothing of the experiment is not counted.
    outcomes.push({ type: 'click', client_id: 'stranger', request_id: 'req-unknown', item: 'x@x', ts: Date.now() });
    await served.close();
    await store.append(outcomes as never);
    const res = await app.get('/v1/experiments/e2e/results');
    assert.equal(res.status, 200, res.text);
    for (const row of res.json.variants) {
      const w = want.get(row.variant)!;
      assert.equal(row.impressions, w.impressions, row.variant);
      assert.equal(row.clicks, w.clicks, row.variant);
      assert.equal(row.installs, w.installs, row.variant);
      assert.equal(row.clients, w.clients, row.variant);
      assert.equal(row.ctr, w.clicks / w.impressions);
      assert.equal(row.ctr_ci.length, 2);
    }
    assert.equal(res.json.control, 'control');
    assert.ok(res.json.variants[1].vs_control.ctr.p_value >= 0);
    assert.equal(res.json.sample_ratio.clients_sampled, 30);
    assert.equal(typeof res.json.sample_ratio.mismatch, 'boolean');
    assert.equal(res.json.allocation_check, null, 'allocation 1: nobody outside');
    assert.equal(res.json.unattributed, 1);
    assert.equal((await app.get('/v1/experiments/nope/results')).status, 404);
    assert.equal((await app.get('/v1/experiments/e2e/results?from=2026-13-01')).status, 400);
    await store.close();
  });

  it('team-draft interleaving: each item names the variant that placed it; clicks are credited to it', async () => {
    const store = await createEventStore(tempDir(), { snapshotIntervalMs: 0 });
    const served = new ServedLog(store, { flushMs: 5 });
    const file = {
      surfaces: {
        rank: {
          size: 6,
          sources: [
            { name: 'left', kind: 'static', items: ['l0@x', 'l1@x', 'l2@x', 'l3@x', 'l4@x', 'l5@x'] },
            { name: 'right', kind: 'static', items: ['r0@x', 'r1@x', 'r2@x', 'r3@x', 'r4@x', 'r5@x'] },
          ],
        },
      },
      experiments: [
        {
          id: 'il',
          salt: 'il',
          surface: 'rank',
          allocation: 1,
          interleave: ['a', 'b'],
          variants: [
            { name: 'a', overrides: { sources: { right: { enabled: false } } } },
            { name: 'b', overrides: { sources: { left: { enabled: false } } } },
          ],
        },
      ],
    };
    const s = setup(file);
    const app = buildApp({
      scorer: s.scorer,
      facts: () => s.facts,
      profiles: s.profiles,
      served,
      random: seededRandom(3),
      surfaces: { holder: s.holder, events: store },
    });
    await s.holder.load(true);
    const r = await app.get(url('rank', 'il-client'), { 'x-request-id': 'il-req' });
    assert.equal(r.status, 200);
    assert.deepEqual(r.json.result_info.experiments, { il: 'interleaved' });
    const teams: string[] = r.json.result_info.interleave.variants;
    assert.equal(teams.length, 6);
    r.json.results.forEach((item: string, i: number) => assert.equal(item[0] === 'l' ? 'a' : 'b', teams[i]));
    const bItem = r.json.results[teams.indexOf('b')];
    await served.close();
    await store.append([{ type: 'click', client_id: 'il-client', request_id: 'il-req', item: bItem, ts: Date.now() }]);
    const res = await app.get('/v1/experiments/il/results');
    const byName = Object.fromEntries(res.json.variants.map((v: any) => [v.variant, v]));
    assert.equal(byName.b.clicks, 1);
    assert.equal(byName.a.clicks, 0);
    assert.equal(byName.a.impressions + byName.b.impressions, 6);
    assert.equal(res.json.sample_ratio, null);
    await store.close();
  });
});

describe('stage budgets and the quality factor', () => {
  it('a stage over its budget passes its input on unchanged and says so; hard filters still apply', async () => {
    const file = structuredClone(BASE) as any;
    file.surfaces.home.stage_budget_ms = 20;
    file.surfaces.home.fatigue = { factor: 100, window_days: 7 };
    file.surfaces.home.filters.max_shown = 1;
    const slow = {
      shown: () => new Promise<ReadonlyMap<string, number>>((r) => setTimeout(() => r(new Map([['col0@x', 5]])), 300)),
    };
    const s = setup(file, { shown: slow });
    await s.holder.load(true);
    const r = await s.app.get(url('home', known, '?exclude=col1@x'));
    assert.equal(r.status, 200);
    assert.equal(r.json.result_info.stages.filter, 'timeout');
    assert.equal(r.json.result_info.stages.fatigue, 'timeout');
    assert.equal(r.json.results[0], 'col0@x', 'not demoted: fatigue passed its input on');
    assert.ok(!r.json.results.includes('col1@x') && !r.json.results.includes('ed1@x'));
  });

  it("fatigue and max_shown read the store's counts over the window; a failing store changes nothing", async () => {
    const file = structuredClone(BASE) as any;
    file.surfaces.home.fatigue = { factor: 100, window_days: 3 };
    file.surfaces.home.filters.max_shown = 4;
    const asked: Array<[string, readonly string[]]> = [];
    let fail = false;
    const counts = new Map([
      ['col0@x', 1], // demoted behind every unshown candidate
      ['col1@x', 5], // over max_shown: dropped
    ]);
    const store = {
      async shown(client: string, days: readonly string[]) {
        asked.push([client, days]);
        if (fail) throw new Error('store down');
        return counts;
      },
    };
    const s = setup(file, { shown: store });
    await s.holder.load(true);
    const plain = structuredClone(BASE);
    const base = setup(plain);
    await base.holder.load(true);
    const unshown = (await base.app.get(url('home'))).json.results as string[];
    assert.deepEqual(unshown.slice(0, 4), ['col0@x', s.facts.globalTop[0][0], 'ed0@x', 'col1@x']);

    const r = await s.app.get(url('home'));
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json.result_info.stages, {
      blend: 'ok',
      first_n: 'ok',
      filter: 'ok',
      fatigue: 'ok',
      truncate: 'ok',
    });
    assert.ok(!r.json.results.includes('col1@x'), 'shown 5 times > max_shown 4');
    assert.ok(!r.json.results.includes('col0@x'), 'shown once × 100: behind the six unshown ones');
    assert.deepEqual(r.json.results.slice(0, 2), [unshown[1], unshown[2]]);
    assert.equal(asked.length, 1, 'read once for both stages');
    assert.equal(asked[0][0], known);
    assert.equal(asked[0][1].length, 3);
    assert.equal(asked[0][1][2], new Date().toISOString().slice(0, 10));

    fail = true;
    const failed = await s.app.get(url('home'));
    assert.equal(failed.status, 200);
    assert.equal(failed.json.result_info.stages.filter, 'failed');
    assert.equal(failed.json.result_info.stages.fatigue, 'failed');
    assert.deepEqual(failed.json.results, unshown, 'both stages passed their input on');
  });

  it('under load the quality factor switches off the most expensive source, then recovers', async () => {
    const file = structuredClone(BASE) as any;
    // Far from in-process answers (~1 ms) and far below the slow ones: the machine's load cannot flip a window.
    file.surfaces.home.target_p95_ms = 60;
    file.surfaces.home.first_n = 40;
    const s = setup(file, {}, { scoringBudgetMs: 1000, totalBudgetMs: 2000 });
    await s.holder.load(true);
    s.scorer.delayMs = 100; // every answer with the TAAR source takes longer than the target
    let last: any;
    // Two windows over the target (×0.7 each: 0.49), and one more answer served under that factor.
    for (let i = 0; i < 32 * 2 + 1; i++) last = (await s.app.get(url('home'))).json;
    assert.ok(last.result_info.quality_factor < 0.5, `factor ${last.result_info.quality_factor}`);
    assert.deepEqual(last.result_info.sources.collab, { status: 'off', items: 0, reason: 'quality' });
    assert.equal(last.results.length, 6, 'still a full answer');
    const metrics = await s.app.metrics.registry.metrics();
    assert.match(metrics, /recscore_surface_quality_factor\{surface="home"\} 0\.\d+/);
    s.scorer.delayMs = 0;
    for (let i = 0; i < 32 * 20; i++) last = (await s.app.get(url('home'))).json;
    assert.ok(last.result_info.quality_factor >= 0.9, JSON.stringify(last.result_info));
    assert.equal(last.result_info.sources.collab.status, 'ok');
  });
});

describe('the quality factor at a given value', () => {
  it('shrinks first-N with the factor and, below 0.5, switches off the costliest source', async () => {
    const items = (p: string) => Array.from({ length: 60 }, (_, i) => `${p}${i}@x`);
    const file = {
      surfaces: {
        wide: {
          size: 5,
          first_n: 40,
          target_p95_ms: 50,
          sources: [
            { name: 'a', kind: 'static', items: items('a'), cost: 1 },
            { name: 'b', kind: 'static', items: items('b'), cost: 2 },
            { name: 'c', kind: 'static', items: items('c'), cost: 0.5 },
          ],
        },
      },
    };
    const s = setup(file);
    await s.holder.load(true);
    const explained = async () => (await s.app.get(url('wide', known, '?explain=1'), { 'x-api-key': 'admin' })).json;
    const firstNOf = (j: any) => j.explain.find((e: any) => e.stage === 'first_n').items.length;
    const full = await explained();
    assert.equal(full.result_info.quality_factor, 1);
    assert.equal(firstNOf(full), 40);
    assert.equal(full.result_info.sources.b.status, 'ok');
    // Two windows of answers over the target: ×0.7 twice.
    const q = s.holder.qualityOf('wide')!;
    for (let i = 0; i < 64; i++) q.observe(1_000);
    assert.ok(Math.abs(q.value - 0.49) < 1e-9, String(q.value));
    const low = await explained();
    assert.equal(low.result_info.quality_factor, q.value);
    assert.equal(firstNOf(low), 20, 'first_n 40 × 0.49');
    assert.deepEqual(low.result_info.sources.b, { status: 'off', items: 0, reason: 'quality' });
    assert.equal(low.result_info.sources.a.status, 'ok');
    assert.equal(low.results.length, 5);
  });
});

describe('diversity and status', () => {
  it('diversity by a catalog attribute interleaves the categories, each in its order', async () => {
    const file = {
      surfaces: {
        mix: {
          sources: [{ name: 's', kind: 'static', items: ['p1@x', 'p2@x', 'p3@x', 't1@x', 't2@x', 'n1@x'] }],
          diversity: { by: 'category' },
        },
      },
      catalog: {
        'p1@x': { category: 'privacy' },
        'p2@x': { category: 'privacy' },
        'p3@x': { category: 'privacy' },
        't1@x': { category: 'tabs' },
        't2@x': { category: 'tabs' },
      },
    };
    const s = setup(file);
    await s.holder.load(true);
    const r = await s.app.get(url('mix'));
    assert.deepEqual(r.json.results, ['p1@x', 't1@x', 'n1@x', 'p2@x', 't2@x', 'p3@x']);
    assert.equal(r.json.result_info.stages.diversity, 'ok');
  });

  it('the status board shows the surfaces and experiments', async () => {
    const file = {
      ...structuredClone(BASE),
      experiments: [{ id: 'shown', salt: 's', surface: 'home', allocation: 0.25, variants: [{ name: 'a' }] }],
    };
    const s = setup(file);
    await s.holder.load(true);
    const snap = (await s.app.app.status.snapshot({ full: false })) as any;
    s.app.app.status.series.stop();
    const section = snap.sections?.experiments ?? snap.experiments;
    assert.ok(section, JSON.stringify(Object.keys(snap)));
    assert.deepEqual(section.experiments, [
      { id: 'shown', surface: 'home', allocation: 0.25, variants: [{ name: 'a', weight: 1 }], interleave: null },
    ]);
    assert.deepEqual(
      section.surfaces.map((x: any) => x.name),
      ['home', 'locale_only', 'empty'],
    );
  });
});
