/**
 * Stable experiment buckets. A client's position in an experiment is a uniform number in [0, 1) from
 * SHA-256 of (salt, client id): the same on every replica and after every restart, and independent between
 * salts (a cryptographic hash leaves no correlation to exploit). Two draws, with distinct domain tags:
 * - `allocationPoint` decides membership: in when it is below the allocation, so growing the allocation
 *   from a to b moves only the clients between a and b in (the fewest possible) and nobody out;
 * - `variantPoint` picks the variant by cumulative weight, independent of the allocation, so a client who
 *   stays in keeps their variant when the allocation changes.
 */
import { createHash } from 'node:crypto';

const TWO_52 = 2 ** 52;

function unit(tag: string, salt: string, clientId: string): number {
  const d = createHash('sha256').update(tag).update('\u0000').update(salt).update('\u0000').update(clientId).digest();
  // 52 bits: exact in a double, so every point is distinct below 2^-52.
  return (d.readUInt32BE(0) * 2 ** 20 + (d.readUInt32BE(4) >>> 12)) / TWO_52;
}

export const allocationPoint = (salt: string, clientId: string): number => unit('alloc', salt, clientId);
export const variantPoint = (salt: string, clientId: string): number => unit('variant', salt, clientId);

/** Index of the variant `point` falls in, by cumulative weight (weights ≥ 0, not all 0). */
export function pickByWeight(weights: readonly number[], point: number): number {
  const total = weights.reduce((a, b) => a + b, 0);
  let acc = 0;
  for (let i = 0; i < weights.length; i++) {
    acc += weights[i] / total;
    if (point < acc && weights[i] > 0) return i;
  }
  // Rounding can leave the last sliver: the last variant with a weight takes it.
  for (let i = weights.length - 1; i >= 0; i--) if (weights[i] > 0) return i;
  return 0;
}

export interface Bucketable {
  salt: string;
  allocation: number;
  variants: ReadonlyArray<{ weight: number }>;
}

/** The client's variant index, or -1 outside the allocation. */
export function bucketOf(e: Bucketable, clientId: string): number {
  if (allocationPoint(e.salt, clientId) >= e.allocation) return -1;
  return pickByWeight(
    e.variants.map((v) => v.weight),
    variantPoint(e.salt, clientId),
  );
}
