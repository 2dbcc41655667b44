/**
 * The running surfaces configuration. `load` reads and validates the whole file first and only then
 * replaces the running one, so a bad file (on SIGHUP) is reported and the old configuration keeps serving.
 * Each surface with a latency target keeps its quality factor across reloads while the target is unchanged.
 */
import { readFile } from 'node:fs/promises';
import { isRecscoreError } from '../../errors.js';
import type { Logger } from '../../log.js';
import { QualityFactor } from './quality.js';
import { parseSurfacesText, type SurfacesFile } from './schema.js';

const EMPTY: SurfacesFile = { surfaces: {}, catalog: {}, experiments: [] };

export interface ReloadReport {
  ok: boolean;
  /** The error code and message when the file was refused. */
  error?: { code: string; message: string };
}

export class SurfacesHolder {
  private file: SurfacesFile = EMPTY;
  private readonly quality = new Map<string, { target: number; q: QualityFactor }>();
  /** When the running configuration was installed, and the last refused file's error. */
  loadedAt: number | undefined;
  lastError: ReloadReport['error'];

  constructor(
    readonly path: string | undefined,
    private readonly log?: Logger,
  ) {}

  /** Validates `file` and installs it (tests and the first load). */
  install(file: SurfacesFile): void {
    this.file = file;
    this.loadedAt = Date.now();
    for (const [name, s] of Object.entries(file.surfaces)) {
      const have = this.quality.get(name);
      if (s.target_p95_ms === undefined) this.quality.delete(name);
      else if (!have || have.target !== s.target_p95_ms)
        this.quality.set(name, { target: s.target_p95_ms, q: new QualityFactor({ targetP95Ms: s.target_p95_ms }) });
    }
    for (const name of [...this.quality.keys()]) if (!file.surfaces[name]) this.quality.delete(name);
  }

  /** Reads the file; throws RECSCORE_SURFACES_INVALID at startup (`strict`), else reports and keeps the old. */
  async load(strict = false): Promise<ReloadReport> {
    if (this.path === undefined) return { ok: true };
    try {
      const text = await readFile(this.path, 'utf8');
      const parsed = parseSurfacesText(text, this.path);
      this.install(parsed);
      this.lastError = undefined;
      this.log?.info('surfaces loaded', {
        path: this.path,
        surfaces: Object.keys(parsed.surfaces),
        experiments: parsed.experiments.map((e) => e.id),
      });
      return { ok: true };
    } catch (e) {
      if (strict) throw e;
      const error = isRecscoreError(e)
        ? { code: e.code, message: e.message }
        : { code: 'RECSCORE_SURFACES_INVALID', message: `${this.path}: ${(e as Error).message}` };
      this.lastError = error;
      this.log?.error('surfaces file refused, the running configuration stays', { path: this.path, ...error });
      return { ok: false, error };
    }
  }

  get current(): SurfacesFile {
    return this.file;
  }

  /** What a status page shows of the running configuration (surfaces, experiments, the last refused file). */
  describe() {
    return {
      path: this.path ?? null,
      loaded_at: this.loadedAt === undefined ? null : new Date(this.loadedAt).toISOString(),
      last_error: this.lastError ?? null,
      surfaces: Object.entries(this.file.surfaces).map(([name, s]) => ({
        name,
        sources: s.sources.map((x) => x.name),
        quality_factor: this.qualityOf(name)?.value ?? null,
      })),
      experiments: this.file.experiments.map((e) => ({
        id: e.id,
        surface: e.surface,
        allocation: e.allocation,
        variants: e.variants.map((v) => ({ name: v.name, weight: v.weight })),
        interleave: e.interleave ?? null,
      })),
    };
  }

  qualityOf(surface: string): QualityFactor | undefined {
    return this.quality.get(surface)?.q;
  }
}
