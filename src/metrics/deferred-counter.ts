/**
 * A prom-client Counter's children for the request path, counted in plain numbers and added to the
 * counter when it is read. A prom-client child (`counter.labels(…)`) keeps its label object, but each
 * `inc()` still validates and hashes it (0.15–0.4 µs per call, issue 11); here an `inc()` is one addition,
 * and the counter's `collect` hook (prom-client calls it before every read: `/metrics`, `get()`) adds the
 * sums with `inc(labels, n)`. Label values must be bounded (route names, served paths), as they are for
 * every recscore metric: one entry is kept per combination.
 * @example
 * let byRoute: DeferredCounter<'route'>;
 * const c = new Counter({ name, help, labelNames: ['route'], collect: () => byRoute.flush() });
 * byRoute = new DeferredCounter(c);
 * byRoute.child('health').inc();
 */
import type { Counter, LabelValues } from 'prom-client';

export interface CountingChild {
  inc(by?: number): void;
}

class Pending<L extends string> implements CountingChild {
  n = 0;
  constructor(readonly labels: LabelValues<L>) {}
  inc(by = 1): void {
    this.n += by;
  }
}

export class DeferredCounter<L extends string> {
  readonly #children = new Map<string, Pending<L>>();

  constructor(
    private readonly counter: Counter<L>,
    /** The label names, in the order `child(…)` takes their values. */
    private readonly names: readonly L[],
  ) {}

  /** The child for these label values (in the order of `names`), made once. */
  child(...values: string[]): CountingChild {
    const key = values.length === 1 ? values[0] : values.join('\u0000');
    let child = this.#children.get(key);
    if (child === undefined) {
      const labels = Object.fromEntries(this.names.map((n, i) => [n, values[i]])) as LabelValues<L>;
      child = new Pending(labels);
      this.#children.set(key, child);
    }
    return child;
  }

  /** Adds what was counted since the last call to the counter (its `collect` hook calls it). */
  flush(): void {
    for (const child of this.#children.values()) {
      if (child.n === 0) continue;
      const n = child.n;
      child.n = 0;
      this.counter.inc(child.labels, n);
    }
  }
}
