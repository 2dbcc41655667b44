/**
 * degraded: recscore reads profiles from Redis through a proxy that holds every exchange longer than
 * the 15 ms profile budget, so no profile arrives in time and every answer comes from the fallback
 * chain — first with reason `profile-timeout`, then, once the profile breaker has opened, mostly
 * `breaker-open` (one probe every 5 s meets the timeout again). The latency reported is the fallback's.
 *
 *   redis-server (own port, redis-child.js) ← proxy child (+delay) ← recscore child ← autocannon
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { startChild } from './children.js';
import type { RunContext } from './context.js';
import { REPO_ROOT } from './datasets.js';
import { recommendPaths } from './paths.js';
import type { ScenarioResult } from './results.js';
import { CLI, startRecscore } from './servers.js';

const PROXY = join(REPO_ROOT, 'dist/loadtest/proxy-server.js');
const REDIS = join(REPO_ROOT, 'dist/loadtest/redis-child.js');

/** `recscore profiles load FILE --redis URL` in a child; rejects on a non-zero exit or after 60 s. */
export function loadProfiles(file: string, redisUrl: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, 'profiles', 'load', file, '--redis', redisUrl], {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, RECSCORE_LOG_LEVEL: 'warn' },
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2000)));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else reject(new Error(`profiles load exited (${code ?? signal}): ${stderr.trim()}`));
    });
  });
}

export async function runDegraded(ctx: RunContext): Promise<ScenarioResult> {
  const redis = await startChild('redis', REDIS, [], { timeoutMs: 10_000 });
  const redisPort = new URL(redis.url).port;
  const stops: Array<() => Promise<void>> = [() => redis.stop()];
  try {
    await loadProfiles(ctx.demo.profiles, `redis://127.0.0.1:${redisPort}`);
    const proxy = await startChild('delay proxy', PROXY, [
      '--target',
      redisPort,
      '--delay',
      String(ctx.plan.degradedDelayMs),
    ]);
    stops.unshift(() => proxy.stop());
    const proxyPort = new URL(proxy.url).port;
    ctx.log(`starting recscore degraded (profiles via a +${ctx.plan.degradedDelayMs} ms proxy)`);
    const server = await startRecscore({
      name: 'recscore degraded',
      models: ctx.demo.models,
      profiles: `redis://127.0.0.1:${proxyPort}`,
    });
    stops.unshift(() => server.stop());
    const r = await ctx.measureOn(server, ctx.demo, {
      name: 'degraded',
      title: `recommendations with the profile store slowed by ${ctx.plan.degradedDelayMs} ms (budget 15 ms)`,
      good: ['*:profile-timeout', '*:breaker-open'],
      target: { connections: ctx.plan.connections, nextPath: recommendPaths(ctx.demo, 6) },
    });
    r.extra.proxyDelayMs = ctx.plan.degradedDelayMs;
    return r;
  } finally {
    for (const stop of stops) await stop().catch(() => undefined);
  }
}
