/**
 * rss: the resident memory of the server on the `large` model with 1 and 2 workers, read from
 * /proc/<pid>/status once ready (idle) and after a warm-up under load (warm). The model lives in one
 * shared WebAssembly.Memory that every worker maps, so a second worker should add its isolate and
 * scratch space, not a model copy: RSS(2) − RSS(1) well below the packed model's size. Each reading is
 * taken on a fresh server with the same history, so the heaps are comparable. One start is noisy (the
 * 1-worker idle figure moved 191–206 MB between runs, with GC timing), so each worker count is started
 * STARTS times, alternating, and the median reading is used.
 */
import { readFileSync } from 'node:fs';
import { openModels } from '../src/cli/open-models.js';
import type { RunContext } from './context.js';
import { fireRound } from './fire.js';
import { recommendPaths } from './paths.js';
import type { RssResult, RssSample } from './results.js';
import { startRecscore } from './servers.js';

/** Few connections, so the warm-up really scores on the large model instead of timing out. */
const WARMUP_CONNECTIONS = 4;

/** VmRSS and its split, in bytes, from /proc/<pid>/status. */
export function parseRss(status: string): Omit<RssSample, 'workers' | 'when'> {
  const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN) * 1024;
  return { rss: kb('VmRSS'), anon: kb('RssAnon'), file: kb('RssFile'), shmem: kb('RssShmem') };
}

const settle = () => new Promise((r) => setTimeout(r, 500)); // in-flight work and a minor GC
const STARTS = 3;

export async function measureRss(ctx: RunContext): Promise<RssResult> {
  const data = await ctx.large();
  const readings: RssSample[] = [];
  for (let start = 0; start < STARTS; start++) {
    for (const workers of [1, 2]) {
      ctx.log(`starting recscore large, ${workers} worker(s), for RSS (${start + 1}/${STARTS})`);
      const server = await startRecscore({
        name: `recscore large rss w${workers}`,
        models: data.models,
        profiles: data.profiles,
        workers,
      });
      try {
        const read = (when: RssSample['when']) =>
          readings.push({ workers, when, ...parseRss(readFileSync(`/proc/${server.pid}/status`, 'utf8')) });
        await settle();
        read('idle');
        await fireRound({
          url: server.url,
          connections: WARMUP_CONNECTIONS,
          durationMs: ctx.plan.rssWarmupMs,
          maxRequests: ctx.plan.maxRequestsPerRound,
          nextPath: recommendPaths(data, 8),
        });
        await settle();
        read('warm');
      } finally {
        await server.stop();
      }
    }
  }
  const of = (workers: number, when: RssSample['when']) =>
    readings.filter((s) => s.workers === workers && s.when === when).sort((a, b) => a.rss - b.rss);
  const median = (workers: number, when: RssSample['when']) => of(workers, when)[Math.floor(STARTS / 2)];
  const samples = [1, 2].flatMap((w) => [median(w, 'idle'), median(w, 'warm')]);
  const mb = (b: number) => (b / 2 ** 20).toFixed(1);
  const all = [1, 2].flatMap((w) =>
    (['idle', 'warm'] as const).map(
      (when) =>
        `${w} worker(s) ${when} ${of(w, when)
          .map((s) => mb(s.rss))
          .join(' / ')}`,
    ),
  );
  // Packed once here (between scenarios, nothing under load) only to know the model's size.
  const model = await openModels(data.models);
  return {
    samples,
    extraWorkerBytes: median(2, 'warm').rss - median(1, 'warm').rss,
    extraWorkerIdleBytes: median(2, 'idle').rss - median(1, 'idle').rss,
    modelBytes: model.memory.buffer.byteLength,
    notes: [`Medians of ${STARTS} starts each; all VmRSS readings (MB): ${all.join('; ')}.`],
  };
}
