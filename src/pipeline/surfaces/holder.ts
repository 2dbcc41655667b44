/**
 * The running surfaces configuration and item catalog. `load` reads and validates each file completely
 * before it replaces the running one, so a bad file (on SIGHUP) is reported and the old one keeps serving;
 * the surfaces file and the catalog file are replaced independently (a bad catalog does not hold back a good
 * surfaces file, nor the reverse). Each surface with a latency target keeps its quality factor across reloads
 * while the target is unchanged.
 */
import { readFile, stat } from 'node:fs/promises';
import { isRecscoreError } from '../../errors.js';
import type { Logger } from '../../log.js';
import { Catalog, loadCatalog } from './catalog.js';
import { QualityFactor } from './quality.js';
import { sarReferences } from './sar-names.js';
import { parseSurfacesText, type SurfacesFile } from './schema.js';

const EMPTY: SurfacesFile = { surfaces: {}, catalog: {}, experiments: [] };

export interface ReloadReport {
  ok: boolean;
  /** The error code and message when the file was refused. */
  error?: { code: string; message: string };
}

export interface CatalogOptions {
  /** RECSCORE_CATALOG: a Product Recommendations catalog CSV or JSONL of item attributes. */
  path?: string;
  /** Files larger than this are refused before they are read. */
  maxBytes: number;
}

export class SurfacesHolder {
  private file: SurfacesFile = EMPTY;
  /** The catalog file as last loaded, and merged with the running surfaces file's inline attributes. */
  private fileCatalog = Catalog.EMPTY;
  /** Size and mtime of the catalog file as loaded: a SIGHUP that finds them unchanged does not re-parse it. */
  private catalogStamp: string | undefined;
  private merged = Catalog.EMPTY;
  private readonly quality = new Map<string, { target: number; q: QualityFactor }>();
  /** When the running configuration was installed, and the last refused file's error. */
  loadedAt: number | undefined;
  lastError: ReloadReport['error'];
  /** SAR sources of the running file whose model names nothing in the registry now (their source is empty). */
  warnings: string[] = [];
  private resolveModel: ((ref: string) => string | undefined) | undefined;

  constructor(
    readonly path: string | undefined,
    private readonly log?: Logger,
    readonly catalogOptions: CatalogOptions = { maxBytes: 256 * 1024 * 1024 },
  ) {}

  /** Installs a validated `file` (tests and the first load). */
  install(file: SurfacesFile): void {
    this.file = file;
    this.merged = this.fileCatalog.withInline(file.catalog);
    this.loadedAt = Date.now();
    for (const [name, s] of Object.entries(file.surfaces)) {
      const have = this.quality.get(name);
      if (s.target_p95_ms === undefined) this.quality.delete(name);
      else if (!have || have.target !== s.target_p95_ms)
        this.quality.set(name, { target: s.target_p95_ms, q: new QualityFactor({ targetP95Ms: s.target_p95_ms }) });
    }
    for (const name of [...this.quality.keys()]) if (!file.surfaces[name]) this.quality.delete(name);
    this.checkModels();
  }

  /** How SAR model references resolve (the registry's names); checked now and on every install. */
  setModelResolver(resolve: (ref: string) => string | undefined): void {
    this.resolveModel = resolve;
    this.checkModels();
  }

  /** Warns of SAR references that name no model; called on install and when the registry's models change. */
  checkModels(): void {
    const resolve = this.resolveModel;
    if (!resolve) return;
    const warnings = sarReferences(this.file)
      .filter((r) => resolve(r.model) === undefined)
      .map((r) => `${r.at}: no SAR model ${JSON.stringify(r.model)} in the registry; the source stays empty`);
    const before = new Set(this.warnings);
    for (const w of warnings) if (!before.has(w)) this.log?.warn('surfaces: unknown SAR model', { warning: w });
    this.warnings = warnings;
  }

  /**
   * Reads the catalog file, then the surfaces file; throws RECSCORE_SURFACES_INVALID at startup (`strict`),
   * else reports the first error and keeps the old one of the file that failed.
   */
  async load(strict = false): Promise<ReloadReport> {
    let error: ReloadReport['error'];
    const attempt = async (path: string, what: string, work: () => Promise<void>) => {
      try {
        await work();
      } catch (e) {
        if (strict) throw e;
        const err = isRecscoreError(e)
          ? { code: e.code, message: e.message }
          : { code: 'RECSCORE_SURFACES_INVALID', message: `${path}: ${(e as Error).message}` };
        error ??= err;
        this.log?.error(`${what} refused, the running one stays`, { path, ...err });
      }
    };
    const catalogPath = this.catalogOptions.path;
    if (catalogPath !== undefined) {
      await attempt(catalogPath, 'catalog file', async () => {
        const st = await stat(catalogPath);
        const stamp = `${st.size}:${st.mtimeMs}`;
        if (stamp === this.catalogStamp) return; // a large catalog costs seconds of CPU to parse again
        this.fileCatalog = await loadCatalog(catalogPath, this.catalogOptions.maxBytes);
        this.catalogStamp = stamp;
        this.merged = this.fileCatalog.withInline(this.file.catalog);
        this.log?.info('catalog loaded', { path: catalogPath, items: this.fileCatalog.size });
      });
    }
    const path = this.path;
    if (path !== undefined) {
      await attempt(path, 'surfaces file', async () => {
        const parsed = parseSurfacesText(await readFile(path, 'utf8'), path);
        this.install(parsed);
        this.log?.info('surfaces loaded', {
          path,
          surfaces: Object.keys(parsed.surfaces),
          experiments: parsed.experiments.map((e) => e.id),
        });
      });
    }
    this.lastError = error;
    return error ? { ok: false, error } : { ok: true };
  }

  get current(): SurfacesFile {
    return this.file;
  }

  /** Item attributes: the catalog file with the surfaces file's inline `catalog:` over it. */
  get catalog(): Catalog {
    return this.merged;
  }

  /** What a status page shows of the running configuration (surfaces, experiments, the last refused file). */
  describe() {
    return {
      path: this.path ?? null,
      catalog: { path: this.catalogOptions.path ?? null, items: this.merged.size },
      loaded_at: this.loadedAt === undefined ? null : new Date(this.loadedAt).toISOString(),
      last_error: this.lastError ?? null,
      warnings: this.warnings,
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
