/** The model registry and its training jobs (issue #13): where records live, who may call /api, how many jobs. */
import { configError, int, text, url, type ValueKind } from '../values.js';
import { optional, setting, type Setting } from './define.js';

/** Comma-separated API keys: each 16–256 printable characters without spaces or commas. */
const keyList: ValueKind<readonly string[]> = {
  describe: 'comma list of keys (16–256 characters each)',
  parse(raw, source) {
    const keys = raw
      .split(',')
      .map((k) => k.trim())
      .filter((k) => k !== '');
    // Never quote the value: it is a secret.
    if (keys.length === 0 || keys.some((k) => !/^[\x21-\x7e]{16,256}$/.test(k)))
      throw configError(source, '(hidden)', 'a comma-separated list of keys of 16–256 printable characters');
    return Object.freeze(keys);
  },
};

export const REGISTRY_SETTINGS = {
  registry: optional({
    env: 'RECSCORE_REGISTRY',
    flag: 'registry',
    kind: text(),
    doc: 'Model registry: a folder or `gs://bucket/prefix` (records and trained models); unset: `<data dir>/registry`',
  }),
  registryPollS: setting({
    env: 'RECSCORE_REGISTRY_POLL',
    flag: 'registry-poll',
    kind: int(0, 86_400),
    default: 10,
    doc: "Seconds between reads of the registry (other replicas' changes); 0 = only on SIGHUP",
  }),
  adminKeys: optional({
    env: 'RECSCORE_ADMIN_KEYS',
    kind: keyList,
    doc: 'API keys (`x-api-key`) for every /api route and `POST /v1/models/reload`; unset: `serve` generates one',
  }),
  recommendKeys: optional({
    env: 'RECSCORE_RECOMMEND_KEYS',
    kind: keyList,
    doc: 'API keys accepted on the /api recommend routes only',
  }),
  trainConcurrency: setting({
    env: 'RECSCORE_TRAIN_CONCURRENCY',
    flag: 'train-concurrency',
    kind: int(1, 64),
    default: 1,
    doc: 'Training jobs run at once by this replica (each in a worker thread)',
  }),
  trainQueue: setting({
    env: 'RECSCORE_TRAIN_QUEUE',
    flag: 'train-queue',
    kind: int(1, 10_000),
    default: 16,
    doc: 'Training jobs waiting or running before `POST /api/models` answers 429',
  }),
  queue: optional({
    env: 'RECSCORE_QUEUE',
    flag: 'queue',
    kind: url(['redis', 'rediss']),
    doc: 'Training queue shared by the replicas: `redis://host:port[/db]` (BullMQ); unset: in process, in the records',
  }),
  queuePrefix: setting({
    env: 'RECSCORE_QUEUE_PREFIX',
    flag: 'queue-prefix',
    kind: text(256),
    default: 'recscore:jobs',
    doc: 'Redis key prefix of the shared training queue',
  }),
  trainMaxBadLines: setting({
    env: 'RECSCORE_TRAIN_MAX_BAD_LINES',
    flag: 'train-max-bad-lines',
    kind: int(0, 1_000_000_000),
    default: 100,
    doc: 'A training log with more bad lines than this fails its model (the parse report says why)',
  }),
} satisfies Record<string, Setting<unknown>>;
