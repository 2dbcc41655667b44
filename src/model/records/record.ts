/**
 * A registered model (issue #13): the record the registry stores as one JSON object per model, beside the
 * artifact it describes. The control plane (registry store, training jobs, the /api/models routes) writes
 * records; the serving side (loading artifacts into shared memory, the recommend routes) only reads them
 * through `RecordsView`. Field names follow Product Recommendations' model API, which clients already parse.
 */

export const MODEL_STATUSES = ['Created', 'InProgress', 'Completed', 'Failed'] as const;
export type ModelStatus = (typeof MODEL_STATUSES)[number];

export type RecordKind = 'sar' | 'taar';

/** Training and serving parameters as the API accepts them (enumerations normalised to lower case). */
export interface ModelParameters {
  /** Usage log: a path under RECSCORE_DATA_DIR, a `gs://…` URL, or an event-log range (`events:FROM..TO`). */
  usage: string;
  evaluationUsage?: string;
  similarityFunction: string;
  supportThreshold: number;
  cooccurrenceUnit: 'user' | 'timestamp';
  enableUserAffinity: boolean;
  decayPeriodInDays?: number;
  /** Serving: back-fill cold answers with the most popular items (default true). */
  enableBackfilling: boolean;
  /** Serving: seed and history items may be recommended (default false). */
  allowSeedItemsInRecommendations: boolean;
  /** Keep per-user history in the model so `userId` alone can be scored. */
  enableUserToItemRecommendations: boolean;
}

export interface ModelRecord {
  /** UUID. */
  id: string;
  kind: RecordKind;
  /** At most 256 characters. */
  description: string;
  /** ISO 8601. */
  creationTime: string;
  modelStatus: ModelStatus;
  /** Progress while training, the reason when failed. */
  modelStatusMessage: string;
  parameters: ModelParameters;
  /** Durations, parse report, numbers of users/items/events, coverage, evaluation; absent until trained. */
  statistics?: Record<string, unknown>;
  /** Where the packed model is (a `.sarm` file path or `gs://…` URL); set when `Completed`. */
  artifact?: string;
  /** Control-plane bookkeeping of the training job; absent once the model is Completed or Failed. */
  job?: TrainingJobState;
}

/** Which replica runs (or queued) a model's training, and its last sign of life, so a dead job is noticed. */
export interface TrainingJobState {
  /** `host:pid:nonce` of the replica that owns the job. */
  owner: string;
  /** ISO 8601; refreshed while the job waits or runs. */
  heartbeat: string;
  /** Training attempts started (a job interrupted by a restart is tried again once). */
  attempts: number;
}

/** What the serving side reads of the registry (the registry store implements it). */
export interface RecordsView {
  get(id: string): ModelRecord | undefined;
  list(): readonly ModelRecord[];
  /** The default model's id, if one is set. */
  defaultId(): string | undefined;
  /** Called after the view changed (a local write, a poll or SIGHUP that found changes); returns an unsubscribe. */
  onChange(listener: () => void): () => void;
}
