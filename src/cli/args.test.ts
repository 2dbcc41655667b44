/**
 * Regression tests for two CLI argument bugs: `--limit=` was read as 0 (Number('') is 0), and parseArgs'
 * multi-line messages broke the one-line `error RECSCORE_CONFIG: …` contract.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { intOption, parse } from './args.js';

test('intOption accepts only plain decimal integers in range', () => {
  assert.equal(intOption('limit', undefined, 10), 10);
  assert.equal(intOption('limit', '0', 10), 0);
  assert.equal(intOption('limit', '42', 10), 42);
  assert.equal(intOption('offset', '-3', 0, -5, 5), -3);
  for (const bad of ['', ' ', '1.5', '1e3', '0x10', ' 5', 'abc', '-1', '101']) {
    assert.throws(
      () => intOption('limit', bad, 10, 0, 100),
      { code: 'RECSCORE_CONFIG', message: /--limit/ },
      JSON.stringify(bad),
    );
  }
});

test('a parseArgs error becomes one RECSCORE_CONFIG line', () => {
  assert.throws(
    () => parse(['--limit', '-3'], { limit: { type: 'string' } }),
    (e: Error & { code?: string }) => {
      assert.equal(e.code, 'RECSCORE_CONFIG');
      assert.doesNotMatch(e.message, /\n/);
      assert.match(e.message, /--limit/);
      return true;
    },
  );
});
