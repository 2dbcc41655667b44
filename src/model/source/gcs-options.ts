/**
 * Options of the GCS model source, checked once at construction; every message names the option.
 * Defaults suit a production bucket; tests shrink the timers to milliseconds.
 */
import { z } from 'zod';
import type { Storage } from '@google-cloud/storage';
import { RecscoreError } from '../../errors.js';
import type { Logger } from '../../log.js';
import type { ModelFileKind } from '../kinds/taar/files.js';

const ms = z.number().int().positive();

const schema = z.object({
  /** e.g. `http://127.0.0.1:4443` for a fake; auth is kept on unless the endpoint is loopback. */
  apiEndpoint: z.string().url().optional(),
  projectId: z.string().min(1).optional(),
  /** A service-account key file; otherwise the usual application-default credentials. */
  keyFilename: z.string().min(1).optional(),
  /** Tries per listing or download, the first included. */
  attempts: z.number().int().min(1).max(20).default(5),
  backoffBaseMs: ms.default(250),
  backoffMaxMs: ms.default(10_000),
  /** Response-header timeout for every request, and the whole-listing deadline. */
  requestTimeoutMs: ms.default(30_000),
  /** A download that receives nothing for this long is aborted and retried. */
  idleTimeoutMs: ms.default(30_000),
  /** Overall deadline of one download attempt. */
  deadlineMs: ms.default(15 * 60_000),
  /** Downloads at least this large log progress at info level (smaller ones at debug). */
  progressLogBytes: z
    .number()
    .int()
    .nonnegative()
    .default(8 << 20),
  progressLogIntervalMs: ms.default(5_000),
});

export type GcsSourceOptions = z.input<typeof schema> & {
  /** Which model files must be present (default: all nine). */
  kinds?: readonly ModelFileKind[];
  logger?: Logger;
  /** A ready client (its retry and timeout settings are then the caller's business). */
  storage?: Storage;
};

export type GcsSettings = z.output<typeof schema>;

export function parseGcsOptions(opts: GcsSourceOptions): GcsSettings {
  const { kinds: _k, logger: _l, storage: _s, ...rest } = opts;
  const parsed = schema.strict().safeParse(rest);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new RecscoreError(
      'RECSCORE_CONFIG',
      `GCS model source option ${issue.path.join('.') || '(unknown)'}: ${issue.message}`,
    );
  }
  return parsed.data;
}

export function isLoopback(endpoint: string): boolean {
  const host = new URL(endpoint).hostname;
  return host === 'localhost' || host === '[::1]' || /^127\./.test(host);
}
