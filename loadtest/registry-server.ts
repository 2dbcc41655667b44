/**
 * A recscore server with registry models and no TAAR model set, for loadtest/registry-models.ts: the
 * records come from a JSON file (`{"records": [ModelRecord…], "default": id}`) through a fixed
 * RecordsView, until `recscore serve` reads the registry store itself. Run as a child (child-guard.js):
 *
 *   RECSCORE_DATA_DIR=… node dist/loadtest/registry-server.js RECORDS.json [WORKERS]
 *     → prints "listening on http://127.0.0.1:PORT"
 */
import { readFileSync } from 'node:fs';
import { eventSettingsFromEnv, eventsConfigOf } from '../src/events/config.js';
import type { ModelRecord, RecordsView } from '../src/model/records/record.js';
import { startServer } from '../src/server/start.js';

const [file, workers] = process.argv.slice(2);
const spec = JSON.parse(readFileSync(file, 'utf8')) as { records: ModelRecord[]; default?: string };
const byId = new Map(spec.records.map((r) => [r.id, r]));
const records: RecordsView = {
  get: (id) => byId.get(id),
  list: () => spec.records,
  defaultId: () => spec.default,
  onChange: () => () => {},
};
const server = await startServer({
  models: undefined,
  records,
  workers: workers ? Number(workers) : undefined,
  cacheDir: null,
  server: { port: 0, host: '127.0.0.1' },
  events: eventsConfigOf(eventSettingsFromEnv()),
  // The registry store opens beside (unused: `records` replaces it); the load test sends no API key.
  registry: { dataDir: process.env.RECSCORE_DATA_DIR, pollMs: 0 },
  recommendAuth: (_c, next) => next(),
});
process.stdout.write(`listening on ${server.url}\n`);
process.once('SIGTERM', () => void server.close().then(() => process.exit(0)));
