/**
 * The degraded scenario's slow profile store: test/helpers/delay-proxy.ts in a child of its own (never
 * in the load generator's event loop), holding every chunk between recscore and Redis for `--delay` ms.
 *
 *   node dist/loadtest/proxy-server.js --target 6379 --delay 40   → prints "listening on tcp://127.0.0.1:PORT"
 */
import { parseArgs } from 'node:util';
import { startDelayProxy } from '../test/helpers/delay-proxy.js';

const { values } = parseArgs({ options: { target: { type: 'string' }, delay: { type: 'string' } } });
const target = Number(values.target);
const delay = Number(values.delay ?? '0');
if (!Number.isInteger(target) || target <= 0 || !Number.isFinite(delay) || delay < 0) {
  process.stderr.write('usage: proxy-server.js --target PORT [--delay MS]\n');
  process.exit(2);
}
const proxy = await startDelayProxy(target);
proxy.setDelay(delay);
process.stdout.write(`listening on tcp://127.0.0.1:${proxy.port}\n`);
process.once('SIGTERM', () => void proxy.close().then(() => process.exit(0)));
