import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { WeightedList } from './contracts.js';
import { draw, DRAW_EPSILON } from './draw.js';
import { seededRandom as seeded } from '../seeded-random.js';

function inclusion(candidates: WeightedList, k: number, trials: number, seed: number): Map<string, number> {
  const random = seeded(seed);
  const count = new Map<string, number>(candidates.map(([g]) => [g, 0]));
  for (let t = 0; t < trials; t++) for (const [g] of draw(candidates, k, random)) count.set(g, count.get(g)! + 1);
  return new Map([...count].map(([g, c]) => [g, c / trials]));
}

describe('draw (SPEC §2.1 weighted sampling without replacement)', () => {
  it('returns min(k, n) distinct candidates', () => {
    const c: WeightedList = Array.from({ length: 30 }, (_, i) => [`g${i}`, i * 0.1]);
    const random = seeded(1);
    for (let t = 0; t < 200; t++) {
      const out = draw(c, 10, random);
      assert.equal(out.length, 10);
      assert.equal(new Set(out.map(([g]) => g)).size, 10);
      for (const e of out) assert.ok(c.includes(e));
    }
  });

  it('fewer than k candidates: all of them; none: []', () => {
    const c: WeightedList = [
      ['a', 3],
      ['b', -1],
      ['c', 0],
    ];
    assert.deepEqual(draw(c, 10, seeded(2)), c);
    assert.deepEqual(draw([], 10, seeded(2)), []);
    assert.deepEqual(draw(c, 0, seeded(2)), []);
  });

  it('inclusion frequency is monotone in weight', () => {
    const c: WeightedList = Array.from({ length: 30 }, (_, i) => [`g${i}`, 1 + i]);
    const f = inclusion(c, 10, 20_000, 3);
    const freqs = c.map(([g]) => f.get(g)!);
    for (let i = 1; i < freqs.length; i++)
      assert.ok(freqs[i] >= freqs[i - 1] - 0.01, `g${i} ${freqs[i]} < g${i - 1} ${freqs[i - 1]}`);
    assert.ok(freqs[0] < 0.001, 'the min(w) entry has mass eps only');
    assert.ok(freqs[29] > freqs[1] + 0.4);
  });

  it('matches the exact inclusion law of successive sampling (n = 3, k = 2)', () => {
    const c: WeightedList = [
      ['a', 1],
      ['b', 2],
      ['c', 4],
    ]; // shifted: 0+eps, 1+eps, 3+eps
    const p = c.map(([, w]) => w - 1 + DRAW_EPSILON);
    const total = p.reduce((s, x) => s + x, 0);
    const q = p.map((x) => x / total);
    const exact = q.map((qi, i) => qi + q.reduce((s, qj, j) => (j === i ? s : s + (qj * qi) / (1 - qj)), 0));
    const f = inclusion(c, 2, 50_000, 4);
    c.forEach(([g], i) => assert.ok(Math.abs(f.get(g)! - exact[i]) < 0.01, `${g}: ${f.get(g)} vs ${exact[i]}`));
  });

  it('the first pick follows p ∝ w − min(w) + eps', () => {
    const c: WeightedList = [
      ['a', 10],
      ['b', 12],
      ['c', 15],
      ['d', 20],
      ['e', 30],
    ];
    const random = seeded(5);
    const first = new Map<string, number>();
    const trials = 40_000;
    for (let t = 0; t < trials; t++) {
      const [g] = draw(c, 3, random)[0];
      first.set(g, (first.get(g) ?? 0) + 1);
    }
    const total = c.reduce((s, [, w]) => s + w - 10, 0);
    for (const [g, w] of c) assert.ok(Math.abs((first.get(g) ?? 0) / trials - (w - 10) / total) < 0.01, g);
  });

  it('the min(w) entries still appear once the others are exhausted (eps mass)', () => {
    const c: WeightedList = [
      ...Array.from({ length: 5 }, (_, i): [string, number] => [`hi${i}`, 5 + i]),
      ...Array.from({ length: 8 }, (_, i): [string, number] => [`lo${i}`, 1]),
    ];
    const f = inclusion(c, 10, 8_000, 6);
    for (let i = 0; i < 5; i++) assert.equal(f.get(`hi${i}`), 1);
    for (let i = 0; i < 8; i++) assert.ok(Math.abs(f.get(`lo${i}`)! - 5 / 8) < 0.03, `lo${i} ${f.get(`lo${i}`)}`);
  });

  it('equal weights draw uniformly; negative weights are fine (TAAR #184)', () => {
    const c: WeightedList = Array.from({ length: 20 }, (_, i) => [`g${i}`, -3]);
    const f = inclusion(c, 10, 8_000, 7);
    for (const [g] of c) assert.ok(Math.abs(f.get(g)! - 0.5) < 0.03, g);
  });

  it('non-finite weights do not break the draw', () => {
    const c: WeightedList = [
      ['a', NaN],
      ['b', Infinity],
      ['c', 1],
      ['d', 2],
      ['e', -Infinity],
    ];
    const out = draw(c, 3, seeded(8));
    assert.equal(new Set(out.map(([g]) => g)).size, 3);
  });
});
