/**
 * `recscore score` on TAAR's vectors (SPEC §12): every recommender list, the limit-10 ensemble and the
 * manager's candidate list must equal TAAR's for each of the 291 profile lines. The contract is §12.4's
 * tolerance; a second test pins today's stronger result (bit-exact weights) so that a change to float
 * order or to the log function is noticed.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import {
  VECTORS,
  VECTOR_MODELS,
  bitExact,
  firstDifference,
  haveVectors,
  readJsonl,
  type Pairs,
} from '../helpers/vectors.js';
import { describeMismatches, parseJsonLines, runCli } from './run-cli.js';

interface ExpectedList {
  can_recommend: boolean;
  results: Pairs | null;
}
interface Expected {
  case: string;
  client_id: string;
  collaborative: ExpectedList | null;
  similarity: ExpectedList | null;
  locale: ExpectedList | null;
  ensemble_limit_10: Pairs;
  manager_candidates: Pairs;
}
interface Output {
  client_id: string;
  collaborative: Pairs | null;
  similarity: Pairs | null;
  locale: Pairs | null;
  ensemble: Pairs;
  candidates: Pairs;
  failures?: unknown[];
}

const SKIP = haveVectors ? false : `TAAR vectors not found at ${VECTORS} (set RECSCORE_VECTORS to their folder)`;

/** [list name in the output, TAAR's list] for one line. */
function comparisons(e: Expected, o: Output): Array<[string, Pairs | null, Pairs | null]> {
  return [
    ['collaborative', o.collaborative, e.collaborative?.results ?? null],
    ['similarity', o.similarity, e.similarity?.results ?? null],
    ['locale', o.locale, e.locale?.results ?? null],
    ['ensemble_limit_10', o.ensemble, e.ensemble_limit_10],
    ['manager_candidates', o.candidates, e.manager_candidates],
  ];
}

describe('recscore score equals TAAR on the vectors', { skip: SKIP, timeout: 60_000 }, () => {
  let expected: Expected[];
  let out: Output[];

  before(async () => {
    expected = readJsonl<Expected>(join(VECTORS, 'expected_recommendations.jsonl'));
    const run = await runCli(['score', '--models', VECTOR_MODELS, '--profiles', join(VECTORS, 'profiles.jsonl')], {
      timeoutMs: 45_000,
    });
    assert.equal(run.code, 0, `score exited with ${run.code} (${run.signal ?? 'no signal'}):\n${run.stderr}`);
    out = parseJsonLines<Output>(run.stdout);
  });

  test('one output line per profile line, in input order', () => {
    assert.equal(out.length, expected.length);
    out.forEach((o, i) => assert.equal(o.client_id, expected[i].client_id, `line ${i + 1}`));
  });

  for (const list of ['collaborative', 'similarity', 'locale', 'ensemble_limit_10', 'manager_candidates']) {
    test(`${list}: same GUIDs in the same order, weights within SPEC §12.4's tolerance`, () => {
      const mismatches: string[] = [];
      expected.forEach((e, i) => {
        const [, actual, want] = comparisons(e, out[i]).find(([name]) => name === list)!;
        const diff = firstDifference(actual, want);
        if (diff)
          mismatches.push(`line ${i + 1} (case ${e.case}, client ${e.client_id.slice(0, 16)}…) ${list}: ${diff}`);
      });
      assert.equal(mismatches.length, 0, describeMismatches(mismatches));
    });
  }

  test('every list is bit-exact (glibc-equal ln(LR) and TAAR-ordered sums)', () => {
    const inexact: string[] = [];
    expected.forEach((e, i) => {
      for (const [name, actual, want] of comparisons(e, out[i])) {
        if (!bitExact(actual, want))
          inexact.push(`line ${i + 1} (case ${e.case}) ${name}: ${firstDifference(actual, want, 0) ?? 'differs'}`);
      }
    });
    assert.equal(inexact.length, 0, describeMismatches(inexact));
  });

  test('no recommender failure is reported on valid vectors', () => {
    const failed = out.flatMap((o, i) =>
      o.failures ? [`line ${i + 1} (case ${expected[i].case}): ${JSON.stringify(o.failures)}`] : [],
    );
    assert.equal(failed.length, 0, describeMismatches(failed));
  });
});
