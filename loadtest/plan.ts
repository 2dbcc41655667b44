/**
 * How long and how often to measure: the full run (`node dist/loadtest/run.js`) and the quick one that
 * `npm test` runs (`--quick`, under three minutes on the shared 2-core machine; watchdog 170 s).
 * Thresholds are in targets.json; these are the method's knobs.
 */
export interface Plan {
  name: 'full' | 'quick';
  /** measured rounds per scenario, each paired with a ceiling round */
  rounds: number;
  roundMs: number;
  warmupMs: number;
  /** bound on requests per round, besides its duration */
  maxRequestsPerRound: number;
  /** the project's operating point (its aim: p99 ≤ 10 ms at 32 connections) */
  connections: number;
  /** a round is disturbed when other processes used more cores than this on average */
  disturbedCores: number;
  /** extra rounds per scenario when rounds were disturbed */
  maxRepeats: number;
  /** no more repeats once the run has taken this long */
  softBudgetMs: number;
  /** the watchdog: everything is killed and the run fails after this long */
  hardBudgetMs: number;
  /** overload: connection counts tried to find the sustainable one, and the length of each try */
  sweep: number[];
  sweepMs: number;
  /** swap: a symlink flip + SIGHUP this often while a round runs */
  flipEveryMs: number;
  /** degraded: what the proxy adds to every Redis exchange (the profile budget is 15 ms) */
  degradedDelayMs: number;
  /** rss: load before reading VmRSS */
  rssWarmupMs: number;
  /** cpu: cycles of (ceiling, recommend, unknown) rounds, and each round's length */
  cpuCycles: number;
  cpuRoundMs: number;
}

export const FULL: Plan = {
  name: 'full',
  rounds: 5,
  roundMs: 2_000,
  warmupMs: 2_000,
  maxRequestsPerRound: 500_000,
  connections: 32,
  disturbedCores: 0.25,
  maxRepeats: 4,
  softBudgetMs: 15 * 60_000,
  hardBudgetMs: 25 * 60_000,
  sweep: [4, 8, 16, 32, 64, 128],
  sweepMs: 1_500,
  flipEveryMs: 400,
  degradedDelayMs: 40,
  rssWarmupMs: 3_000,
  cpuCycles: 20,
  cpuRoundMs: 500,
};

export const QUICK: Plan = {
  ...FULL,
  name: 'quick',
  // 3 rounds and a 60 s budget for repeats: the CPU check has its own scenario (scenario-cpu.ts), and under
  // a load average near 20 a run with 5 rounds per scenario and the cpu scenario passed the 170 s watchdog.
  rounds: 3,
  roundMs: 1_000,
  warmupMs: 1_000,
  maxRepeats: 2,
  softBudgetMs: 60_000,
  hardBudgetMs: 170_000,
  sweep: [8, 16, 32, 64],
  sweepMs: 800,
  flipEveryMs: 300,
  cpuCycles: 14,
};
