import type { Catalog } from './catalog.js';
import { Prng } from './prng.js';
import type { SynthOptions } from './types.js';
import { SYSTEM_ADDON_PREFIX, SYSTEM_ADDON_SUFFIX } from './vocab.js';

/**
 * SPEC §5.9: one day's install count for every GUID, Zipf in popularity (the vectors: top 909, median
 * 2), plus a few system add-ons with counts above any other, as `telemetry.addons` has them. System
 * add-ons dominate the mean and so TAAR-lite's MIN_INSTALLS = mean · 0.05 (≈ 3 in the vectors).
 */
export function buildRanking(cat: Catalog, opts: SynthOptions): Record<string, number> {
  const prng = new Prng(opts.seed, 'ranking');
  const n = cat.guids.length;
  const top = Math.max(10, Math.round(0.45 * n));
  const entries: Array<[string, number]> = [];
  for (let i = 0; i < n; i++) {
    entries.push([cat.guids[i], Math.max(1, Math.round(top * cat.popularity[i] * prng.logNormal(0, 0.35)))]);
  }
  const systemCount = Math.min(60, Math.ceil(n * 0.03));
  for (let k = 0; k < systemCount; k++) {
    const guid = `${SYSTEM_ADDON_PREFIX}${String(k).padStart(2, '0')}${SYSTEM_ADDON_SUFFIX}`;
    entries.push([guid, Math.round(top * prng.uniform(1, 2.9))]);
  }
  prng.shuffle(entries); // the file is in no particular order
  const out: Record<string, number> = {};
  for (const [g, c] of entries) out[g] = c;
  return out;
}

export function isSystemAddon(guid: string): boolean {
  return guid.startsWith(SYSTEM_ADDON_PREFIX) && guid.endsWith(SYSTEM_ADDON_SUFFIX);
}
