/**
 * A uniform sample of an experiment's distinct clients, with each one's variant, for the sample-ratio check.
 *
 * The per-variant client counts of the results are HyperLogLog estimates (±0.8 %): fine to read, but not
 * for a χ² test, where at a few hundred thousand clients the sketch's own error already reads as a mismatch.
 * So the check counts variants exactly within a bottom-k sample: the `k` distinct clients with the smallest
 * hash of their id. Memory is bounded (at most 2k entries); below k clients the counts are exact. The hash
 * (MurmurHash64A with its own seed) has nothing to do with the assignment's SHA-256 of (salt, client), so
 * the sample is unbiased across variants.
 */
import { murmur64a } from '../../events/hll/murmur64a.js';

/** Clients kept by default: a 1 % imbalance between two halves is still flagged (χ² > 10.8 at 100k). */
export const SRM_SAMPLE = 100_000;
const SEED = 0x5a3b1e57;
const encoder = new TextEncoder();

/** 52 bits of MurmurHash64A of `id`: exact in a double, so distinct clients rarely share one. */
function hashOf(id: string): number {
  const h = murmur64a(encoder.encode(id), SEED);
  return (h.hi >>> 0) * 0x100000 + (h.lo >>> 12);
}

export class ClientSample {
  private readonly kept = new Map<number, string>();
  private threshold = Number.POSITIVE_INFINITY;

  constructor(readonly k: number = SRM_SAMPLE) {}

  add(clientId: string, variant: string): void {
    const h = hashOf(clientId);
    if (h >= this.threshold || this.kept.has(h)) return;
    this.kept.set(h, variant);
    if (this.kept.size >= 2 * this.k) this.trim();
  }

  /** Distinct clients in the sample (all of them while fewer than k were seen). */
  get size(): number {
    return Math.min(this.kept.size, this.k);
  }

  /** Clients of the sample per variant, in `names` order. */
  counts(names: readonly string[]): number[] {
    if (this.kept.size > this.k) this.trim();
    const at = new Map(names.map((n, i) => [n, i]));
    const out = names.map(() => 0);
    for (const v of this.kept.values()) {
      const i = at.get(v);
      if (i !== undefined) out[i]++;
    }
    return out;
  }

  // Keeps the k smallest hashes; nothing at or above the k-th's can enter again.
  private trim(): void {
    const hashes = [...this.kept.keys()].sort((a, b) => a - b);
    this.threshold = hashes[this.k];
    for (let i = this.k; i < hashes.length; i++) this.kept.delete(hashes[i]);
  }
}
