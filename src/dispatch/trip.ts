/**
 * One trip to the worker pool for several kernel-backed requests of different kinds and versions: a
 * surface's TAAR `lists` query and its SAR queries (issue 15: "the kernel-backed ones share one trip").
 * Each part is encoded here by its kind's encoder, all go to one worker in one task (ScoringPool.submitTrip),
 * and each is decoded back on its own. A part that cannot be encoded or fails in the worker settles
 * rejected alone; the others answer. A SAR part that needs no scoring (an unknown user, no known seed) is
 * answered here, as scoreSar would (sar-encode.ts `knowsUser` lets a caller pick its request beforehand).
 *
 * The whole trip fails (rejects) only as a single request would: shed, deadline, worker failure.
 */
import type { SarPackedModel } from '../model/kinds/sar/packed-model.js';
import { encodeClient } from '../recommend/client-features.js';
import type { ScoreInput, ScoreOutput, VersionInService } from '../recommend/contracts.js';
import { taarOutput } from './encode-batch.js';
import type { PoolItem, PoolSlot, ScoringPool } from './pool.js';
import { decodeSarResult, encodeSarRequest, type SarRequest } from './sar-encode.js';
import type { SarAnswer } from './sar-scorer.js';

/** One source's kernel request; V is the TAAR version the request reads (the pool needs its `model`). */
export type TripPart<V = Pick<VersionInService, 'model'>> =
  | { kind: 'taar'; version: V; input: ScoreInput }
  | { kind: 'sar'; model: SarPackedModel; req: SarRequest };

export type TripAnswer = ScoreOutput | SarAnswer;

/** Scores `parts` in one trip; answers in the same order, each settled on its own. */
export type KernelTrip<V> = (
  parts: ReadonlyArray<TripPart<V>>,
  deadline: number,
) => Promise<Array<PromiseSettledResult<TripAnswer>>>;

export async function scoreTrip(
  pool: ScoringPool,
  parts: ReadonlyArray<TripPart>,
  deadline: number,
): Promise<Array<PromiseSettledResult<TripAnswer>>> {
  const out = new Array<PromiseSettledResult<TripAnswer>>(parts.length);
  const items: PoolItem[] = [];
  const decoders: Array<{ at: number; decode: (slot: PoolSlot) => TripAnswer }> = [];
  parts.forEach((part, at) => {
    try {
      if (part.kind === 'taar') {
        const model = part.version.model;
        const client = encodeClient(model, part.input.clientInfo, part.input.extra);
        items.push({ model, client, pick: part.input.pick } as PoolItem);
        decoders.push({ at, decode: (s) => taarOutput(model, client, part.input, s.views, s.index) });
        return;
      }
      const { model, req } = part;
      const modelVersion = model.version;
      const encoded = encodeSarRequest(model, req);
      if (!encoded) {
        const value: SarAnswer =
          'user' in req ? { modelVersion, known: false } : { modelVersion, known: true, top: [] };
        out[at] = { status: 'fulfilled', value };
        return;
      }
      items.push({ model, ...encoded });
      decoders.push({
        at,
        decode: (s) => ({ modelVersion, known: true, top: decodeSarResult(model, s.views, s.index) }),
      });
    } catch (reason) {
      out[at] = { status: 'rejected', reason };
    }
  });
  if (items.length === 0) return out;
  const slots = await pool.submitTrip(items, deadline);
  decoders.forEach(({ at, decode }, j) => {
    const s = slots[j];
    if (!s.ok) {
      out[at] = { status: 'rejected', reason: s.error };
      return;
    }
    try {
      out[at] = { status: 'fulfilled', value: decode(s.slot) };
    } catch (reason) {
      out[at] = { status: 'rejected', reason };
    }
  });
  return out;
}
