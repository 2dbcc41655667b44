/**
 * The registry side of a server (issue #13): opens the registry (folder or gs://), recovers lost training
 * jobs, starts polling and the training queue, and mounts `/api/models` behind the admin keys. With no
 * admin key configured one is generated (never an open admin API); `serve` prints it.
 */
import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import type { Hono } from 'hono';
import type { JobQueue } from '../control/job-queue.js';
import { SharedTrainingQueue } from '../control/shared-queue.js';
import { TrainingQueue } from '../control/training-queue.js';
import type { Logger } from '../log.js';
import { RegistryStore } from '../model/records/registry-store.js';
import { KeyRing } from './auth.js';
import type { AppEnv } from './env.js';
import { registerApiModelRoutes } from './routes/api-models.js';
import type { EventsInput } from '../model/kinds/sar/parse/store-usage.js';

export interface ControlPlaneOptions {
  /** Folder or gs://bucket/prefix; default `<dataDir>/registry`. */
  location?: string;
  /** RECSCORE_DATA_DIR: usage paths are resolved and confined here (default `./data`). */
  dataDir: string;
  pollMs: number;
  adminKeys?: readonly string[];
  recommendKeys?: readonly string[];
  concurrency: number;
  capacity: number;
  maxBadLines: number;
  /** redis://…: training jobs in a BullMQ queue shared by the replicas; unset: embedded, in process. */
  queueUrl?: string;
  /** Key prefix of the shared queue in Redis. */
  queuePrefix?: string;
  /** Job heartbeat and staleness (tests shorten them). */
  heartbeatMs?: number;
  staleMs?: number;
  gcsEndpoint?: string;
  /** The event store `events:FROM..TO` usage reads: the server's own (start.ts), not the environment's. */
  usageEvents?: EventsInput;
  log: Logger;
  bodyLimitBytes: number;
}

export interface ControlPlane {
  store: RegistryStore;
  queue: JobQueue;
  keys: KeyRing;
  /** Set when no admin key was configured: the key generated for this process. */
  generatedAdminKey?: string;
  close(): Promise<void>;
}

export async function openControlPlane(
  app: Hono<AppEnv>,
  input: Partial<ControlPlaneOptions> & Pick<ControlPlaneOptions, 'log' | 'bodyLimitBytes'>,
): Promise<ControlPlane> {
  const dataDir = resolve(input.dataDir ?? './data');
  const location = input.location ?? join(dataDir, 'registry');
  const log = input.log;
  const generatedAdminKey = input.adminKeys?.length ? undefined : randomBytes(24).toString('base64url');
  const keys = new KeyRing({
    admin: generatedAdminKey ? [generatedAdminKey] : input.adminKeys!,
    recommend: input.recommendKeys ?? [],
  });
  const gcs = input.gcsEndpoint ? { apiEndpoint: input.gcsEndpoint } : {};
  const store = await RegistryStore.open(location, { log, gcs });
  const common = {
    store,
    log,
    dataDir,
    concurrency: input.concurrency ?? 1,
    capacity: input.capacity ?? 16,
    maxBadLines: input.maxBadLines ?? 100,
    gcsEndpoint: input.gcsEndpoint,
    usageEvents: input.usageEvents,
    ...(input.heartbeatMs ? { heartbeatMs: input.heartbeatMs } : {}),
    ...(input.staleMs ? { staleMs: input.staleMs } : {}),
  };
  const queue: JobQueue = input.queueUrl
    ? new SharedTrainingQueue({ ...common, url: input.queueUrl, prefix: input.queuePrefix ?? 'recscore:jobs' })
    : new TrainingQueue(common);
  await queue.start();
  store.startPolling(input.pollMs ?? 10_000);
  registerApiModelRoutes(app, { store, queue, keys, dataDir, bodyLimitBytes: input.bodyLimitBytes });
  log.info('registry open', { registry: store.location, models: store.list().length });
  return {
    store,
    queue,
    keys,
    generatedAdminKey,
    async close() {
      await queue.close();
      await store.close();
    },
  };
}
