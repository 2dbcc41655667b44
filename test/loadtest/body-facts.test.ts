import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { countMatching, FactsTally, mergeFacts, pathMatches, pathOf, PLAIN } from '../../loadtest/body-facts.js';

const answer = (servedBy: string, version: string, reason?: string) =>
  JSON.stringify({
    results: ['a'],
    result_info: { served_by: servedBy, ...(reason ? { reason } : {}), model_version: version, draw: false },
  });

describe('answer paths from result_info', () => {
  it('names ensemble, fallback with reason, and plain answers', () => {
    assert.equal(pathOf(answer('ensemble', 'v1')), 'ensemble');
    assert.equal(pathOf(answer('locale', 'v1', 'breaker-open')), 'locale:breaker-open');
    assert.equal(pathOf('{"results":["x","y","z","w"]}'), PLAIN);
  });

  it('counts version switches in answer order', () => {
    const t = new FactsTally();
    for (const v of ['a', 'a', 'b', 'b', 'a']) t.add(answer('ensemble', v));
    t.add('{"results":[]}');
    assert.deepEqual(t.facts.versions, { a: 3, b: 2 });
    assert.equal(t.facts.versionSwitches, 2);
    assert.deepEqual(t.facts.paths, { ensemble: 5, plain: 1 });
  });

  it('matches patterns: exact, step:*, *:reason, *', () => {
    assert.ok(pathMatches('ensemble', 'ensemble'));
    assert.ok(pathMatches('locale:shed', 'locale:*'));
    assert.ok(pathMatches('global:unknown-client', '*:unknown-client'));
    assert.ok(pathMatches('plain', '*'));
    assert.ok(!pathMatches('ensemble', '*:shed'));
    assert.ok(!pathMatches('locale:shed', 'locale'));
    assert.ok(!pathMatches('locale:shed', '*:breaker-open'));
    assert.equal(
      countMatching({ ensemble: 5, 'locale:shed': 2, 'global:unknown-client': 1, plain: 3 }, [
        'ensemble',
        '*:unknown-client',
      ]),
      6,
    );
  });

  it('merges the tallies of rounds', () => {
    const m = mergeFacts([
      { paths: { ensemble: 2 }, versions: { a: 2 }, versionSwitches: 0 },
      { paths: { ensemble: 1, plain: 4 }, versions: { a: 1, b: 1 }, versionSwitches: 1 },
    ]);
    assert.deepEqual(m, { paths: { ensemble: 3, plain: 4 }, versions: { a: 3, b: 1 }, versionSwitches: 1 });
  });
});
