import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  cpuBetween,
  cpuPerRequestUs,
  descendantsOf,
  isDisturbed,
  parsePidStat,
  parseProcStat,
  processTicks,
  roundCpuUs,
  takeCpuSnapshot,
  type CpuSnapshot,
} from '../../loadtest/cpu.js';

const STAT = `cpu  1000 50 300 8000 100 10 20 5 0 0
cpu0 500 25 150 4000 50 5 10 2 0 0
cpu1 500 25 150 4000 50 5 10 3 0 0
intr 12345
`;

function snap(busy: number, total: number, ours: Array<[number, number]>): CpuSnapshot {
  return { machine: { busy, total, cpus: 2 }, ours: new Map(ours) };
}

describe('CPU accounting of a round', () => {
  it('parses the aggregate line of /proc/stat (busy excludes idle and iowait)', () => {
    const m = parseProcStat(STAT);
    assert.equal(m.busy, 1000 + 50 + 300 + 10 + 20 + 5);
    assert.equal(m.total, m.busy + 8000 + 100);
    assert.equal(m.cpus, 2);
  });

  it('parses /proc/<pid>/stat even when the command name holds spaces and parentheses', () => {
    const line = '4242 (node (a) b) S 4000 4242 4000 0 -1 4194560 100 0 0 0 731 122 0 0 20 0 11 0 100 0 0';
    assert.deepEqual(parsePidStat(line), { ppid: 4000, jiffies: 731 + 122 });
  });

  it('other = machine busy − ours, in cores, over the elapsed time', () => {
    // 2 CPUs, 200 jiffies of wall time each (400 total): busy 300, of which ours 180 → others 120 = 0.6 cores
    const a = snap(1000, 10_000, [
      [1, 50],
      [2, 100],
    ]);
    const b = snap(1300, 10_400, [
      [1, 130],
      [2, 200],
    ]);
    const use = cpuBetween(a, b);
    assert.ok(Math.abs(use.otherCores - 0.6) < 1e-9);
    assert.ok(Math.abs(use.ourCores - 0.9) < 1e-9);
    assert.equal(isDisturbed(use, 0.25), true);
    assert.equal(isDisturbed(use, 0.75), false);
  });

  it('leaves out a process present in only one snapshot and never goes negative', () => {
    const a = snap(1000, 10_000, [[1, 50]]);
    const b = snap(1010, 10_400, [
      [1, 100],
      [3, 9_999],
    ]);
    const use = cpuBetween(a, b);
    assert.equal(use.otherCores, 0);
    assert.equal(use.ourCores, 0.25);
    assert.deepEqual(cpuBetween(a, a), { otherCores: 0, ourCores: 0 });
  });

  it('ours are this process and its descendants, grandchildren included', () => {
    const procs = new Map([
      [10, { ppid: 1 }],
      [11, { ppid: 10 }],
      [12, { ppid: 11 }],
      [13, { ppid: 1 }],
      [9, { ppid: 12 }],
    ]);
    assert.deepEqual(
      [...descendantsOf(10, procs)].sort((a, b) => a - b),
      [9, 10, 11, 12],
    );
  });

  it("CPU per request is the least disturbed round's (ticks of 10 ms); a round without answers is left out", () => {
    assert.equal(roundCpuUs({ serverTicks: 30, requests: 2_000 }), 150);
    const rounds = [
      { serverTicks: 60, requests: 2_000 },
      { serverTicks: 30, requests: 2_000 },
      { serverTicks: 5, requests: 0 },
    ];
    assert.equal(cpuPerRequestUs(rounds), 150);
    assert.ok(Number.isNaN(cpuPerRequestUs([])));
    assert.ok(Number.isNaN(cpuPerRequestUs([{ serverTicks: Number.NaN, requests: 10 }])));
  });

  it("reads a live process's CPU, all threads, and NaN for one that is gone", () => {
    const before = processTicks(process.pid);
    // 60 ms of CPU, not of wall time: the machine is shared
    const start = process.cpuUsage();
    while (process.cpuUsage(start).user < 60_000);
    assert.ok(processTicks(process.pid) >= before + 5, '60 ms of CPU is at least 5 ticks of 10 ms');
    assert.ok(Number.isNaN(processTicks(2 ** 22 + 1)));
  });

  it('a live snapshot includes this process', () => {
    const s = takeCpuSnapshot();
    assert.ok(s.ours.has(process.pid));
    assert.ok(s.machine.total > 0);
  });
});
