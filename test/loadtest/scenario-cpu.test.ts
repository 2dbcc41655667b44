import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseSchedstat, threadsOnCpuNs } from '../../loadtest/cpu.js';
import { armCpuUs, CPU_QUANTILE, geometricMean } from '../../loadtest/scenario-cpu.js';

describe('the cpu scenario', () => {
  it("reads a thread's on-CPU ns from schedstat", () => {
    assert.equal(parseSchedstat('136663033 377725523 355\n'), 136663033);
    assert.ok(Number.isNaN(parseSchedstat('')));
  });

  it('sums the on-CPU time of every thread of a live process, and is NaN for a gone one', () => {
    const a = threadsOnCpuNs(process.pid);
    let x = 0;
    for (let i = 0; i < 2e6; i++) x += Math.sqrt(i);
    const b = threadsOnCpuNs(process.pid);
    assert.ok(x > 0 && a > 0 && b > a, `${a} → ${b}`);
    assert.ok(Number.isNaN(threadsOnCpuNs(2 ** 30)));
  });

  it("takes an arm's lower quartile, so neither one lucky nor a few inflated rounds decide", () => {
    assert.equal(CPU_QUANTILE, 0.25);
    // 8 rounds: the 2nd least costly (nearest rank of 0.25 × 8); order and NaN rounds do not matter
    assert.equal(armCpuUs([300, 100, 250, 120, 90, Number.NaN, 400, 130, 500]), 100);
    assert.equal(armCpuUs([7]), 7);
    assert.ok(Number.isNaN(armCpuUs([])));
  });

  it('combines the ratios by their geometric mean', () => {
    assert.ok(Math.abs(geometricMean([8, 2]) - 4) < 1e-12);
    assert.ok(Number.isNaN(geometricMean([4, 0])));
    assert.ok(Number.isNaN(geometricMean([4, Number.NaN])));
    assert.ok(Number.isNaN(geometricMean([])));
  });
});
