/**
 * The degraded scenario's private Redis (test/helpers/redis-server.ts: a free port, nothing persisted),
 * owned by a child of its own so that it dies with the load test: child-guard.js ends this process when
 * the parent goes, and the helper kills redis-server when this process exits.
 *
 *   node dist/loadtest/redis-child.js   → prints "listening on tcp://127.0.0.1:PORT"
 */
import { startRedis } from '../test/helpers/redis-server.js';

const redis = await startRedis();
process.stdout.write(`listening on tcp://127.0.0.1:${redis.port}\n`);
process.once('SIGTERM', () => void redis.stop().then(() => process.exit(0)));
