/** The rejections every profile store shares, so that callers branch on one shape whatever the backend. */
import { RecscoreError } from '../errors.js';

/** The rejection every store uses for an aborted read. */
export function abortedError(signal: AbortSignal): RecscoreError {
  return new RecscoreError(
    'RECSCORE_PROFILE_STORE',
    'profile read aborted',
    { aborted: true },
    { cause: signal.reason },
  );
}

/** The rejection every store uses after close(). */
export function closedError(kind: string): RecscoreError {
  return new RecscoreError('RECSCORE_PROFILE_STORE', `${kind} profile store is closed`, { closed: true });
}
