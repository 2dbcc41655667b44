/**
 * Releasing a model version in every pool worker. Piscina has no broadcast (a task reaches one worker),
 * and its workers wait for tasks in Atomics.wait, so a message on another channel (a BroadcastChannel)
 * is not delivered while they are busy or idle: measured, no release ever arrived under load. Instead
 * every task carries the versions released recently (`ReleaseList.recent`, usually none), and a worker
 * drops its kernels over those before it scores; the memory can then be freed once the main thread let
 * go of it too. A worker that gets no task for RELEASE_TTL_MS misses a release: workers also bound their
 * kernels by count (sar-worker.ts), so a missed release costs memory for a while, never without bound.
 */

/** How long a released version rides along on tasks. */
export const RELEASE_TTL_MS = 60_000;
/** At most this many versions on one task (the newest). */
export const MAX_RELEASED = 32;

export class ReleaseList {
  #items: Array<{ version: string; at: number }> = [];
  #recent: string[] | undefined;
  readonly #now: () => number;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  add(version: string): void {
    this.#items.push({ version, at: this.#now() });
    if (this.#items.length > MAX_RELEASED) this.#items.shift();
    this.#recent = this.#items.map((i) => i.version);
  }

  /** The versions released within RELEASE_TTL_MS, oldest first; undefined when none (nothing to clone). */
  recent(): readonly string[] | undefined {
    if (this.#items.length > 0 && this.#now() - this.#items[0].at > RELEASE_TTL_MS) {
      const cut = this.#now() - RELEASE_TTL_MS;
      this.#items = this.#items.filter((i) => i.at >= cut);
      this.#recent = this.#items.length ? this.#items.map((i) => i.version) : undefined;
    }
    return this.#recent;
  }
}
