/**
 * mulberry32: a small seeded PRNG in [0, 1). The draw takes any `() => number`; tests and load tests
 * inject this one so that draws are reproducible (`Math.random` serves by default).
 */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
