/**
 * A short-lived cache of experiment results. Each answer re-reads the event log over its days — bounded in
 * memory but O(events) in time — while dashboards poll the same (experiment, from, to) over and over.
 * Entries live `ttlMs` and at most `maxEntries` are kept (the least recently used goes first), because the
 * key holds request data (the days). Concurrent requests for one key share one read; a failed read is not
 * kept. An entry answers only for the experiment configuration it was computed with: a reload that changes
 * the experiment (a new object from the surfaces file) computes afresh.
 */

export interface ResultsCacheOptions {
  /** How long an answer is reused; 0 turns the cache off. */
  ttlMs: number;
  maxEntries: number;
  now?: () => number;
}

interface Entry<T> {
  at: number;
  config: object;
  value: Promise<T>;
}

export class ResultsCache<T> {
  readonly #entries = new Map<string, Entry<T>>();
  readonly #now: () => number;

  constructor(private readonly opts: ResultsCacheOptions) {
    this.#now = opts.now ?? Date.now;
  }

  get size(): number {
    return this.#entries.size;
  }

  /**
   * The answer for `key` computed for `config` no more than ttl ago, else `compute()`'s (kept once it
   * resolves); `age` is how old the answer is, in ms.
   */
  async get(key: string, config: object, compute: () => Promise<T>): Promise<{ value: T; age: number }> {
    const now = this.#now();
    if (this.opts.ttlMs <= 0) return { value: await compute(), age: 0 };
    let entry = this.#entries.get(key);
    if (entry && (entry.config !== config || now - entry.at >= this.opts.ttlMs)) entry = undefined;
    if (entry) {
      this.#entries.delete(key); // re-inserted: Map order is recency
      this.#entries.set(key, entry);
    } else {
      const fresh: Entry<T> = { at: now, config, value: compute() };
      entry = fresh;
      this.#entries.delete(key);
      this.#entries.set(key, fresh);
      while (this.#entries.size > this.opts.maxEntries) this.#entries.delete(this.#entries.keys().next().value!);
      fresh.value.catch(() => {
        if (this.#entries.get(key) === fresh) this.#entries.delete(key);
      });
    }
    const value = await entry.value;
    return { value, age: Math.max(0, this.#now() - entry.at) };
  }
}
