/**
 * The whole `recscore score` path for one profile, as src/cli/score.ts runs it minus JSON I/O: encode the
 * client against the model, run every recommender and the ensemble for both limits (10 and
 * len(whitelist)), map ids back to GUID strings. Each profile is timed on its own; the median is what
 * compares with TAAR's 54 ms per RecommendationManager.recommend on the vectors (SPEC §13).
 */
import type { Kernel, Ranked } from '../src/kernel/kernel.js';
import { ReferenceKernel } from '../src/kernel/reference.js';
import { WasmKernel } from '../src/kernel/wasm-kernel.js';
import type { PackedModel } from '../src/model/kinds/taar/packed-model.js';
import type { ClientInfo, ExtraData } from '../src/profile/client-info.js';
import { encodeClient } from '../src/recommend/client-features.js';
import { scoreClient } from '../src/recommend/score-client.js';
import { consume, summarize, type Timing } from './measure.js';

export interface ScorePathCase {
  label: string;
  profiles: number;
  items: number;
  donors: number;
  wasm: Timing;
  reference: Timing;
}

export interface ProfileInput {
  clientInfo: ClientInfo;
  extra: ExtraData;
}

function scoreOne(kernel: Kernel, model: PackedModel, p: ProfileInput): Array<Array<[string, number]>> {
  const d = scoreClient(kernel, model, encodeClient(model, p.clientInfo, p.extra), [10, model.meta.whitelist.length]);
  const named = (r: Ranked) => Array.from(r.ids, (id, i): [string, number] => [model.guids[id], r.weights[i]]);
  return d.ensembles.map(named);
}

function timeProfiles(
  kernel: Kernel,
  model: PackedModel,
  profiles: ProfileInput[],
  passes: number,
  warmup: number,
): Timing {
  for (const p of profiles.slice(0, warmup)) consume(scoreOne(kernel, model, p));
  const samples: number[] = [];
  for (let pass = 0; pass < passes; pass++) {
    for (const p of profiles) {
      const t0 = performance.now();
      const r = scoreOne(kernel, model, p);
      samples.push(performance.now() - t0);
      consume(r);
    }
  }
  return summarize(samples);
}

export interface ScorePathPlan {
  /** timed passes over every profile, after one warm-up pass */
  wasmPasses: number;
  /** the reference is slow on large models: one timed pass over the first `referenceProfiles` */
  referenceProfiles: number;
}

export function measureScorePath(
  label: string,
  model: PackedModel,
  profiles: ProfileInput[],
  plan: ScorePathPlan,
): ScorePathCase {
  const refProfiles = profiles.slice(0, plan.referenceProfiles);
  return {
    label,
    profiles: profiles.length,
    items: model.nItems,
    donors: model.nDonors,
    wasm: timeProfiles(new WasmKernel(model.memory), model, profiles, plan.wasmPasses, profiles.length),
    reference: timeProfiles(new ReferenceKernel(model), model, refProfiles, 1, Math.min(10, refProfiles.length)),
  };
}
