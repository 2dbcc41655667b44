/**
 * The shapes of a load-test run's results, as written to loadtest/results/latest.json and read by the
 * gate, the Markdown report and the plot. Times are milliseconds, rates per second, sizes bytes.
 */
import type { BodyFacts } from './body-facts.js';

export interface LatencyMedians {
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
}

export interface ScenarioResult {
  name: string;
  title: string;
  connections: number;
  /** rounds kept (one per pair with the ceiling) */
  rounds: number;
  /** extra rounds run because a round was disturbed by other processes */
  repeats: number;
  /** kept scenario rounds that were still disturbed (repeats exhausted or time budget used) */
  disturbedRounds: number;
  /** median over rounds: all answers per second */
  rps: number;
  /** median over rounds: answers served the way the scenario expects, per second */
  goodRps: number;
  /** median of the ceiling rounds paired with this scenario's */
  ceilingRps: number;
  /** median over pairs of goodRps / ceilingRps */
  ratio: number;
  /** each percentile is the median of the rounds' own percentiles */
  latency: LatencyMedians;
  ceilingLatency: LatencyMedians;
  /** totals over the kept rounds */
  requests: number;
  status: Record<string, number>;
  /** median over the kept rounds of good answers / all answers */
  goodShare: number;
  facts: BodyFacts;
  /** totals over every round of the scenario (warm-up and discarded attempts too): the invariants' input */
  all: { rounds: number; requests: number; errors: number; timeouts: number; non2xx: number; facts: BodyFacts };
  /** cores used by other processes, per kept round */
  otherCores: number[];
  /**
   * The server's CPU (utime + stime of all its threads, /proc/<pid>/stat) per answer over the kept rounds,
   * and the ceiling's the same way in the paired rounds: the gate's sharpest number is their ratio.
   */
  cpu: {
    perRequestUs: number;
    ceilingPerRequestUs: number;
    ratio: number;
    roundsUs: number[];
    ceilingRoundsUs: number[];
  };
  /** scenario-specific measurements (swaps made, sustainable connections, batch sizes, …) */
  extra: Record<string, number | string | boolean>;
  notes: string[];
}

export interface RssSample {
  workers: number;
  /** `idle`: ready, before any request; `warm`: after the warm-up load */
  when: 'idle' | 'warm';
  rss: number;
  anon: number;
  file: number;
  shmem: number;
}

export interface RssResult {
  samples: RssSample[];
  /** warm RSS with 2 workers minus warm RSS with 1 (the gated number) */
  extraWorkerBytes: number;
  /** the same before any request */
  extraWorkerIdleBytes: number;
  /** byte length of the packed model's WebAssembly.Memory */
  modelBytes: number;
  notes: string[];
}

export interface Check {
  scenario: string;
  /** e.g. `ratio`, `p99`, `errors` */
  check: string;
  ok: boolean;
  /** a timing check not judged because other processes took the CPU during most rounds (ok stays true) */
  skipped?: boolean;
  actual: number;
  limit: number;
  /** one line, with the shortfall when missed */
  detail: string;
}

export interface RunResults {
  mode: 'full' | 'quick';
  only: string[] | null;
  startedAt: string;
  finishedAt: string;
  totalMs: number;
  machine: { cpus: number; cpuModel: string; node: string; loadavgAtStart: number[] };
  method: Record<string, number | string>;
  ceilingBodyBytes: number;
  scenarios: ScenarioResult[];
  rss: RssResult | null;
  /** wall time of each scenario, server start included */
  timings: Record<string, number>;
  checks: Check[];
  passed: boolean;
  errors: string[];
}
