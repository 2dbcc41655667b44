/**
 * Which variant of each experiment on a surface a client gets, and what that variant changes. Assignment is
 * bucket.ts's stable hash; clients outside an experiment's allocation get no entry (and the surface as
 * configured). Several experiments may run on one surface: their overrides apply in file order.
 *
 * The variant travels as `result_info.experiments` (`{id: variant}`) and, for the served log and events, as
 * one context value `variant`: `id:variant` pairs joined by `,` (context values are strings).
 */
import type { SurfacePlan } from '../surfaces/run.js';
import type { ExperimentConfig, VariantOverrides } from '../surfaces/schema.js';
import { bucketOf } from './bucket.js';

/** The name an interleaving experiment's clients carry in `result_info.experiments`. */
export const INTERLEAVED = 'interleaved';

export interface Assignment {
  experiment: ExperimentConfig;
  /** The variant's name, or INTERLEAVED for an interleaving experiment. */
  variant: string;
  overrides: VariantOverrides;
}

export function assign(experiments: readonly ExperimentConfig[], surface: string, clientId: string): Assignment[] {
  const out: Assignment[] = [];
  for (const e of experiments) {
    if (e.surface !== surface) continue;
    const i = bucketOf(e, clientId);
    if (i < 0) continue;
    if (e.interleave) out.push({ experiment: e, variant: INTERLEAVED, overrides: {} });
    else out.push({ experiment: e, variant: e.variants[i].name, overrides: e.variants[i].overrides });
  }
  return out;
}

export function experimentsField(as: readonly Assignment[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const a of as) out[a.experiment.id] = a.variant;
  return out;
}

/** `id:variant,…` for the served log's `variant` context value ('' when there is none). */
export function variantTag(experiments: Readonly<Record<string, string>>): string {
  return Object.entries(experiments)
    .map(([id, v]) => `${id}:${v}`)
    .join(',');
}

/** The `variant` context value back to `{id: variant}`. */
export function parseVariantTag(tag: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (tag ?? '').split(',')) {
    const at = part.indexOf(':');
    if (at > 0) out[part.slice(0, at)] = part.slice(at + 1);
  }
  return out;
}

/** A surface's plan with a variant's overrides applied (a new object; the base is not changed). */
export function applyOverrides(base: SurfacePlan, o: VariantOverrides): SurfacePlan {
  const disabled = new Set(base.disabled ?? []);
  const sources = base.sources.map((s) => {
    const so = o.sources?.[s.name];
    if (!so) return s;
    if (so.enabled === false) disabled.add(s.name);
    if (so.enabled === true) disabled.delete(s.name);
    const next = { ...s };
    if (so.weight !== undefined) next.weight = so.weight;
    if (so.budget_ms !== undefined) next.budget_ms = so.budget_ms;
    if (so.limit !== undefined) next.limit = so.limit;
    if (so.model !== undefined && next.kind === 'sar') next.model = so.model;
    if (so.seeds !== undefined && next.kind === 'sar') next.seeds = so.seeds;
    return next;
  });
  const plan: SurfacePlan = { ...base, sources, disabled };
  if (o.size !== undefined) plan.size = o.size;
  if (o.first_n !== undefined) plan.first_n = o.first_n;
  if (o.blend) plan.blend = { ...o.blend };
  if (o.filters) plan.filters = { ...base.filters, ...o.filters };
  if (o.fatigue !== undefined) plan.fatigue = o.fatigue ?? undefined;
  if (o.diversity !== undefined) plan.diversity = o.diversity ?? undefined;
  return plan;
}
