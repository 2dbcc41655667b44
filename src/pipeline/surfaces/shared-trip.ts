/**
 * The one trip to the worker pool that a request's kernel-backed sources share (issue 15). The runner says
 * how many sources will take part (`expect`, before they start); each then either joins with its part or
 * leaves (nothing to score, a failure while preparing, or its budget running out first). When the last one
 * has joined or left, the parts that joined go in one trip. Each part settles on its own: a part that fails
 * leaves its source empty with the reason, and the others answer.
 *
 * The cost of sharing: a source that is ready early waits for the slowest preparation (a profile lookup, a
 * SAR model being loaded, an event-store read), at most until that source's own budget. A source that joins
 * after the trip left (only if `expect` undercounted) makes a trip of its own rather than wait forever.
 */
import { RecscoreError } from '../../errors.js';
import type { TripAnswer, TripPart } from '../../dispatch/trip.js';

export type SendTrip<V> = (parts: Array<TripPart<V>>) => Promise<Array<PromiseSettledResult<TripAnswer>>>;

interface Waiter {
  resolve(a: TripAnswer): void;
  reject(e: unknown): void;
}

export class SharedTrip<V> {
  #expected = 0;
  #sent = false;
  readonly #parts: Array<TripPart<V>> = [];
  readonly #waiters: Waiter[] = [];

  constructor(private readonly send: SendTrip<V>) {}

  /** `n` more sources will join or leave. */
  expect(n: number): void {
    this.#expected += n;
  }

  /**
   * A source's part, prepared within `budgetMs` (past it the source leaves and the trip goes without it).
   * Resolves with its answer; undefined when `prepare` had nothing to score.
   */
  async join(budgetMs: number, prepare: () => Promise<TripPart<V> | undefined>): Promise<TripAnswer | undefined> {
    let left = false;
    const leave = () => {
      if (left) return;
      left = true;
      this.#expected--;
      this.#go();
    };
    const timer = setTimeout(leave, Math.max(0, budgetMs));
    let part: TripPart<V> | undefined;
    try {
      part = await prepare();
    } catch (e) {
      leave();
      throw e;
    } finally {
      clearTimeout(timer);
    }
    if (left) throw new RecscoreError('RECSCORE_BUDGET_EXCEEDED', 'not ready within its budget: the trip went on');
    if (!part) {
      leave();
      return undefined;
    }
    left = true;
    if (this.#sent) return settle((await this.send([part]))[0]);
    const answer = new Promise<TripAnswer>((resolve, reject) => this.#waiters.push({ resolve, reject }));
    this.#parts.push(part);
    this.#expected--;
    this.#go();
    return answer;
  }

  #go(): void {
    if (this.#sent || this.#expected > 0 || this.#parts.length === 0) return;
    this.#sent = true;
    const waiters = this.#waiters;
    this.send(this.#parts).then(
      (answers) =>
        answers.forEach((a, i) =>
          a.status === 'fulfilled' ? waiters[i].resolve(a.value) : waiters[i].reject(a.reason),
        ),
      (e) => {
        for (const w of waiters) w.reject(e);
      },
    );
  }
}

function settle(a: PromiseSettledResult<TripAnswer>): TripAnswer {
  if (a.status === 'rejected') throw a.reason;
  return a.value;
}
