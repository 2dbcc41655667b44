/**
 * Keeps the registry on the newest good model version of a source. A new version is loaded beside the
 * old one (a new shared memory), validated completely by decode + pack, then installed atomically; a
 * bad version is rejected and the old one keeps serving. Triggers: a poll every `intervalMs`, `checkNow()`
 * (POST /v1/models/reload, SIGHUP). Failures back off exponentially (capped at the interval); a version
 * whose files were rejected is not re-loaded until the source changes again.
 */
import { isRecscoreError } from '../../errors.js';
import { log as rootLog, type Logger } from '../../log.js';
import type { ServableModel } from '../kind.js';
import type { ModelSource, SourceVersion } from '../source/source.js';

export interface ReloaderOptions<M extends ServableModel = ServableModel> {
  intervalMs?: number;
  /** first retry delay after a failure; doubles up to intervalMs */
  retryBaseMs?: number;
  logger?: Logger;
  /** optional packed-bundle cache: returns a model for a version id, or undefined */
  cache?: { get(versionId: string): Promise<M | undefined>; put(model: M): Promise<void> };
  /** how a checked version is loaded, kind and pack-time step included (the server loads in a loader thread) */
  load: (source: ModelSource, version: SourceVersion) => Promise<M>;
  /** runs before a new version is installed (e.g. instantiate it in every worker) */
  prepare?: (model: M) => Promise<void>;
  onResult?: (outcome: 'swapped' | 'unchanged' | 'rejected' | 'error', detail?: unknown) => void;
}

/** What the reloader needs of the registry (registry.ts): the version in service, and the swap. */
export interface InstallTarget<M extends ServableModel> {
  readonly model: M | undefined;
  install(model: M, source: string): unknown;
}

export interface ReloadError {
  code: string;
  message: string;
  at: string;
  version?: string;
}

export interface ReloadStatus {
  source: string;
  lastCheck: string | null;
  lastSwap: string | null;
  /** The last check that ended well (swapped or unchanged); compare with `lastError.at`. */
  lastSuccess: string | null;
  /** The last failure, kept after later successes as history: it is current only if newer than lastSuccess. */
  lastError: ReloadError | null;
  consecutiveFailures: number;
  swaps: number;
  rejected: number;
}

/** What one check did; `error` is this check's own failure, never an earlier one's. */
export interface CheckResult {
  outcome: 'swapped' | 'unchanged' | 'rejected' | 'error';
  error: ReloadError | null;
}

const REJECTING = new Set([
  'RECSCORE_MODEL_DECODE',
  'RECSCORE_MODEL_SCHEMA',
  'RECSCORE_MODEL_CONSISTENCY',
  'RECSCORE_MODEL_TOO_LARGE',
  'RECSCORE_MODEL_MISSING',
]);

export class ModelReloader<M extends ServableModel = ServableModel> {
  readonly #source: ModelSource;
  readonly #registry: InstallTarget<M>;
  readonly #opts: Required<Pick<ReloaderOptions<M>, 'intervalMs' | 'retryBaseMs'>> & ReloaderOptions<M>;
  readonly #log: Logger;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<CheckResult> | undefined;
  #rejectedVersion: string | undefined;
  #status: ReloadStatus;

  constructor(source: ModelSource, registry: InstallTarget<M>, opts: ReloaderOptions<M>) {
    this.#source = source;
    this.#registry = registry;
    this.#opts = { intervalMs: 60_000, retryBaseMs: 1_000, ...opts };
    this.#log = (opts.logger ?? rootLog).child({ component: 'reloader', source: source.location });
    this.#status = {
      source: source.location,
      lastCheck: null,
      lastSwap: null,
      lastSuccess: null,
      lastError: null,
      consecutiveFailures: 0,
      swaps: 0,
      rejected: 0,
    };
  }

  get status(): ReloadStatus {
    return { ...this.#status, lastError: this.#status.lastError && { ...this.#status.lastError } };
  }

  /** Loads the first version; throws (typed) when the source cannot provide a valid model. */
  async loadInitial(): Promise<void> {
    await this.#attempt(true);
  }

  start(): void {
    if (this.#opts.intervalMs > 0) this.#schedule(this.#opts.intervalMs);
  }

  stop(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /** One check now (coalesced with a check already running, whose result it shares). */
  checkNow(): Promise<CheckResult> {
    const failed = (e: unknown): CheckResult => ({
      outcome: 'error',
      error: { code: 'RECSCORE_INTERNAL', message: String(e), at: new Date().toISOString() },
    });
    return (this.#running ??= this.#attempt(false)
      .catch(failed)
      .finally(() => (this.#running = undefined)));
  }

  #schedule(ms: number): void {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      void this.checkNow().then(() => {
        const f = this.#status.consecutiveFailures;
        this.#schedule(
          f === 0 ? this.#opts.intervalMs : Math.min(this.#opts.intervalMs, this.#opts.retryBaseMs * 2 ** (f - 1)),
        );
      });
    }, ms);
    this.#timer.unref();
  }

  async #attempt(initial: boolean): Promise<CheckResult> {
    const now = () => new Date().toISOString();
    let versionId: string | undefined;
    try {
      const version = await this.#source.check();
      versionId = version.id;
      this.#status.lastCheck = now();
      if (version.id === this.#registry.model?.version || version.id === this.#rejectedVersion) {
        this.#status.consecutiveFailures = 0;
        this.#status.lastSuccess = this.#status.lastCheck;
        this.#opts.onResult?.('unchanged');
        return { outcome: 'unchanged', error: null };
      }
      const t0 = performance.now();
      let model = await this.#opts.cache?.get(version.id);
      const fromCache = model !== undefined;
      model ??= await this.#opts.load(this.#source, version);
      await this.#opts.prepare?.(model);
      this.#registry.install(model, this.#source.location);
      this.#status.swaps++;
      this.#status.lastSwap = now();
      this.#status.lastSuccess = this.#status.lastSwap;
      this.#status.consecutiveFailures = 0;
      this.#log.info('model version installed', {
        version: model.version,
        ms: Math.round(performance.now() - t0),
        fromCache,
      });
      this.#opts.onResult?.('swapped');
      if (!fromCache)
        await this.#opts.cache?.put(model).catch((e) => this.#log.warn('bundle cache write failed', { err: e }));
      return { outcome: 'swapped', error: null };
    } catch (e) {
      const code = isRecscoreError(e) ? e.code : 'RECSCORE_INTERNAL';
      const rejected = REJECTING.has(code);
      if (rejected && versionId) {
        this.#rejectedVersion = versionId;
        this.#status.rejected++;
      }
      this.#status.consecutiveFailures++;
      const message = (e as Error)?.message ?? String(e);
      const error: ReloadError = { code, message, at: now(), ...(versionId ? { version: versionId } : {}) };
      this.#status.lastError = error;
      this.#log.error(rejected ? 'model version rejected; the previous version keeps serving' : 'model check failed', {
        err: e,
        version: versionId,
      });
      this.#opts.onResult?.(rejected ? 'rejected' : 'error', e);
      if (initial) throw e;
      return { outcome: rejected ? 'rejected' : 'error', error };
    }
  }
}
