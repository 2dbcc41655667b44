/**
 * Regression: the pipeline read the model facts and the pool read the model from the registry
 * separately, so a swap between the two reads answered one request from two versions (issue 11). Now a
 * request reads the version in service once and the scorer gets that same version.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createLogger } from '../../src/log.js';
import { createMetrics } from '../../src/metrics/registry.js';
import { createRecommendPipeline, type PipelineVersion, type RecommendRequest } from '../../src/pipeline/recommend.js';
import type { ScoreInput, ScoreOutput, Scorer } from '../../src/recommend/contracts.js';
import { createGuards } from '../../src/resilience/guard.js';
import { resolveServerConfig } from '../../src/server/config.js';
import { fakeFacts, FakeProfileStore } from '../helpers/fake-backend.js';

interface Version extends PipelineVersion {
  name: string;
}

const version = (name: string, top: string): Version => ({
  name,
  facts: fakeFacts({ version: name, whitelist: [top], globalTop: [[top, 1]] }),
});

/** Swaps the version in service on every read, the worst case for a request that reads twice. */
function swappingRegistry(versions: Version[]) {
  let reads = 0;
  return { current: () => versions[reads++ % versions.length], reads: () => reads };
}

/** Answers from whatever version it is given: nothing when `empty`, so the pipeline falls back. */
class RecordingScorer implements Scorer<Version> {
  seen: Version[] = [];
  constructor(private readonly empty: boolean) {}
  async score(_input: ScoreInput, _deadline: number, v: Version): Promise<ScoreOutput> {
    this.seen.push(v);
    const picked: Array<[string, number]> = this.empty ? [] : [[v.facts.whitelist[0], 1]];
    const contributed: ScoreOutput['contributed'] = ['collaborative'];
    return { modelVersion: v.name, picked, candidateCount: picked.length, contributed, failures: [] };
  }
}

function pipeline(scorer: RecordingScorer, current: () => Version) {
  const config = resolveServerConfig({ totalBudgetMs: 5_000, profileBudgetMs: 1_000, scoringBudgetMs: 1_000 });
  const log = createLogger({}, () => undefined);
  const metrics = createMetrics();
  const profiles = new FakeProfileStore(new Map([['known', { client_id: 'known', installed_addons: ['x'] }]]));
  const guards = createGuards(config, { log, metrics });
  return createRecommendPipeline({ scorer, current, profiles, config, guards, metrics, log, random: () => 0.5 });
}

const request = (): RecommendRequest => ({
  clientId: 'known',
  extra: {},
  acceptLanguage: () => undefined,
  promoted: [],
  draw: false,
  started: performance.now(),
});

describe('each request reads the model version in service once', () => {
  it('the scorer gets the version the request read, and the answer names it', async () => {
    const registry = swappingRegistry([version('v1', 'a'), version('v2', 'b')]);
    const scorer = new RecordingScorer(false);
    const body = await pipeline(scorer, registry.current)(request());
    assert.equal(registry.reads(), 1);
    assert.equal(scorer.seen[0].name, 'v1');
    assert.equal(body.result_info?.model_version, 'v1');
  });

  it('a fallback after scoring answers from the version that was scored, not from a newer one', async () => {
    const registry = swappingRegistry([version('v1', 'a'), version('v2', 'b')]);
    const scorer = new RecordingScorer(true);
    const body = await pipeline(scorer, registry.current)(request());
    assert.equal(registry.reads(), 1);
    assert.equal(scorer.seen[0].name, 'v1');
    assert.equal(body.result_info?.model_version, 'v1');
    assert.deepEqual(body.results, ['a']);
  });
});
