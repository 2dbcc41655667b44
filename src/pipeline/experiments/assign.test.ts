import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SurfacePlan } from '../surfaces/run.js';
import { parseSurfacesText } from '../surfaces/schema.js';
import { applyOverrides, assign, experimentsField, parseVariantTag, variantTag } from './assign.js';

const FILE = parseSurfacesText(
  JSON.stringify({
    surfaces: {
      home: {
        size: 10,
        first_n: 50,
        sources: [
          { name: 'collab', kind: 'taar', recommender: 'collaborative', weight: 2 },
          { name: 'sar', kind: 'sar', model: 'default' },
          { name: 'pop', kind: 'popularity' },
        ],
        filters: { block: ['b@x'], max_shown: 5 },
        fatigue: { factor: 2 },
        diversity: { by: 'source' },
      },
    },
    experiments: [
      { id: 'e1', salt: 's1', surface: 'home', allocation: 1, variants: [{ name: 'only' }] },
      { id: 'e2', salt: 's2', surface: 'home', allocation: 0, variants: [{ name: 'never' }] },
      { id: 'e3', salt: 's3', surface: 'taar', allocation: 1, variants: [{ name: 'on_taar' }] },
    ],
  }),
  'test',
);
const base = (): SurfacePlan => ({ ...FILE.surfaces.home, name: 'home' });

describe('variant overrides', () => {
  it('change source weights, budgets, limits, models and switches, stages and sizes; the base is untouched', () => {
    const before = structuredClone(base());
    const b = base();
    const p = applyOverrides(b, {
      size: 4,
      first_n: 20,
      blend: { mode: 'sample' },
      filters: { max_shown: 2 },
      fatigue: null,
      diversity: { by: 'category' },
      sources: {
        collab: { weight: 5, budget_ms: 7, limit: 9 },
        sar: { model: 'shelf v2' },
        pop: { enabled: false },
      },
    });
    assert.equal(p.size, 4);
    assert.equal(p.first_n, 20);
    assert.deepEqual(p.blend, { mode: 'sample' });
    assert.deepEqual(p.filters, { installed: true, block: ['b@x'], max_shown: 2 }, 'merged over the base filters');
    assert.equal(p.fatigue, undefined, 'null switches fatigue off');
    assert.deepEqual(p.diversity, { by: 'category' });
    const collab = p.sources.find((s) => s.name === 'collab')!;
    assert.deepEqual([collab.weight, collab.budget_ms, collab.limit], [5, 7, 9]);
    const sar = p.sources.find((s) => s.name === 'sar')!;
    assert.equal(sar.kind === 'sar' && sar.model, 'shelf v2');
    assert.deepEqual([...(p.disabled ?? [])], ['pop']);
    assert.deepEqual(b, before);
    // A later experiment can switch a source back on.
    assert.deepEqual([...(applyOverrides(p, { sources: { pop: { enabled: true } } }).disabled ?? [])], []);
    // No overrides: the same plan.
    const same = applyOverrides(base(), {});
    assert.deepEqual({ ...same, disabled: undefined }, { ...base(), disabled: undefined });
  });

  it("assigns only the surface's experiments, skips clients outside, and round-trips the variant tag", () => {
    const as = assign(FILE.experiments, 'home', 'client-1');
    assert.deepEqual(experimentsField(as), { e1: 'only' });
    assert.deepEqual(experimentsField(assign(FILE.experiments, 'taar', 'client-1')), { e3: 'on_taar' });
    assert.deepEqual(assign(FILE.experiments, 'nowhere', 'client-1'), []);
    const tag = variantTag({ e1: 'only', e9: 'b' });
    assert.equal(tag, 'e1:only,e9:b');
    assert.deepEqual(parseVariantTag(tag), { e1: 'only', e9: 'b' });
    assert.deepEqual(parseVariantTag(undefined), {});
    assert.equal(variantTag({}), '');
  });
});
