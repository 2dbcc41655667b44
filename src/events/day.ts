/** UTC days as `YYYY-MM-DD` strings: the unit of log files, streams and sketches. */
import { RecscoreError } from '../errors.js';

export const DAY_MS = 86_400_000;
const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

// Events of one batch nearly always share a day: remember the last one (dayOf runs per event and sketch).
let lastN = NaN;
let lastDay = '';

export function dayOf(ms: number): string {
  const n = Math.floor(ms / DAY_MS);
  if (n !== lastN) {
    lastDay = new Date(n * DAY_MS).toISOString().slice(0, 10);
    lastN = n;
  }
  return lastDay;
}

/** Start of `day` in epoch ms; RECSCORE_BAD_QUERY when it is not a real `YYYY-MM-DD` date. */
export function parseDay(day: string, what = 'day'): number {
  const m = DAY.exec(day);
  const ms = m ? Date.UTC(+m[1], +m[2] - 1, +m[3]) : NaN;
  if (!m || !Number.isFinite(ms) || dayOf(ms) !== day) {
    throw new RecscoreError(
      'RECSCORE_BAD_QUERY',
      `${what}: ${JSON.stringify(day.slice(0, 40))} is not a UTC day (YYYY-MM-DD)`,
    );
  }
  return ms;
}

/** Every day from `from` to `to` inclusive; at most `maxDays` (a query must stay bounded). */
export function daysBetween(from: string, to: string, maxDays = 400): string[] {
  const a = parseDay(from, 'from');
  const b = parseDay(to, 'to');
  if (b < a) throw new RecscoreError('RECSCORE_BAD_QUERY', `to (${to}) is before from (${from})`);
  const n = (b - a) / DAY_MS + 1;
  if (n > maxDays) throw new RecscoreError('RECSCORE_BAD_QUERY', `range of ${n} days; at most ${maxDays}`);
  return Array.from({ length: n }, (_, i) => dayOf(a + i * DAY_MS));
}

export function addDays(day: string, n: number): string {
  return dayOf(parseDay(day) + n * DAY_MS);
}
