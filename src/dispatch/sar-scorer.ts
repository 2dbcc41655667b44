/**
 * SAR scoring through the pool: the request is encoded here on the main thread (ids → indices, posted
 * events → affinity row), batched with any other requests by the pool, scored by SarKernel in a worker
 * over the version's shared memory, and decoded back to item ids. An unknown user is reported, never
 * scored (the caller back-fills, e.g. with the version's facts' globalTop); no known seed is an empty list.
 */
import type { Top } from '../kernel/sar/personal.js';
import type { SarPackedModel } from '../model/kinds/sar/packed-model.js';
import type { ScoringPool } from './pool.js';
import { decodeSarResult, encodeSarRequest, type SarRequest } from './sar-encode.js';

export type SarAnswer = { modelVersion: string } & ({ known: true; top: Top } | { known: false });

export async function scoreSar(
  pool: ScoringPool,
  model: SarPackedModel,
  req: SarRequest,
  deadline: number,
): Promise<SarAnswer> {
  const modelVersion = model.version;
  const encoded = encodeSarRequest(model, req);
  if (!encoded) return 'user' in req ? { modelVersion, known: false } : { modelVersion, known: true, top: [] };
  const slot = await pool.submit({ model, ...encoded }, deadline);
  return { modelVersion, known: true, top: decodeSarResult(model, slot.views, slot.index) };
}
