/**
 * The registry's sections of the status page (issue 16): training jobs with their progress, and the
 * registry models loaded in shared memory. Read from what the registry store and the model cache already
 * hold; nothing is computed per request.
 */
import type { ModelCache } from '../../dispatch/model-cache.js';
import type { RecordsView } from '../../model/records/record.js';

const OPEN = new Set(['Created', 'InProgress']);
// Finished jobs created in the last hour stay listed, so an operator sees how the last ones ended.
const RECENT_MS = 60 * 60 * 1000;
const MAX_ROWS = 50;

/** Open jobs first, then the finished ones created in the last hour; newest first, at most 50 rows. */
export function trainingStatus(records: RecordsView, now = Date.now()) {
  const rows = records
    .list()
    .filter((r) => OPEN.has(r.modelStatus) || now - createdAt(r) < RECENT_MS)
    .sort((a, b) => Number(OPEN.has(b.modelStatus)) - Number(OPEN.has(a.modelStatus)) || createdAt(b) - createdAt(a))
    .slice(0, MAX_ROWS);
  return rows.map((r) => ({
    id: r.id,
    description: r.description,
    status: r.modelStatus,
    // The training thread writes `Training: <phase> <n>%`; a finished job is 100 %.
    progress: r.modelStatus === 'Completed' ? 1 : percentOf(r.modelStatusMessage),
    message: r.modelStatusMessage,
    created: r.creationTime,
  }));
}

/** The registry models in shared memory (the default marked), by recency of use. */
export function loadedModelsStatus(cache: ModelCache) {
  return cache.loaded().map((m) => ({
    id: m.id,
    version: m.version,
    default: m.isDefault,
    mib: Math.round((m.bytes / 2 ** 20) * 10) / 10,
    in_flight: m.inflight,
  }));
}

function percentOf(message: string): number | undefined {
  const m = /(\d+(?:\.\d+)?)\s*%\s*$/.exec(message);
  return m ? Math.min(1, Number(m[1]) / 100) : undefined;
}

function createdAt(r: { creationTime: string }): number {
  const t = Date.parse(r.creationTime);
  return Number.isFinite(t) ? t : 0;
}
