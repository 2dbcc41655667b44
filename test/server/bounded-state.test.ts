/**
 * Nothing the server keeps grows with what clients send (issue 10 #4's rule: every cache and map keyed by
 * request data is bounded). Metric label values come from route names, methods from a fixed set and the
 * statuses the app answers; locales and ids never become labels or cache keys.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { syntheticBackend } from '../helpers/fake-backend.js';
import { buildApp, type InProcessApp } from './start.js';

const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD'];

describe('state bounded whatever clients send', { timeout: 60_000 }, () => {
  let s: InProcessApp;
  let b: ReturnType<typeof syntheticBackend>;
  before(async () => {
    b = syntheticBackend();
    s = buildApp({ scorer: b.scorer, facts: () => b.facts, profiles: b.profiles });
  });
  after(() => s.close());

  async function hostileRound(seed: number): Promise<void> {
    for (let i = 0; i < 150; i++) {
      const n = seed * 1_000 + i;
      const unknown = `${n.toString(16).padStart(8, '0')}${'e'.repeat(56)}`;
      const paths = [
        `/v1/api/recommendations/${unknown}/?locale=xx-${n}`,
        `/v1/api/recommendations/${b.known.client_id}/?locale=l${n}&platform=p${n}`,
        `/taarlite/api/v1/addon_recommendations/g${n}@x/?normalize=n${n}`,
        `/nope/${n}`,
        `/v1/api/client_has_addon/${unknown}/a${n}@x/`,
      ];
      const method = METHODS[n % METHODS.length];
      const headers = { 'accept-language': `q${n}-ZZ,r${n};q=0.5`, 'x-request-id': `id-${n}` };
      await s.call(method, paths[n % paths.length], { headers });
    }
  }

  it('metric series and answers stay the same after thousands of distinct locales, ids and paths', async () => {
    await hostileRound(1);
    const series = (text: string) =>
      text
        .split('\n')
        .filter((l) => l && !l.startsWith('#'))
        .map((l) => l.replace(/ [^ ]+$/, ''));
    await s.get('/metrics'); // its own series exist from the first scrape on
    const first = series((await s.get('/metrics')).text);
    await hostileRound(2);
    await hostileRound(3);
    const later = series((await s.get('/metrics')).text);
    assert.deepEqual(
      later.filter((l) => !first.includes(l)),
      [],
      'no new series',
    );
    assert.ok(!later.some((l) => /xx-|id-\d|q\d+-ZZ/.test(l)), 'no request data in labels');
  });
});
