/**
 * How a surface's SAR source names its model (`model:` in the surfaces file), resolved to a registry id:
 *   `default`           → the registry's default model (whichever it is when the request comes);
 *   a model id (UUID)   → that model, when the registry has it;
 *   anything else       → the SAR model whose description (the registry's name for it) is exactly that:
 *                         among several, a Completed one before others, then the newest.
 * The description index is rebuilt when the registry's model set changes (RecordsView.onChange), so a
 * retrained model that takes over a description is picked up without a reload; a name that resolves to
 * nothing leaves the source empty (counted as RECSCORE_MODEL_NOT_FOUND) and the surfaces check warns.
 */
import type { Lease } from '../../dispatch/model-cache.js';
import type { ModelRecord, RecordsView } from '../../model/records/record.js';
import type { SurfacesFile } from './schema.js';
import type { SarModels } from './sources.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export class SarModelNames {
  private byDescription = new Map<string, string>();
  private readonly unsubscribe: () => void;
  private readonly listeners = new Set<() => void>();

  constructor(private readonly records: RecordsView) {
    this.rebuild();
    this.unsubscribe = records.onChange(() => {
      this.rebuild();
      for (const l of this.listeners) l();
    });
  }

  /** The registry id `ref` names now, or undefined. */
  resolve(ref: string): string | undefined {
    if (ref === 'default') return this.records.defaultId();
    if (UUID.test(ref)) {
      const id = ref.toLowerCase();
      if (this.records.get(id)) return id;
    }
    return this.byDescription.get(ref);
  }

  /** Called after the index was rebuilt (the surfaces holder re-checks its SAR sources). */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  close(): void {
    this.unsubscribe();
    this.listeners.clear();
  }

  private rebuild(): void {
    const best = new Map<string, ModelRecord>();
    for (const r of this.records.list()) {
      if (r.kind !== 'sar') continue;
      const have = best.get(r.description);
      if (!have || rank(r) > rank(have)) best.set(r.description, r);
    }
    this.byDescription = new Map([...best].map(([d, r]) => [d, r.id]));
  }
}

/** Completed first, then the newest (ISO 8601 times compare as strings). */
function rank(r: ModelRecord): string {
  return `${r.modelStatus === 'Completed' ? 1 : 0}${r.creationTime}`;
}

/** Every SAR model reference in a surfaces file (sources and variant overrides) with where it is. */
export function sarReferences(file: SurfacesFile): Array<{ at: string; model: string }> {
  const out: Array<{ at: string; model: string }> = [];
  for (const [name, s] of Object.entries(file.surfaces)) {
    s.sources.forEach((src, i) => {
      if (src.kind === 'sar') out.push({ at: `surfaces.${name}.sources[${i}].model`, model: src.model });
    });
  }
  file.experiments.forEach((e, i) => {
    e.variants.forEach((v, j) => {
      for (const [src, o] of Object.entries(v.overrides.sources ?? {})) {
        if (o.model !== undefined)
          out.push({ at: `experiments[${i}].variants[${j}].overrides.sources.${src}.model`, model: o.model });
      }
    });
  });
  return out;
}

/**
 * The registry's SAR models for surface sources: the reference resolved by `names`, loaded (or found loaded)
 * by the model cache and held until the source's scoring is done. Both are getters because the server opens
 * the registry after it built the app; before that every reference names nothing.
 */
export function registrySarModels(
  names: () => SarModelNames | undefined,
  cache: () => { acquire(id: string): Promise<Lease> } | undefined,
): SarModels {
  return {
    async acquire(ref) {
      const c = cache();
      const id = names()?.resolve(ref);
      if (!c || id === undefined) return undefined;
      // A model that cannot be loaded now fails the source with the cache's reason (not completed, gone).
      const lease = await c.acquire(id);
      return { model: lease.served.model, done: () => lease.done() };
    },
  };
}
