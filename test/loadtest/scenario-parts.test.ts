import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mixedPaths, seededRandom, unknownClientId } from '../../loadtest/paths.js';
import { parseRss } from '../../loadtest/rss.js';
import { sustainableFrom } from '../../loadtest/scenario-overload.js';
import { isTestClient } from '../../src/recommend/test-clients.js';

describe('load-test scenario parts', () => {
  it('sustainable connections: the last step that held before the first that did not', () => {
    const step = (connections: number, ok: boolean) => ({
      connections,
      ok,
      rps: 1,
      p99: 1,
      ensembleShare: ok ? 1 : 0.5,
    });
    assert.equal(sustainableFrom([step(8, true), step(16, true), step(32, false), step(64, true)]), 16);
    assert.equal(sustainableFrom([step(8, true), step(16, true)]), 16);
    assert.equal(sustainableFrom([step(8, false)]), 4);
  });

  it('unknown client ids are 64 hex characters and never a TAAR test id', () => {
    const random = seededRandom(1);
    for (let i = 0; i < 1000; i++) {
      const id = unknownClientId(random);
      assert.match(id, /^[0-9a-f]{64}$/);
      assert.equal(isTestClient(id), false);
    }
    assert.equal(isTestClient(unknownClientId(() => 0.9999999999)), false); // all-'f' draws
  });

  it('mixed traffic is 80 % known clients, 15 % TAAR-lite, 5 % unknown clients', () => {
    const data = { name: 't', models: '', profiles: '', clientIds: ['c1', 'c2'], guids: ['g@x', '{a-b}'] };
    const next = mixedPaths(data, 5);
    let known = 0;
    let lite = 0;
    let unknown = 0;
    const n = 20_000;
    for (let i = 0; i < n; i++) {
      const p = next();
      if (p.startsWith('/taarlite/')) lite++;
      else if (/\/c[12]\/$/.test(p)) known++;
      else unknown++;
    }
    assert.ok(Math.abs(known / n - 0.8) < 0.02, `known ${known / n}`);
    assert.ok(Math.abs(lite / n - 0.15) < 0.02, `lite ${lite / n}`);
    assert.ok(Math.abs(unknown / n - 0.05) < 0.01, `unknown ${unknown / n}`);
  });

  it('reads VmRSS and its split from /proc/<pid>/status', () => {
    const status =
      'Name:\tnode\nVmRSS:\t  204800 kB\nRssAnon:\t  150000 kB\nRssFile:\t   50000 kB\nRssShmem:\t    4800 kB\n';
    assert.deepEqual(parseRss(status), {
      rss: 204_800 * 1024,
      anon: 150_000 * 1024,
      file: 50_000 * 1024,
      shmem: 4_800 * 1024,
    });
  });
});
