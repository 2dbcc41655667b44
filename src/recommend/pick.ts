/**
 * A Pick (contracts.ts) applied to a whole candidate list: what a scorer that holds full lists in this
 * thread does (tests' fakes); the pool's workers do the same on typed arrays (src/dispatch/worker.ts).
 */
import type { Pick, WeightedList } from './contracts.js';
import { draw } from './draw.js';
import { seededRandom } from './seeded-random.js';

/** `top`: the scorer's ensemble with limit `size` when it has one, else the first `size` candidates. */
export function pickFrom(candidates: WeightedList, pick: Pick, top?: WeightedList): WeightedList {
  return pick.mode === 'draw' ? draw(candidates, pick.size, seededRandom(pick.seed)) : (top ?? candidates).slice(0, pick.size);
}

/** A uint32 draw seed from a [0, 1) source. */
export function drawSeed(random: () => number): number {
  return Math.floor(random() * 4294967296) >>> 0;
}
