/**
 * Personalised vs fallback answers over a recent window, and the time of the last personalised one: what
 * `/ready` and two gauges report, so that a server answering only from its fallback chain says so.
 * Counted: answers for which the personalised path was tried (a known client); test clients, unknown
 * clients and profiles with nothing to recommend are not evidence either way.
 *
 * One-second buckets in a ring: recording costs an index and an increment on the request path.
 */
export interface ServingSnapshot {
  personalised: number;
  fallback: number;
  /** seconds since the last personalised answer; undefined when there was none since start */
  secondsSincePersonalised: number | undefined;
  /** fallbacks only, at least `minAnswers` of them, in the window */
  onlyFallbacks: boolean;
}

export class ServingWindow {
  readonly #seconds: number;
  readonly #minAnswers: number;
  readonly #now: () => number;
  readonly #second: Float64Array;
  readonly #personalised: Uint32Array;
  readonly #fallback: Uint32Array;
  #lastPersonalisedAt: number | undefined;

  constructor(opts: { windowSeconds?: number; minAnswers?: number; now?: () => number } = {}) {
    this.#seconds = opts.windowSeconds ?? 30;
    this.#minAnswers = opts.minAnswers ?? 10;
    this.#now = opts.now ?? (() => performance.now());
    this.#second = new Float64Array(this.#seconds).fill(-1);
    this.#personalised = new Uint32Array(this.#seconds);
    this.#fallback = new Uint32Array(this.#seconds);
  }

  record(personalised: boolean): void {
    const now = this.#now();
    const sec = Math.floor(now / 1000);
    const i = sec % this.#seconds;
    if (this.#second[i] !== sec) {
      this.#second[i] = sec;
      this.#personalised[i] = 0;
      this.#fallback[i] = 0;
    }
    if (personalised) {
      this.#personalised[i]++;
      this.#lastPersonalisedAt = now;
    } else this.#fallback[i]++;
  }

  snapshot(): ServingSnapshot {
    const now = this.#now();
    const sec = Math.floor(now / 1000);
    let personalised = 0;
    let fallback = 0;
    for (let i = 0; i < this.#seconds; i++) {
      if (this.#second[i] > sec - this.#seconds) {
        personalised += this.#personalised[i];
        fallback += this.#fallback[i];
      }
    }
    const last = this.#lastPersonalisedAt;
    return {
      personalised,
      fallback,
      secondsSincePersonalised: last === undefined ? undefined : (now - last) / 1000,
      onlyFallbacks: personalised === 0 && fallback >= this.#minAnswers,
    };
  }
}
