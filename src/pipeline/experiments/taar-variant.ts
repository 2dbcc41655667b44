/**
 * Experiments on the built-in `taar` surface (TAAR's own routes). A client in none of them is served
 * exactly as before (the TAAR path, untouched: parity holds); a client in one gets its variant named in
 * `result_info.experiments`, and the variant may turn the weighted draw on or off, change the size, or
 * serve the answer from a configured surface instead.
 */
import type { SurfacesFile } from '../surfaces/schema.js';
import { assign, experimentsField } from './assign.js';

export interface TaarVariant {
  experiments: Record<string, string>;
  draw?: boolean;
  size?: number;
  /** Serve from this configured surface instead of TAAR's path. */
  surface?: string;
}

export function taarVariant(file: SurfacesFile, clientId: string): TaarVariant | undefined {
  if (file.experiments.length === 0 || clientId === '') return undefined;
  const as = assign(file.experiments, 'taar', clientId);
  if (as.length === 0) return undefined;
  const out: TaarVariant = { experiments: experimentsField(as) };
  for (const a of as) {
    const o = a.overrides;
    if (o.draw !== undefined) out.draw = o.draw;
    if (o.size !== undefined) out.size = o.size;
    if (o.surface !== undefined) out.surface = o.surface;
  }
  return out;
}
