/**
 * TAAR-lite for one GUID (SPEC §6.6): kernel normalisation + top 2·limit, then the rank strings.
 * An unknown GUID or normalisation gives [] as in TAAR.
 */
import { LITE_MODES, type Kernel, type LiteMode } from '../kernel/kernel.js';
import type { PackedModel } from '../model/kinds/taar/packed-model.js';
import { liteRanking } from './lite-rank.js';

export const DEFAULT_NORMALIZE: LiteMode = 'rownorm_sum';

export function isLiteMode(s: string): s is LiteMode {
  return Object.prototype.hasOwnProperty.call(LITE_MODES, s);
}

export function related(
  kernel: Kernel,
  model: PackedModel,
  guid: string,
  normalize: string | null | undefined,
  limit: number,
): Array<[string, string]> {
  const mode = normalize ?? DEFAULT_NORMALIZE;
  const keyId = model.guidIds.get(guid);
  if (keyId === undefined || !isLiteMode(mode) || limit <= 0) return [];
  const r = kernel.lite(keyId, LITE_MODES[mode], 2 * limit);
  const top = Array.from(r.ids, (id, i): [string, number, number] => [
    model.guids[id],
    r.weights[i],
    model.ranking[id],
  ]);
  return liteRanking(top, limit);
}
