/**
 * `recscore related --queries` on TAAR's 3,045 TAAR-lite queries (SPEC §6.6, §12.3): each answer must be
 * exactly TAAR's `recommend` list — GUIDs, order and the formatted rank strings.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { VECTORS, VECTOR_MODELS, haveVectors, readJsonl } from '../helpers/vectors.js';
import { describeMismatches, parseJsonLines, runCli } from './run-cli.js';

type LexList = Array<[string, string]>;
interface Expected {
  case: string;
  guid: string;
  normalize?: string;
  recommend: LexList;
}
interface Output {
  guid: string;
  normalize: string | null;
  results: LexList;
}

const SKIP = haveVectors ? false : `TAAR vectors not found at ${VECTORS} (set RECSCORE_VECTORS to their folder)`;

function firstLexDifference(actual: LexList, expected: LexList): string | undefined {
  const n = Math.min(actual.length, expected.length);
  for (let i = 0; i < n; i++) {
    if (actual[i][0] !== expected[i][0] || actual[i][1] !== expected[i][1]) {
      return `position ${i}: ${JSON.stringify(actual[i])}, expected ${JSON.stringify(expected[i])}`;
    }
  }
  return actual.length === expected.length ? undefined : `length ${actual.length}, expected ${expected.length}`;
}

describe('recscore related equals TAAR-lite on the vectors', { skip: SKIP, timeout: 60_000 }, () => {
  let expected: Expected[];
  let out: Output[];

  before(async () => {
    expected = readJsonl<Expected>(join(VECTORS, 'expected_taarlite.jsonl'));
    const run = await runCli(
      ['related', '--models', VECTOR_MODELS, '--queries', join(VECTORS, 'taarlite_queries.jsonl')],
      { timeoutMs: 45_000 },
    );
    assert.equal(run.code, 0, `related exited with ${run.code} (${run.signal ?? 'no signal'}):\n${run.stderr}`);
    out = parseJsonLines<Output>(run.stdout);
  });

  test('one answer per query, echoing its guid and normalize', () => {
    assert.equal(out.length, expected.length);
    const wrong = expected.flatMap((e, i) =>
      out[i].guid === e.guid && out[i].normalize === (e.normalize ?? null)
        ? []
        : [
            `line ${i + 1}: ${JSON.stringify([out[i].guid, out[i].normalize])}, ` +
              `expected ${JSON.stringify([e.guid, e.normalize ?? null])}`,
          ],
    );
    assert.equal(wrong.length, 0, describeMismatches(wrong));
  });

  test('every answer equals TAAR-lite `recommend` exactly', () => {
    const mismatches: string[] = [];
    expected.forEach((e, i) => {
      const diff = firstLexDifference(out[i].results, e.recommend);
      if (diff)
        mismatches.push(
          `line ${i + 1} (case ${e.case}, guid ${e.guid}, normalize ${e.normalize ?? '(default)'}): ${diff}`,
        );
    });
    assert.equal(mismatches.length, 0, describeMismatches(mismatches));
  });

  test('the vectors exercise every normalisation and the empty answers', () => {
    const cases = new Set(expected.map((e) => e.case));
    for (const c of [
      'default',
      'none',
      'row_count',
      'row_sum',
      'rownorm_sum',
      'guidception',
      'unknown_guid',
      'invalid_normalize',
    ])
      assert.ok(cases.has(c), c);
    assert.ok(
      out.some((o) => o.results.length === 0),
      'some answers are []',
    );
  });
});
