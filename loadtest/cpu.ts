/**
 * How busy the machine was with work that is not ours during a round. The machine is shared (two cores,
 * other engineers' builds and tests), so a round is repeated when other processes took a noticeable
 * share of the CPU while it ran:
 *
 *   other = Δ(busy jiffies of all CPUs, /proc/stat) − Δ(utime + stime of this process and its children)
 *
 * "Ours" is this process (autocannon) and its descendants (the servers under test, the ceiling, redis,
 * the proxy); /proc/<pid>/stat of a process sums all of its threads, Piscina workers included.
 */
import { readdirSync, readFileSync } from 'node:fs';

export interface MachineCpu {
  /** jiffies spent busy, all CPUs */
  busy: number;
  /** jiffies elapsed, all CPUs (busy + idle + iowait) */
  total: number;
  cpus: number;
}

export interface CpuSnapshot {
  machine: MachineCpu;
  /** utime + stime jiffies of each of our processes */
  ours: Map<number, number>;
}

export interface CpuUse {
  /** average cores used by processes that are not ours */
  otherCores: number;
  /** average cores used by ours */
  ourCores: number;
}

/** Parses the aggregate `cpu` line of /proc/stat. */
export function parseProcStat(text: string): MachineCpu {
  const lines = text.split('\n');
  const fields = lines[0].trim().split(/\s+/);
  if (fields[0] !== 'cpu') throw new Error('/proc/stat: first line is not the aggregate cpu line');
  const [user, nice, system, idle, iowait, irq, softirq, steal] = fields.slice(1, 9).map((f) => Number(f) || 0);
  const busy = user + nice + system + irq + softirq + steal; // guest time is already inside user
  const cpus = lines.filter((l) => /^cpu\d+\s/.test(l)).length || 1;
  return { busy, total: busy + idle + iowait, cpus };
}

/** utime + stime and the parent pid from /proc/<pid>/stat (comm may hold spaces and parentheses). */
export function parsePidStat(text: string): { ppid: number; jiffies: number } {
  const rest = text.slice(text.lastIndexOf(')') + 2).split(' ');
  // rest[0] is field 3 (state): ppid is field 4, utime 14, stime 15
  return { ppid: Number(rest[1]), jiffies: Number(rest[11]) + Number(rest[12]) };
}

/** Cores used between two snapshots; a process present in only one snapshot is left out. */
export function cpuBetween(a: CpuSnapshot, b: CpuSnapshot): CpuUse {
  const elapsed = (b.machine.total - a.machine.total) / b.machine.cpus;
  if (elapsed <= 0) return { otherCores: 0, ourCores: 0 };
  let ours = 0;
  for (const [pid, j] of b.ours) {
    const before = a.ours.get(pid);
    if (before !== undefined) ours += Math.max(0, j - before);
  }
  const busy = b.machine.busy - a.machine.busy;
  return { otherCores: Math.max(0, busy - ours) / elapsed, ourCores: ours / elapsed };
}

/** A round is disturbed when others used more than `thresholdCores` on average while it ran. */
export function isDisturbed(use: CpuUse, thresholdCores: number): boolean {
  return use.otherCores > thresholdCores;
}

/** This process and all its descendants, from (pid, ppid) pairs. */
export function descendantsOf(root: number, procs: ReadonlyMap<number, { ppid: number }>): Set<number> {
  const out = new Set([root]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const [pid, { ppid }] of procs) {
      if (!out.has(pid) && out.has(ppid)) {
        out.add(pid);
        grew = true;
      }
    }
  }
  return out;
}

export function takeCpuSnapshot(): CpuSnapshot {
  const machine = parseProcStat(readFileSync('/proc/stat', 'utf8'));
  const procs = new Map<number, { ppid: number; jiffies: number }>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      procs.set(Number(name), parsePidStat(readFileSync(`/proc/${name}/stat`, 'utf8')));
    } catch {
      // exited while we looked
    }
  }
  const ours = new Map<number, number>();
  for (const pid of descendantsOf(process.pid, procs)) ours.set(pid, procs.get(pid)?.jiffies ?? 0);
  return { machine, ours };
}

/** Linux's USER_HZ: /proc reports CPU time in ticks of 10 ms. */
export const TICK_US = 1e6 / 100;

/**
 * utime + stime of a whole process in ticks: /proc/<pid>/stat sums every thread of the process (main,
 * Piscina workers, V8's helpers), threads that have already ended included. NaN when it is gone.
 */
export function processTicks(pid: number): number {
  try {
    return parsePidStat(readFileSync(`/proc/${pid}/stat`, 'utf8')).jiffies;
  } catch {
    return Number.NaN;
  }
}

/** CPU seconds a whole process has used so far (processTicks in seconds; NaN when it is gone). */
export function processCpuSeconds(pid: number): number {
  return (processTicks(pid) * TICK_US) / 1e6;
}

/** CPU µs per request of one round (ticks of 10 ms: a round of ~1 s at a third of a core holds ~30). */
export function roundCpuUs(r: { serverTicks: number; requests: number }): number {
  return r.requests > 0 ? (r.serverTicks * TICK_US) / r.requests : Number.NaN;
}

/**
 * A side's CPU per request over its rounds: the least of the rounds. Other processes on the machine only
 * ever inflate it (a starved server answers in smaller batches, pays more wake-ups and hand-offs per
 * request, and a GC started in one round is paid in the next), so the least disturbed round is the best
 * estimate of what the code itself costs — as a benchmark keeps its fastest run. Repeated quick runs on
 * the shared machine: the sum over rounds varied ±25 % where the least round varied ±12 % (loadtest/README.md).
 */
export function cpuPerRequestUs(rounds: ReadonlyArray<{ serverTicks: number; requests: number }>): number {
  const us = rounds.map(roundCpuUs).filter(Number.isFinite);
  return us.length ? Math.min(...us) : Number.NaN;
}

/** The first field of /proc/<pid>/task/<tid>/schedstat: ns the thread has run on a CPU. */
export function parseSchedstat(text: string): number {
  const m = /^\s*(\d+)/.exec(text);
  return m ? Number(m[1]) : Number.NaN;
}

/**
 * ns on a CPU of every live thread of a process, from each thread's schedstat: exact, where the ticks of
 * /proc/<pid>/stat come in 10 ms steps (a 0.5 s round at a third of a core holds ~17 of them, ±6 %).
 * Threads that ended are left out, so the CPU scenario reads it only around rounds of a server whose
 * threads live as long as it does (Piscina's fixed pool, V8's helpers). NaN when the process is gone.
 */
export function threadsOnCpuNs(pid: number): number {
  let ns = 0;
  try {
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      try {
        ns += parseSchedstat(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8'));
      } catch {
        // a thread that ended between the listing and the read
      }
    }
  } catch {
    return Number.NaN;
  }
  return ns;
}
