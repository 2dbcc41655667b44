/**
 * Servers under test, each a child process: recscore itself (`recscore serve` through child-guard.js)
 * and the ceiling. Also what the load test reads back from a running recscore: a sample answer (the
 * ceiling's body), the pool's batch sizes and the scorer breaker's state (/metrics).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startChild, getText, waitReady, type ChildHandle } from './children.js';
import { REPO_ROOT } from './datasets.js';

export const CLI = join(REPO_ROOT, 'dist/src/cli/index.js');
const CEILING = join(REPO_ROOT, 'dist/loadtest/ceiling-server.js');

export interface RecscoreOptions {
  name: string;
  models: string;
  /** a .jsonl file or a redis:// URL */
  profiles: string;
  /** omitted: the server's default (cores − 1) */
  workers?: number;
  env?: Record<string, string>;
  /** another build's `dist/src/cli/index.js` (ab-cpu.ts compares builds); default this one's */
  cli?: string;
}

/** `recscore serve` on a free port of 127.0.0.1, no model polling (the swap scenario sends SIGHUP). */
export async function startRecscore(o: RecscoreOptions): Promise<ChildHandle> {
  const args = [
    'serve',
    '--models',
    o.models,
    '--profiles',
    o.profiles,
    '--port',
    '0',
    '--host',
    '127.0.0.1',
    '--reload-interval',
    '0',
  ];
  if (o.workers !== undefined) args.push('--workers', String(o.workers));
  // The event log (served impressions included) goes to a directory of its own, removed at stop.
  const dataDir = mkdtempSync(join(tmpdir(), 'recscore-load-data-'));
  const env = { RECSCORE_DATA_DIR: dataDir, ...o.env };
  const child = await startChild(o.name, o.cli ?? CLI, args, { env, timeoutMs: 120_000 });
  const stop = child.stop.bind(child);
  child.stop = async (graceMs?: number) => {
    await stop(graceMs);
    rmSync(dataDir, { recursive: true, force: true });
  };
  await waitReady(`${child.url}/ready`, 60_000);
  return child;
}

export function startCeiling(body: string): Promise<ChildHandle> {
  return startChild('ceiling', CEILING, [], {
    env: { CEILING_BODY_B64: Buffer.from(body).toString('base64') },
    timeoutMs: 20_000,
  });
}

/**
 * A personalised answer (served_by ensemble) for the ceiling to send. The first requests after a start
 * may fall back while the workers warm up, hence the retries.
 */
export async function sampleAnswer(url: string, nextPath: () => string, tries = 50): Promise<string> {
  let last = '';
  for (let i = 0; i < tries; i++) {
    const { status, text } = await getText(url + nextPath());
    if (status === 200 && text.includes('"served_by":"ensemble"')) return text;
    last = `${status} ${text.slice(0, 200)}`;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`no personalised answer from ${url} in ${tries} tries (last: ${last})`);
}

export interface BatchStats {
  batches: number;
  requests: number;
  /** batches of more than one request */
  overOne: number;
  /** summed seconds per batch phase (recscore_pool_batch_seconds): handoff, compute, return */
  phases: { handoff: number; compute: number; return: number };
}

function metricValue(text: string, line: string): number {
  const at = text.indexOf(`\n${line} `);
  return at < 0 ? 0 : Number(text.slice(at + line.length + 2, text.indexOf('\n', at + 1)));
}

export async function batchStats(url: string): Promise<BatchStats> {
  const { text } = await getText(`${url}/metrics`);
  const batches = metricValue(text, 'recscore_pool_batch_size_count');
  return {
    batches,
    requests: metricValue(text, 'recscore_pool_batch_size_sum'),
    overOne: batches - metricValue(text, 'recscore_pool_batch_size_bucket{le="1"}'),
    phases: {
      handoff: metricValue(text, 'recscore_pool_batch_seconds_sum{phase="handoff"}'),
      compute: metricValue(text, 'recscore_pool_batch_seconds_sum{phase="compute"}'),
      return: metricValue(text, 'recscore_pool_batch_seconds_sum{phase="return"}'),
    },
  };
}

/** recscore_breaker_state of the scorer: 0 closed, 1 half-open, 2 open. */
export async function scorerBreakerState(url: string): Promise<number> {
  const { text } = await getText(`${url}/metrics`);
  return metricValue(text, 'recscore_breaker_state{breaker="scorer"}');
}

/**
 * Lets an open scorer breaker (tripped by the previous scenario on the same server) close again before
 * the next scenario: it half-opens after 5 s and one request is the probe. Returns the ms waited.
 */
export async function settleBreaker(url: string, probePath: () => string, maxMs = 8_000): Promise<number> {
  const t0 = Date.now();
  while (Date.now() - t0 < maxMs && (await scorerBreakerState(url)) !== 0) {
    await new Promise((r) => setTimeout(r, 500));
    await getText(url + probePath()).catch(() => undefined);
  }
  return Date.now() - t0;
}
