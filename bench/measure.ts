/**
 * Timing and memory-bandwidth helpers for the kernel benchmark. Every call is timed on its own with
 * performance.now(); the median after warm-up is what the tables show (robust on a shared 2-core box).
 */

export interface Timing {
  /** milliseconds */
  median: number;
  p90: number;
  runs: number;
}

export interface TimeOptions {
  warmup: number;
  /** stop after this many timed runs… */
  maxRuns: number;
  /** …or once `budgetMs` of timed work has passed and at least `minRuns` ran */
  minRuns: number;
  budgetMs: number;
}

/**
 * CPU time of this process in ms (getrusage: all threads, so V8's helper threads count too). On a shared
 * machine a preempted pass costs wall time but no CPU time, so a best-of-passes on CPU time is steadier
 * than on performance.now(). (/proc/thread-self/schedstat is per thread but only as fine as the tick.)
 */
export function processCpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

let sink = 0; // results feed this so no call can be optimised away

export function consume(v: unknown): void {
  if (v && typeof v === 'object' && 'ids' in v) sink += (v as { ids: ArrayLike<number> }).ids.length;
  else sink += 1;
}

export function summarize(samples: number[]): Timing {
  const s = [...samples].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))];
  return {
    median: s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2,
    p90: at(0.9),
    runs: s.length,
  };
}

/** `fn(i)` is called with the run index so callers can cycle through inputs. */
export function timeCalls(fn: (i: number) => unknown, o: TimeOptions): Timing {
  for (let i = 0; i < o.warmup; i++) consume(fn(i));
  const samples: number[] = [];
  let spent = 0;
  for (let i = 0; samples.length < o.maxRuns && (samples.length < o.minRuns || spent < o.budgetMs); i++) {
    const t0 = performance.now();
    const r = fn(i);
    const dt = performance.now() - t0;
    consume(r);
    samples.push(dt);
    spent += dt;
  }
  return summarize(samples);
}

export interface Bandwidth {
  bytes: number;
  /** GB/s (1e9 bytes) scanning a buffer with memchr (Buffer#indexOf of an absent byte), best of 3 */
  readGBs: number;
  /** GB/s (read + write bytes) of TypedArray#set (memcpy), best of 3 */
  copyGBs: number;
  /** GB/s of a plain JS loop summing a Float64Array with four accumulators, best of 3 (for scale) */
  jsSumGBs: number;
}

/**
 * What one core can stream from memory, on arrays far larger than the caches: memchr and memcpy are
 * libc's vectorised loops, so they approach the hardware limit; the JS sum shows what scalar code gets.
 */
export function memoryBandwidth(bytes = 256 * 1024 * 1024): Bandwidth {
  const n = bytes / 8;
  const src = new Float64Array(n);
  const dst = new Float64Array(n);
  for (let i = 0; i < n; i += 512) src[i] = i % 7; // touch every page; no byte is 0xff
  dst.fill(1);
  const scan = Buffer.from(src.buffer);
  let bestScan = Infinity;
  let bestCopy = Infinity;
  let bestSum = Infinity;
  for (let rep = 0; rep < 3; rep++) {
    let t0 = performance.now();
    sink += scan.indexOf(0xff);
    bestScan = Math.min(bestScan, performance.now() - t0);
    t0 = performance.now();
    dst.set(src);
    bestCopy = Math.min(bestCopy, performance.now() - t0);
    sink += dst[n - 1];
    t0 = performance.now();
    let a = 0,
      b = 0,
      c = 0,
      d = 0;
    for (let i = 0; i < n; i += 4) {
      a += src[i];
      b += src[i + 1];
      c += src[i + 2];
      d += src[i + 3];
    }
    bestSum = Math.min(bestSum, performance.now() - t0);
    sink += a + b + c + d;
  }
  return {
    bytes,
    readGBs: bytes / (bestScan * 1e6),
    copyGBs: (2 * bytes) / (bestCopy * 1e6),
    jsSumGBs: bytes / (bestSum * 1e6),
  };
}

export function sinkValue(): number {
  return sink;
}
