/**
 * CPU per call of the two deadline forms (src/deadline.ts) on work that settles at once, as a scoring
 * batch or an in-time profile read does: `raceDeadline` (one cleared timer: the scoring budget) and
 * `withDeadline` (an AbortController and a cleared timer: the profile budget), against the same race
 * built on `AbortSignal.timeout`, which src/deadline.ts does not use. The CPU includes timers left
 * behind that fire after the call has settled (an AbortSignal.timeout cannot be cleared).
 *   node dist/bench/deadline-micro.js [calls]
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { raceDeadline, withDeadline } from '../src/deadline.js';

const CALLS = Number(process.argv[2] ?? 100_000);
const BUDGET_MS = 25;
const expired = () => new Error('expired');

type Form = (work: () => Promise<number>) => Promise<number>;
const forms: Record<string, Form> = {
  raceDeadline: (work) => raceDeadline(BUDGET_MS, work, expired),
  withDeadline: (work) => withDeadline(BUDGET_MS, work, { expired }),
  'AbortSignal.timeout': (work) => {
    const signal = AbortSignal.timeout(BUDGET_MS);
    return new Promise<number>((resolve, reject) => {
      const onAbort = () => reject(expired());
      signal.addEventListener('abort', onAbort, { once: true });
      work().then((v) => (signal.removeEventListener('abort', onAbort), resolve(v)), reject);
    });
  },
};

async function cpuPerCallUs(form: Form): Promise<number> {
  const t0 = process.cpuUsage();
  for (let i = 0; i < CALLS; i++) await form(() => Promise.resolve(i));
  await sleep(BUDGET_MS * 4); // let left-behind timers fire inside the measurement
  const d = process.cpuUsage(t0);
  return (d.user + d.system) / CALLS;
}

async function main(): Promise<void> {
  for (const form of Object.values(forms)) await cpuPerCallUs(form); // warm-up
  const rows: Record<string, number[]> = {};
  for (let round = 0; round < 5; round++) {
    for (const [name, form] of Object.entries(forms)) (rows[name] ??= []).push(await cpuPerCallUs(form));
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const base = median(rows.raceDeadline);
  for (const [name, xs] of Object.entries(rows)) {
    const us = median(xs);
    const ratio = (us / base).toFixed(2);
    console.log(`${name.padEnd(20)} ${us.toFixed(2)} µs CPU per call (median of 5), ${ratio}× raceDeadline`);
  }
}

void main();
