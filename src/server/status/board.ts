/**
 * What `GET /v1/status` answers: the operator's one look at a running server. Fixed sections (build,
 * uptime, breakers, pool queue, shed count, serving quality, answer totals) come from what the app
 * already holds; the rest are *providers* that features register by name when they exist:
 * `models` (start.ts, from the registry and reloader), `training` and `registry_models` (status/registry.ts),
 * `experiments` (the surfaces).
 *
 * A provider gets `{full}`: true when the caller sent the admin bearer token (RECSCORE_RELOAD_TOKEN),
 * so it may include source locations and error texts, which `GET /v1/models` also shows only then. A
 * provider that throws costs only its own section (`{"error": …}`), never the status answer.
 */
import type { Metrics } from '../../metrics/registry.js';
import type { StatusSeries } from '../../metrics/series.js';
import type { Breaker } from '../../resilience/breaker.js';
import type { VersionInfo } from '../version.js';

export interface ProviderContext {
  /** The caller is the operator (admin bearer token): paths and error texts may be shown. */
  full: boolean;
}

export type StatusProvider = (ctx: ProviderContext) => unknown | Promise<unknown>;

/** The names the page knows how to draw; any other name is shown as JSON. */
export type KnownSection = 'models' | 'training' | 'experiments';

export interface StatusBoardDeps {
  metrics: Metrics;
  series: StatusSeries;
  breakers: readonly Breaker[];
  version: VersionInfo;
  /** Requests waiting for a worker (the pool's); undefined when the scorer has no queue. */
  queueDepth?: () => number;
  /** Epoch ms the process started serving (default: when the board was made). */
  startedAt?: number;
  now?: () => number;
}

export class StatusBoard {
  readonly #deps: StatusBoardDeps;
  readonly #providers = new Map<string, StatusProvider>();
  readonly #startedAt: number;
  readonly #now: () => number;

  constructor(deps: StatusBoardDeps) {
    this.#deps = deps;
    this.#now = deps.now ?? Date.now;
    this.#startedAt = deps.startedAt ?? this.#now();
  }

  get series(): StatusSeries {
    return this.#deps.series;
  }

  /** Registers (or replaces) a section; the returned function removes it. */
  provide(name: KnownSection | (string & {}), provider: StatusProvider): () => void {
    this.#providers.set(name, provider);
    return () => {
      if (this.#providers.get(name) === provider) this.#providers.delete(name);
    };
  }

  async snapshot(ctx: ProviderContext): Promise<Record<string, unknown>> {
    const { metrics, series, breakers, version, queueDepth } = this.#deps;
    const now = this.#now();
    const serving = metrics.serving.snapshot();
    const known = serving.personalised + serving.fallback;
    const totals = series.totals();
    const sections: Record<string, unknown> = {};
    for (const [name, provider] of this.#providers) {
      try {
        sections[name] = await provider(ctx);
      } catch (e) {
        sections[name] = { error: e instanceof Error ? e.message : String(e) };
      }
    }
    return {
      build: { version: version.version, commit: version.commit, build: version.build, source: version.source },
      started_at: new Date(this.#startedAt).toISOString(),
      uptime_s: Math.round((now - this.#startedAt) / 1000),
      now: new Date(now).toISOString(),
      breakers: breakers.map((b) => ({ name: b.name, state: b.state, since: new Date(b.since).toISOString() })),
      queue_depth: queueDepth ? queueDepth() : null,
      shed_total: totals.reason.shed ?? 0,
      serving: {
        window_s: 30,
        personalised: serving.personalised,
        fallback: serving.fallback,
        // The quality factor: the personalised share of answers to known clients (1 when there were none).
        quality: known === 0 ? 1 : Math.round((serving.personalised / known) * 1000) / 1000,
        degraded: serving.onlyFallbacks,
      },
      totals,
      ...sections,
    };
  }
}
