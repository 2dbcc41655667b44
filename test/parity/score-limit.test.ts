/**
 * `recscore score --limit 5` must be TAAR's ensemble computed with limit 5 (SPEC §6.4: each recommender
 * contributes its top `limit + installed` entries), which is not the first 5 of the limit-10 list. The
 * oracle below recomputes TAAR's ensemble in-process from TAAR's own per-recommender lists in the vectors
 * (top-k lists under a total order are prefixes of each other), and it is first checked against TAAR's
 * limit-10 answers. The in-process scoreClient with limit 5 alone must agree too.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { WasmKernel } from '../../src/kernel/wasm-kernel.js';
import { createLogger } from '../../src/log.js';
import { loadModel } from '../../src/kernel/taar-model.js';
import type { PackedModel } from '../../src/model/kinds/taar/packed-model.js';
import { LocalModelSource } from '../../src/model/source/local-source.js';
import type { ClientInfo, ExtraData } from '../../src/profile/client-info.js';
import { encodeClient } from '../../src/recommend/client-features.js';
import { scoreClient } from '../../src/recommend/score-client.js';
import { VECTORS, VECTOR_MODELS, firstDifference, haveVectors, readJsonl, type Pairs } from '../helpers/vectors.js';
import { describeMismatches, parseJsonLines, runCli } from './run-cli.js';

interface ExpectedList {
  can_recommend: boolean;
  results: Pairs | null;
}
interface Expected {
  case: string;
  client_id: string;
  is_test_client: boolean;
  profile_found: boolean;
  collaborative: ExpectedList | null;
  similarity: ExpectedList | null;
  locale: ExpectedList | null;
  ensemble_limit_10: Pairs;
  manager_candidates: Pairs;
}
interface ProfileLine {
  case: string;
  client_id: string;
  profile: ClientInfo | null;
  extra_data: ExtraData;
}
interface Output {
  client_id: string;
  ensemble: Pairs;
  candidates: Pairs;
}

const SKIP = haveVectors ? false : `TAAR vectors not found at ${VECTORS} (set RECSCORE_VECTORS to their folder)`;
const KEYS = ['collaborative', 'similarity', 'locale'] as const;

/** Python's str order (code points). */
function pyCompare(a: string, b: string): number {
  const x = Array.from(a, (c) => c.codePointAt(0)!);
  const y = Array.from(b, (c) => c.codePointAt(0)!);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i] - y[i];
  return x.length - y.length;
}

/** TAAR's EnsembleRecommender.recommend (SPEC §6.4) over TAAR's own recommender lists. */
function taarEnsemble(
  e: Expected,
  p: ProfileLine,
  weights: Record<(typeof KEYS)[number], number>,
  limit: number,
): Pairs {
  if (e.is_test_client) return e.ensemble_limit_10.slice(0, limit); // whitelist[:limit], a prefix
  if (!e.profile_found) return [];
  const installed = p.profile?.installed_addons ?? [];
  const ext = limit + installed.length;
  const flat: Pairs = [];
  for (const key of KEYS) {
    const list = e[key];
    if (list?.can_recommend) for (const [g, w] of (list.results ?? []).slice(0, ext)) flat.push([g, w * weights[key]]);
  }
  flat.sort((a, b) => pyCompare(a[0], b[0]));
  const sums: Pairs = [];
  for (const [g, w] of flat) {
    const last = sums[sums.length - 1];
    if (last && last[0] === g) last[1] += w;
    else sums.push([g, 0 + w]);
  }
  sums.sort((a, b) => b[1] - a[1]);
  return sums.filter(([g]) => !installed.includes(g)).slice(0, limit);
}

describe('recscore score --limit 5 has TAAR limit semantics', { skip: SKIP, timeout: 60_000 }, () => {
  let expected: Expected[];
  let profiles: ProfileLine[];
  let model: PackedModel;
  let out: Output[];

  before(async () => {
    expected = readJsonl<Expected>(join(VECTORS, 'expected_recommendations.jsonl'));
    profiles = readJsonl<ProfileLine>(join(VECTORS, 'profiles.jsonl'));
    const logger = createLogger({}, () => {});
    model = await loadModel(new LocalModelSource(VECTOR_MODELS, { logger }), { logger });
    const run = await runCli(
      ['score', '--models', VECTOR_MODELS, '--profiles', join(VECTORS, 'profiles.jsonl'), '--limit', '5'],
      { timeoutMs: 45_000 },
    );
    assert.equal(run.code, 0, `score exited with ${run.code} (${run.signal ?? 'no signal'}):\n${run.stderr}`);
    out = parseJsonLines<Output>(run.stdout);
    assert.equal(out.length, expected.length);
  });

  test('the oracle reproduces TAAR’s limit-10 ensemble on every line', () => {
    const bad = expected.flatMap((e, i) => {
      const d = firstDifference(taarEnsemble(e, profiles[i], model.meta.ensembleWeights, 10), e.ensemble_limit_10, 0);
      return d ? [`line ${i + 1} (case ${e.case}): ${d}`] : [];
    });
    assert.equal(bad.length, 0, describeMismatches(bad));
  });

  test('the CLI’s limit-5 ensemble equals TAAR’s limit-5 ensemble on every line', () => {
    const bad = expected.flatMap((e, i) => {
      const d = firstDifference(out[i].ensemble, taarEnsemble(e, profiles[i], model.meta.ensembleWeights, 5));
      return d ? [`line ${i + 1} (case ${e.case}) ensemble --limit 5: ${d}`] : [];
    });
    assert.equal(bad.length, 0, describeMismatches(bad));
  });

  test('limit 5 is not a cut of limit 10 on these vectors (the check above can fail)', () => {
    const notPrefix = expected.filter(
      (e, i) => firstDifference(out[i].ensemble, e.ensemble_limit_10.slice(0, 5), 0) !== undefined,
    );
    assert.ok(
      notPrefix.length > 0,
      'every limit-5 list is a prefix of the limit-10 list: the vectors cannot tell the two semantics apart',
    );
  });

  test('the candidate list does not depend on --limit', () => {
    const bad = expected.flatMap((e, i) => {
      const d = firstDifference(out[i].candidates, e.manager_candidates);
      return d ? [`line ${i + 1} (case ${e.case}) candidates: ${d}`] : [];
    });
    assert.equal(bad.length, 0, describeMismatches(bad));
  });

  test('scoreClient with the single limit 5 agrees with the CLI', () => {
    const kernel = new WasmKernel(model.memory);
    const bad: string[] = [];
    profiles.forEach((p, i) => {
      if (expected[i].is_test_client || !p.profile) return;
      const [r] = scoreClient(kernel, model, encodeClient(model, p.profile, p.extra_data ?? {}), [5]).ensembles;
      const pairs = Array.from(r.ids, (id, j): [string, number] => [model.guids[id], r.weights[j]]);
      const d = firstDifference(pairs, out[i].ensemble, 0);
      if (d) bad.push(`line ${i + 1} (case ${p.case}): ${d}`);
    });
    assert.equal(bad.length, 0, describeMismatches(bad));
  });
});
