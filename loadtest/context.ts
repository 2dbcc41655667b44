/**
 * What every scenario gets from the run: the plan, the ceiling, the data sets and a cache of started
 * recscore servers (keyed by configuration, stopped by the run once no remaining scenario needs them).
 */
import { availableParallelism } from 'node:os';
import type { ChildHandle } from './children.js';
import { largeData, type DataSet } from './datasets.js';
import { measureAgainstCeiling, type LoadTarget, type MeasureOptions } from './measure.js';
import { recommendPaths } from './paths.js';
import type { Plan } from './plan.js';
import type { ScenarioResult } from './results.js';
import { batchStats, settleBreaker, startRecscore, type RecscoreOptions } from './servers.js';

/** The server configurations scenarios share; `demo` is the server's default worker count. */
export type ServerKey = 'demo' | 'demo-w1' | 'demo-w1-nobatch' | 'demo-w2' | 'demo-w2-nobatch' | 'large-w1';

/** Batching off: the pool's maxBatch through RECSCORE_MAX_BATCH (see loadtest/README.md). */
export const NO_BATCH_ENV = { RECSCORE_MAX_BATCH: '1' };

export const DEFAULT_WORKERS = Math.max(1, availableParallelism() - 1);

export class RunContext {
  readonly plan: Plan;
  readonly measure: MeasureOptions;
  readonly demo: DataSet;
  #ceiling: ChildHandle | undefined;
  readonly log: (msg: string) => void;
  #large: Promise<DataSet> | undefined;
  readonly #servers = new Map<ServerKey, Promise<ChildHandle>>();

  constructor(plan: Plan, measure: MeasureOptions, demo: DataSet, log: (msg: string) => void) {
    this.plan = plan;
    this.measure = measure;
    this.demo = demo;
    this.log = log;
  }

  /** The ceiling starts after the first recscore server, whose answer it sends. */
  set ceiling(c: ChildHandle) {
    this.#ceiling = c;
  }
  get ceiling(): ChildHandle {
    if (!this.#ceiling) throw new Error('the ceiling server is not started yet');
    return this.#ceiling;
  }

  large(): Promise<DataSet> {
    return (this.#large ??= largeData());
  }

  async dataOf(key: ServerKey): Promise<DataSet> {
    return key.startsWith('large') ? this.large() : this.demo;
  }

  server(key: ServerKey): Promise<ChildHandle> {
    let s = this.#servers.get(key);
    if (!s) {
      s = this.#options(key).then((o) => {
        this.log(`starting ${o.name}`);
        return startRecscore(o);
      });
      this.#servers.set(key, s);
    }
    return s;
  }

  /** Stops the cached servers whose key is not in `keep`. */
  async releaseServers(keep: ReadonlySet<string>): Promise<void> {
    for (const [key, s] of this.#servers) {
      if (keep.has(key)) continue;
      this.#servers.delete(key);
      await (await s.catch(() => undefined))?.stop();
    }
  }

  async #options(key: ServerKey): Promise<RecscoreOptions> {
    const data = await this.dataOf(key);
    const workers = /-w(\d)/.exec(key)?.[1];
    return {
      name: `recscore ${key}`,
      models: data.models,
      profiles: data.profiles,
      workers: workers === undefined ? undefined : Number(workers),
      env: key.endsWith('-nobatch') ? NO_BATCH_ENV : {},
    };
  }

  ceilingFor(connections: number, nextPath: () => string): LoadTarget {
    return { url: this.ceiling.url, connections, nextPath, pid: this.ceiling.pid };
  }

  /**
   * One load scenario on a shared recscore server: the scorer breaker left open by a previous
   * scenario is let close first, and the pool's batch sizes during the rounds are recorded.
   */
  async measureOn(
    server: ChildHandle,
    data: DataSet,
    m: { name: string; title: string; good: readonly string[]; target: Omit<LoadTarget, 'url'>; keepBreaker?: boolean },
  ): Promise<ScenarioResult> {
    const probe = recommendPaths(data, 99);
    const waited = await settleBreaker(server.url, probe);
    const before = await batchStats(server.url);
    let settledMs = 0;
    // Each round starts with a closed breaker, so rounds are independent: one that tripped it does not
    // turn the next rounds into fallback-only ones. (The overload scenario keeps it open on purpose.)
    const settle = async () => void (settledMs += await settleBreaker(server.url, probe));
    const target: LoadTarget = {
      before: m.keepBreaker ? undefined : settle,
      ...m.target,
      url: server.url,
      pid: server.pid,
    };
    const ceiling = this.ceilingFor(target.connections, target.nextPath);
    const r = await measureAgainstCeiling(
      { name: m.name, title: m.title, good: m.good, target, ceiling },
      this.measure,
    );
    const after = await batchStats(server.url);
    const batches = after.batches - before.batches;
    r.extra.meanBatch = batches > 0 ? (after.requests - before.requests) / batches : 0;
    r.extra.batchesOverOne = after.overOne - before.overOne;
    // Where a batch's time goes (means per batch, ms): waiting for a worker to take it, computing, coming back.
    for (const phase of ['handoff', 'compute', 'return'] as const) {
      if (batches > 0) r.extra[`${phase}Ms`] = ((after.phases[phase] - before.phases[phase]) / batches) * 1000;
    }
    if (waited > 1_000)
      r.notes.push(`waited ${(waited / 1000).toFixed(1)} s for the scorer breaker a previous scenario left open.`);
    if (settledMs > 1_000)
      r.notes.push(`waited ${(settledMs / 1000).toFixed(1)} s in all between rounds for the scorer breaker to close.`);
    return r;
  }
}
