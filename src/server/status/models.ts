/**
 * The status board's `models` section for the TAAR model in service: kind, version, source, when it was
 * loaded, its size, its items, and the reloader's last error. As in `GET /v1/models`, the source location
 * and error texts (paths, file contents) are shown only to the operator (`full`); others see codes.
 */
import type { PackedModel } from '../../model/kinds/taar/packed-model.js';
import type { ModelRegistry } from '../../model/lifecycle/registry.js';
import type { ModelReloader } from '../../model/lifecycle/reloader.js';
import type { ModelFacts } from '../../recommend/contracts.js';

export function modelStatus(
  registry: ModelRegistry<PackedModel, ModelFacts>,
  reloader: ModelReloader<PackedModel>,
  full: boolean,
): unknown[] {
  const v = registry.current;
  const r = reloader.status;
  const e = r.lastError;
  // An error older than the last success is history: shown, but not as the current state.
  const current = e !== null && (r.lastSuccess === null || e.at > r.lastSuccess);
  const lastError = e && {
    code: e.code,
    at: e.at,
    current,
    ...(e.version ? { version: e.version } : {}),
    ...(full ? { message: e.message } : {}),
  };
  if (!v) return [{ kind: 'taar', version: null, last_check: r.lastCheck, last_error: lastError }];
  const m = v.model;
  return [
    {
      kind: m.kind,
      version: m.version,
      ...(full ? { source: v.source } : {}),
      loaded_at: v.loadedAt.toISOString(),
      bytes: m.modelBytes,
      items: m.nItems,
      donors: m.nDonors,
      whitelist: m.meta.whitelist.length,
      swaps: r.swaps,
      rejected: r.rejected,
      last_check: r.lastCheck,
      last_error: lastError,
    },
  ];
}
