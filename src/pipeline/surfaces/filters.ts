/**
 * Filters: items the client has installed (or the request excludes), the surface's and the request's block
 * lists, items already shown to the client more than `maxShown` times in the fatigue window, and item
 * attributes (`category=privacy`) when a catalog is loaded: an item without the attribute does not match.
 */
import type { Candidate } from './candidates.js';
import type { ItemAttributes } from './catalog.js';

export interface FilterSpec {
  /** Installed add-ons (when the surface filters them) and the request's `exclude`. */
  exclude: ReadonlySet<string>;
  block: ReadonlySet<string>;
  maxShown?: number;
  shown?: ReadonlyMap<string, number>;
  /** Attribute → accepted value; every pair must match. */
  attributes?: ReadonlyMap<string, string>;
  catalog?: ItemAttributes;
}

export function applyFilters(cands: readonly Candidate[], f: FilterSpec): Candidate[] {
  return cands.filter((c) => {
    if (f.exclude.has(c.item) || f.block.has(c.item)) return false;
    if (f.maxShown !== undefined && (f.shown?.get(c.item) ?? 0) > f.maxShown) return false;
    if (f.attributes && f.attributes.size > 0) {
      const attrs = f.catalog?.get(c.item);
      for (const [k, v] of f.attributes) if (attrs?.[k] !== v) return false;
    }
    return true;
  });
}
