import { it } from 'node:test';
import assert from 'node:assert/strict';
import type { ModelFacts, WeightedList } from '../recommend/contracts.js';
import { runFallback } from './fallback.js';

const list = (p: string, n: number): WeightedList => Array.from({ length: n }, (_, i) => [`${p}${i}`, n - i]);
const lists: Record<string, WeightedList> = { de: list('de', 12), 'pt-BR': list('pt', 3), fa: [] };
const facts = {
  version: 'v',
  whitelist: [],
  testClientCandidates: [],
  globalTop: list('g', 20),
  localeTop: (l: string) => lists[l],
  related: () => [],
} as ModelFacts;

it('runFallback walks the chain in order; locale hints exact, then primary subtag', () => {
  assert.deepEqual(runFallback(['locale', 'global'], { facts, localeHints: ['de'] }, 10), {
    servedBy: 'locale',
    list: lists.de.slice(0, 10),
    locale: 'de',
  });
  assert.equal(runFallback(['locale', 'global'], { facts, localeHints: ['de-AT'] }, 10).locale, 'de');
  assert.equal(runFallback(['locale', 'global'], { facts, localeHints: ['xx', 'pt-BR'] }, 10).locale, 'pt-BR');
  assert.equal(runFallback(['locale', 'global'], { facts, localeHints: ['fa'] }, 10).servedBy, 'global');
  assert.deepEqual(
    runFallback(['locale', 'global'], { facts, localeHints: [] }, 10).list,
    facts.globalTop.slice(0, 10),
  );
  assert.deepEqual(runFallback(['global', 'locale'], { facts, localeHints: ['de'] }, 5).servedBy, 'global');
  assert.deepEqual(runFallback([], { facts, localeHints: ['de'] }, 10), { servedBy: 'none', list: [] });
  assert.deepEqual(runFallback(['locale'], { facts, localeHints: ['zz'] }, 10), { servedBy: 'none', list: [] });
});
