/** The rejections every profile store shares, so that callers branch on one shape whatever the backend. */
import { RecscoreError } from '../errors.js';

/** The rejection every store uses for an aborted read. */
export function abortedError(signal: AbortSignal): RecscoreError {
  const cause = signal.reason;
  return new RecscoreError('RECSCORE_PROFILE_READ_ABORTED', 'profile read aborted', undefined, { cause });
}

/** The rejection every store uses after close(). */
export function closedError(kind: string): RecscoreError {
  return new RecscoreError('RECSCORE_PROFILE_STORE_CLOSED', `${kind} profile store is closed`);
}
