/**
 * SplitRouter (src/server/split-router.ts) answers every path as Hono's TrieRouter does over the same
 * routes, with the RegExpRouter serving the paths outside its prefixes.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TrieRouter } from 'hono/router/trie-router';
import type { Result } from 'hono/router';
import { SplitRouter } from '../../src/server/split-router.js';

// The shapes of the server's routes, the registry API's refused pair included.
const ROUTES: Array<[string, string]> = [
  ['ALL', '/*'],
  ['GET', '/v1/api/recommendations/:hashed_client_id/'],
  ['POST', '/v1/api/recommendations/:hashed_client_id/'],
  ['GET', '/v1/api/recommendations/:hashed_client_id'],
  ['POST', '/v1/recommendations'],
  ['GET', '/v1/api/client_has_addon/:hashed_client_id/:addon_id/'],
  ['GET', '/taarlite/api/v1/addon_recommendations/:guid/'],
  ['GET', '/health'],
  ['GET', '/assets/:name'],
  ['POST', '/api/models'],
  ['GET', '/api/models'],
  ['GET', '/api/models/default'],
  ['PUT', '/api/models/default'],
  ['GET', '/api/models/:id'],
  ['DELETE', '/api/models/:id'],
  ['GET', '/api/models/:modelId/recommend'],
  ['POST', '/api/models/:modelId/recommend'],
];

const PATHS = [
  '/v1/api/recommendations/abc/',
  '/v1/api/recommendations/abc',
  '/v1/recommendations',
  '/v1/api/client_has_addon/a/b%40c/',
  '/taarlite/api/v1/addon_recommendations/x@y/',
  '/health',
  '/health/',
  '/assets/app.js',
  '/nothing',
  '/',
  '/api/models',
  '/api/models/',
  '/api/models/default',
  '/api/models/0a1b',
  '/api/models/0a1b/recommend',
  '/api/models/default/recommend',
  '/api/modelsX',
];

/** Handlers with their params, whichever of Hono's two result shapes the router returns. */
function resolved(r: Result<string>): Array<[string, Record<string, string>]> {
  const stash = r[1];
  return r[0].map(([handler, params]) => {
    const values: Record<string, string> = {};
    for (const [k, v] of Object.entries(params)) values[k] = stash ? stash[v as number] : (v as string);
    return [handler, values];
  });
}

describe('SplitRouter', () => {
  const split = new SplitRouter<string>(['/api/models/']);
  const trie = new TrieRouter<string>();
  for (const [method, path] of ROUTES) {
    split.add(method, path, `${method} ${path}`);
    trie.add(method, path, `${method} ${path}`);
  }

  it('matches every method and path as the TrieRouter does', () => {
    for (const method of ['GET', 'POST', 'PUT', 'DELETE']) {
      for (const path of PATHS) {
        const want = resolved(trie.match(method, path));
        assert.deepEqual(resolved(split.match(method, path)), want, `${method} ${path}`);
      }
    }
  });

  it('keeps the RegExpRouter for paths outside the prefixes', () => {
    split.match('GET', '/health');
    assert.equal(split.activeRouter.name, 'RegExpRouter');
  });

  it('falls back to the TrieRouter when the RegExpRouter refuses a route outside the prefixes', () => {
    const r = new SplitRouter<string>([]);
    for (const [method, path] of ROUTES) r.add(method, path, `${method} ${path}`);
    const got = resolved(r.match('GET', '/api/models/default'));
    assert.deepEqual(got, resolved(trie.match('GET', '/api/models/default')));
    assert.equal(r.activeRouter.name, 'TrieRouter');
  });
});
