/**
 * Every error recscore raises on purpose carries a stable `code` (RECSCORE_…) so that callers, logs and
 * the HTTP layer can branch on it without parsing messages. One mapping turns codes into HTTP statuses
 * (src/server/on-error.ts); the CLI prints `code: message` and exits non-zero.
 */
export type ErrorCode =
  | 'RECSCORE_MODEL_MISSING' // a model file is absent from the source
  | 'RECSCORE_MODEL_DECODE' // bz2 or JSON could not be decoded
  | 'RECSCORE_MODEL_SCHEMA' // decoded JSON does not have the model's shape
  | 'RECSCORE_MODEL_CONSISTENCY' // files disagree with each other (dimensions, ids, …)
  | 'RECSCORE_MODEL_TOO_LARGE' // a size limit was exceeded
  | 'RECSCORE_MODEL_SOURCE' // the model source (folder, GCS) failed
  | 'RECSCORE_BUNDLE_INVALID' // a packed bundle is corrupt or of another format version
  | 'RECSCORE_NO_MODEL' // nothing is loaded yet
  | 'RECSCORE_BAD_REQUEST' // generic invalid input
  | 'RECSCORE_BAD_JSON' // a request body that is not JSON
  | 'RECSCORE_BAD_CLIENT_ID' // a client id outside the accepted pattern
  | 'RECSCORE_BAD_GUID' // an add-on GUID outside the accepted pattern
  | 'RECSCORE_BAD_OPTION' // a query or body option of the wrong type or range
  | 'RECSCORE_BODY_TOO_LARGE' // a request body above the body limit
  | 'RECSCORE_HEADERS_TOO_LARGE' // request headers above Node's header limit
  | 'RECSCORE_UNSUPPORTED_MEDIA_TYPE' // a body that is not application/json
  | 'RECSCORE_NOT_FOUND' // no route for the path
  | 'RECSCORE_METHOD_NOT_ALLOWED' // the route exists with other methods
  | 'RECSCORE_UNAUTHORIZED' // a protected route without the right bearer token
  | 'RECSCORE_TIMEOUT' // the client did not send its request (headers or body) in time
  | 'RECSCORE_PROFILE_INVALID' // a stored profile has the wrong shape
  | 'RECSCORE_PROFILE_STORE' // the profile store failed or timed out
  | 'RECSCORE_PROFILE_READ_ABORTED' // a profile read was abandoned by its caller's signal
  | 'RECSCORE_PROFILE_STORE_CLOSED' // a profile read after the store was closed
  | 'RECSCORE_RECOMMENDER_FAILED' // one recommender failed; the others still answer
  | 'RECSCORE_SHED' // the scoring queue is full: the request is answered from the fallback
  | 'RECSCORE_DEADLINE_EXPIRED' // a queued request dropped before dispatch: its deadline cannot be met
  | 'RECSCORE_BUDGET_EXCEEDED' // a stage (profile, scoring) did not finish within its time budget
  | 'RECSCORE_STALLED' // a budget ran out because the process itself stalled (not counted by breakers)
  | 'RECSCORE_POOL_CLOSED' // the pool was drained (shutdown) while the request waited
  | 'RECSCORE_WORKER_FAILED' // a worker failed a whole batch (crash, lost thread, broken message)
  | 'RECSCORE_CONFIG' // invalid configuration or CLI arguments
  | 'RECSCORE_INTERNAL' // a bug: an error nothing else names
  | 'RECSCORE_REQUEST_FAILED' // scoring one request failed; its batch-mates were still scored
  | 'RECSCORE_BAD_EVENT' // one posted event is invalid (rejected alone, the others are kept)
  | 'RECSCORE_BAD_EVENT_TYPE' // an event type that is neither built in nor configured
  | 'RECSCORE_BAD_TIMESTAMP' // unparsable, too far in the future, or older than the accepted lateness
  | 'RECSCORE_TOO_MANY_EVENTS' // more events in one POST than allowed
  | 'RECSCORE_BAD_QUERY' // invalid stats query (day, range, segment)
  | 'RECSCORE_BAD_SKETCH' // HyperLogLog bytes that are not a Redis HLL string
  | 'RECSCORE_EVENT_STORE' // the event store failed: nothing was acknowledged
  | 'RECSCORE_SAR_INPUT' // SAR usage events cannot be read (missing path, bad compression)
  | 'RECSCORE_SAR_TRAINING' // SAR training refused: too many bad lines, or no event left
  | 'RECSCORE_FORBIDDEN' // an API key of the wrong kind (a recommend key on an admin route)
  | 'RECSCORE_BAD_MODEL_ID' // a model id that is not a UUID
  | 'RECSCORE_BAD_MODEL_FIELD' // a model creation body with a missing or invalid field (the message names it)
  | 'RECSCORE_BAD_USAGE_PATH' // a usage log path outside RECSCORE_DATA_DIR, or of an unknown scheme
  | 'RECSCORE_MODEL_NOT_FOUND' // no registered model with this id
  | 'RECSCORE_NO_DEFAULT_MODEL' // no default model is set
  | 'RECSCORE_MODEL_NOT_COMPLETED' // the model is not trained (yet): it cannot be the default
  | 'RECSCORE_TRAINING_QUEUE_FULL' // too many training jobs waiting: retry later
  | 'RECSCORE_REGISTRY' // the registry storage (folder, GCS) failed
  | 'RECSCORE_REGISTRY_CONFLICT' // a registry write kept losing to concurrent writers
  | 'RECSCORE_SURFACES_INVALID' // the surfaces file (RECSCORE_SURFACES) cannot be read or fails its schema
  | 'RECSCORE_NO_SURFACE' // a request names a surface or experiment that is not configured
  | 'RECSCORE_SOURCE_FAILED'; // one candidate source of a surface failed (the surface still answers)

export class RecscoreError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown> | undefined;
  constructor(code: ErrorCode, message: string, details?: Record<string, unknown>, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RecscoreError';
    this.code = code;
    this.details = details;
  }
}

/** A model file that cannot be used. `file` is the object name inside the model source. */
export class ModelError extends RecscoreError {
  readonly file: string;
  constructor(code: ErrorCode, file: string, problem: string, options?: { cause?: unknown }) {
    super(code, `${file}: ${problem}`, { file }, options);
    this.name = 'ModelError';
    this.file = file;
  }
}

export function isRecscoreError(e: unknown): e is RecscoreError {
  return e instanceof RecscoreError;
}
