/** Unit tests of the surface stages: blend order and reproducibility, merge provenance, fatigue, interleaving. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { blend, blendSeed } from './blend.js';
import type { Candidate } from './candidates.js';
import { firstN } from './dedup.js';
import { applyFatigue } from './fatigue.js';
import { applyFilters } from './filters.js';
import { windowDays } from './impressions.js';
import { creditClicks, diversify, teamDraft } from './interleave.js';
import { QualityFactor } from './quality.js';
import { parseSurfacesText } from './schema.js';
import { seededRandom } from '../../seeded-random.js';

const list = (prefix: string, n: number): Array<[string, number]> =>
  Array.from({ length: n }, (_, i) => [`${prefix}${i}`, n - i]);
const cand = (item: string, source = 's'): Candidate => ({ item, score: 1, sources: [{ source, rank: 0, score: 1 }] });

describe('blend', () => {
  it('round robin follows the weights over every prefix, deterministically', () => {
    const out = blend(
      [
        { name: 'a', weight: 2, list: list('a', 10) },
        { name: 'b', weight: 1, list: list('b', 10) },
      ],
      'round_robin',
      9,
    );
    assert.deepEqual(
      out.map((p) => p.item),
      ['a0', 'b0', 'a1', 'a2', 'b1', 'a3', 'a4', 'b2', 'a5'],
    );
    assert.deepEqual(out[1], { item: 'b0', score: 10, source: 'b', rank: 0 });
  });
  it('round robin goes on with the other lists when one runs out; weight 0 contributes nothing', () => {
    const out = blend(
      [
        { name: 'a', weight: 1, list: list('a', 1) },
        { name: 'b', weight: 1, list: list('b', 3) },
        { name: 'z', weight: 0, list: list('z', 3) },
      ],
      'round_robin',
      10,
    );
    assert.deepEqual(
      out.map((p) => p.item),
      ['a0', 'b0', 'b1', 'b2'],
    );
  });
  it('sampling is reproducible for a client and day, differs across days, keeps each list in order', () => {
    const lists = [
      { name: 'a', weight: 3, list: list('a', 50) },
      { name: 'b', weight: 1, list: list('b', 50) },
    ];
    const s1 = blendSeed('client-1', '2026-12-04');
    const one = blend(lists, 'sample', 40, s1);
    assert.deepEqual(blend(lists, 'sample', 40, s1), one);
    assert.notDeepEqual(blend(lists, 'sample', 40, blendSeed('client-1', '2026-12-05')), one);
    const ranksA = one.filter((p) => p.source === 'a').map((p) => p.rank);
    assert.deepEqual(
      ranksA,
      [...ranksA].sort((x, y) => x - y),
    );
    const shareA = ranksA.length / one.length;
    assert.ok(shareA > 0.5 && shareA < 0.95, `share of a ${shareA}`);
  });
});

describe('first-N dedup', () => {
  it('keeps the first N distinct items and every source that proposed each, with rank and score', () => {
    const merged = firstN(
      [
        { item: 'x', score: 9, source: 'a', rank: 0 },
        { item: 'y', score: 5, source: 'b', rank: 0 },
        { item: 'x', score: 4, source: 'b', rank: 1 },
        { item: 'z', score: 8, source: 'a', rank: 1 },
        { item: 'y', score: 7, source: 'c', rank: 3 },
      ],
      2,
    );
    assert.deepEqual(merged, [
      {
        item: 'x',
        score: 9,
        sources: [
          { source: 'a', rank: 0, score: 9 },
          { source: 'b', rank: 1, score: 4 },
        ],
      },
      {
        item: 'y',
        score: 5,
        sources: [
          { source: 'b', rank: 0, score: 5 },
          { source: 'c', rank: 3, score: 7 },
        ],
      },
    ]);
  });
});

describe('filters', () => {
  it('drops excluded, blocked, over-shown items and items whose attributes do not match', () => {
    const out = applyFilters(
      ['a', 'b', 'c', 'd', 'e', 'f'].map((i) => cand(i)),
      {
        exclude: new Set(['a']),
        block: new Set(['b']),
        maxShown: 2,
        shown: new Map([
          ['c', 3],
          ['d', 2],
        ]),
        attributes: new Map([['category', 'privacy']]),
        catalog: new Map([
          ['d', { category: 'privacy' }],
          ['e', { category: 'tabs' }],
          ['f', { category: 'privacy' }],
        ]),
      },
    );
    assert.deepEqual(
      out.map((c) => c.item),
      ['d', 'f'],
    );
  });

  it('max_shown 0 drops every item the client was shown (the seen-items filter); the file accepts it', () => {
    const shown = new Map([['b', 1]]);
    const out = applyFilters(
      ['a', 'b', 'c'].map((i) => cand(i)),
      {
        exclude: new Set(),
        block: new Set(),
        maxShown: 0,
        shown,
      },
    );
    assert.deepEqual(
      out.map((c) => c.item),
      ['a', 'c'],
    );
    const file = {
      surfaces: { s: { sources: [{ name: 'x', kind: 'static', items: [] }], filters: { max_shown: 0 } } },
    };
    assert.equal(parseSurfacesText(JSON.stringify(file), 'f').surfaces.s.filters.max_shown, 0);
  });
});

describe('fatigue', () => {
  it('ranks by rank + impressions × factor, ties in input order', () => {
    const cands = ['i0', 'i1', 'i2', 'i3', 'i4', 'i5'].map((i) => cand(i));
    // i1: 1 + 2×2 = 5 → after i2..i4 (2, 3, 4), tied with i5 (5) and kept before it (input order).
    const out = applyFatigue(cands, new Map([['i1', 2]]), 2);
    assert.deepEqual(
      out.map((c) => c.item),
      ['i0', 'i2', 'i3', 'i4', 'i1', 'i5'],
    );
    // i0 shown 3 times with factor 0.5: key 1.5 → between i1 (1) and i2 (2).
    assert.deepEqual(
      applyFatigue(cands, new Map([['i0', 3]]), 0.5).map((c) => c.item),
      ['i1', 'i0', 'i2', 'i3', 'i4', 'i5'],
    );
  });
  it('the window is the last n UTC days, oldest first', () => {
    const now = Date.UTC(2026, 2, 1, 23, 59); // 1 March 2026: the window crosses February's end
    assert.deepEqual(windowDays(now, 3), ['2026-02-27', '2026-02-28', '2026-03-01']);
    assert.deepEqual(windowDays(Date.UTC(2026, 0, 1), 1), ['2026-01-01']);
  });
});

describe('interleaving', () => {
  it('diversity deals one item per group in turn, each group in its order', () => {
    const cands = [
      cand('a1', 'A'),
      cand('a2', 'A'),
      cand('a3', 'A'),
      cand('b1', 'B'),
      cand('c1', 'C'),
      cand('b2', 'B'),
    ];
    assert.deepEqual(
      diversify(cands, (c) => c.sources[0].source).map((c) => c.item),
      ['a1', 'b1', 'c1', 'a2', 'b2', 'a3'],
    );
  });
  it('team draft: each team places its best unused item per round; clicks go to the team that placed them', () => {
    const a = ['x', 'y', 'z', 'w'];
    const b = ['y', 'v', 'x', 'u'];
    const draft = teamDraft(a, b, 6, seededRandom(7));
    assert.equal(new Set(draft.items).size, draft.items.length);
    assert.equal(draft.items.length, 6);
    for (let i = 0; i < draft.items.length; i++) {
      const own = draft.teams[i] === 0 ? a : b;
      assert.ok(own.includes(draft.items[i]), `${draft.items[i]} is on its team's list`);
    }
    // Team sizes differ by at most one after every full round.
    const n0 = draft.teams.filter((t) => t === 0).length;
    assert.ok(Math.abs(n0 - (draft.teams.length - n0)) <= 1);
    const fixed = teamDraft(a, b, 4, () => 0.1); // a always first: x (a), y (b), z (a), v (b)
    assert.deepEqual(fixed, { items: ['x', 'y', 'z', 'v'], teams: [0, 1, 0, 1] });
    assert.deepEqual(creditClicks(fixed, ['y', 'v', 'x', 'nope']), [1, 2]);
  });
});

describe('quality factor', () => {
  it('decreases multiplicatively over the target, recovers additively under it', () => {
    const q = new QualityFactor({ targetP95Ms: 10, every: 4 });
    for (let i = 0; i < 4; i++) q.observe(50);
    assert.equal(q.value, 0.7);
    for (let i = 0; i < 8; i++) q.observe(50);
    assert.ok(Math.abs(q.value - 0.343) < 1e-9);
    assert.equal(q.shedsCostliest, true);
    assert.equal(q.firstN(100, 10), 34);
    for (let i = 0; i < 4 * 20; i++) q.observe(1);
    assert.equal(q.value, 1);
    assert.equal(q.shedsCostliest, false);
  });
});

describe('surfaces file', () => {
  const good = {
    surfaces: { home: { sources: [{ name: 'pop', kind: 'popularity' }] } },
    experiments: [{ id: 'e1', salt: 's', surface: 'home', allocation: 0.5, variants: [{ name: 'control' }] }],
  };
  it('fills defaults', () => {
    const f = parseSurfacesText(JSON.stringify(good), 'f.json');
    assert.equal(f.surfaces.home.size, 10);
    assert.equal(f.surfaces.home.sources[0].weight, 1);
  });
  it('reads YAML', () => {
    const f = parseSurfacesText(
      'surfaces:\n  home:\n    sources:\n      - {name: s, kind: static, items: [a, b]}\n',
      'f.yaml',
    );
    assert.equal(f.surfaces.home.sources[0].kind, 'static');
  });
  it('names the path of the bad field', () => {
    const bad = structuredClone(good) as any;
    bad.surfaces.home.sources.push({ name: 'x', kind: 'taar', recommender: 'collab' });
    assert.throws(
      () => parseSurfacesText(JSON.stringify(bad), 'f.json'),
      /f\.json: surfaces\.home\.sources\[1\]\.recommender/,
    );
    const bad2 = structuredClone(good) as any;
    bad2.experiments[0].surface = 'nope';
    assert.throws(
      () => parseSurfacesText(JSON.stringify(bad2), 'f.json'),
      /experiments\[0\]\.surface: no surface nope/,
    );
    const bad3 = structuredClone(good) as any;
    bad3.surfaces.taar = bad3.surfaces.home;
    assert.throws(() => parseSurfacesText(JSON.stringify(bad3), 'f.json'), /surfaces\.taar: `taar` is built in/);
    assert.throws(() => parseSurfacesText('{', 'f.json'), /RECSCORE|not JSON or YAML/);
  });
});
