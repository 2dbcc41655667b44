/**
 * The @google-cloud/storage client as the GCS model source builds it: the client's own retries off (ours
 * are bounded and also cover stalled bodies and bad hashes), the request timeout from the settings, auth
 * kept on unless the endpoint is a loopback fake. Shared so every GCS reader talks to the bucket alike.
 */
import { Storage } from '@google-cloud/storage';
import { isLoopback, type GcsSettings } from './gcs-options.js';

export function gcsStorage(s: GcsSettings): Storage {
  return new Storage({
    ...(s.apiEndpoint ? { apiEndpoint: s.apiEndpoint, useAuthWithCustomEndpoint: !isLoopback(s.apiEndpoint) } : {}),
    ...(s.projectId ? { projectId: s.projectId } : {}),
    ...(s.keyFilename ? { keyFilename: s.keyFilename } : {}),
    retryOptions: { autoRetry: false, maxRetries: 0 },
    timeout: s.requestTimeoutMs,
  });
}
