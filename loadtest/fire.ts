/**
 * One round of load: autocannon (programmatic API, in this process) against one server in a child
 * process, closed-loop with `connections` keep-alive connections, bounded by time and by a request
 * count. Every response time is recorded with µs resolution (stats.ts), every body goes through the
 * result_info tally (body-facts.ts), and the machine's CPU use by others is measured around the round.
 */
import autocannon from 'autocannon';
import { FactsTally, type BodyFacts } from './body-facts.js';
import { cpuBetween, processTicks, takeCpuSnapshot, type CpuUse } from './cpu.js';
import { SampleBuffer, summarize, type LatencySummary } from './stats.js';

export interface LoadSpec {
  /** origin, e.g. http://127.0.0.1:41234 */
  url: string;
  connections: number;
  durationMs: number;
  /** upper bound on requests in the round (autocannon's maxOverallRequests) */
  maxRequests: number;
  /** the path of the next request (random client, GUID, …) */
  nextPath: () => string;
  /** per-request timeout, seconds (a timed-out request counts as an error) */
  timeoutS?: number;
  /** the server's pid: its CPU (all threads) is read around the round */
  pid?: number;
}

export interface RoundResult {
  connections: number;
  elapsedMs: number;
  requests: number;
  rps: number;
  latency: LatencySummary;
  status: Record<string, number>;
  non2xx: number;
  /** connection errors and timeouts */
  errors: number;
  timeouts: number;
  facts: BodyFacts;
  cpu: CpuUse;
  /** utime + stime ticks of the server process (all threads) during the round; NaN without a pid */
  serverTicks: number;
}

export function fireRound(spec: LoadSpec): Promise<RoundResult> {
  const samples = new SampleBuffer();
  const tally = new FactsTally();
  const before = takeCpuSnapshot();
  const ticksBefore = spec.pid === undefined ? Number.NaN : processTicks(spec.pid);
  const started = performance.now();
  let lastResponse = started;
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: spec.url,
        connections: spec.connections,
        pipelining: 1,
        duration: spec.durationMs / 1000,
        sampleInt: 100, // autocannon checks its stop flag on this tick: keeps rounds close to durationMs
        maxOverallRequests: spec.maxRequests,
        timeout: spec.timeoutS ?? 5,
        renderProgressBar: false,
        renderResultsTable: false,
        renderLatencyTable: false,
        requests: [
          {
            method: 'GET',
            setupRequest: (req) => {
              req.path = spec.nextPath();
              return req;
            },
            onResponse: (_status, body) => tally.add(body),
          },
        ],
      },
      (err, result) => {
        if (err) return reject(err);
        const serverTicks = spec.pid === undefined ? Number.NaN : processTicks(spec.pid) - ticksBefore;
        const cpu = cpuBetween(before, takeCpuSnapshot());
        const elapsedMs = Math.max(1, lastResponse - started);
        const status: Record<string, number> = {};
        for (const [code, { count }] of Object.entries(result.statusCodeStats ?? {})) status[code] = count;
        resolve({
          connections: spec.connections,
          elapsedMs,
          requests: samples.length,
          rps: samples.length / (elapsedMs / 1000),
          latency: summarize(samples.sorted()),
          status,
          non2xx: result.non2xx,
          errors: result.errors,
          timeouts: result.timeouts,
          facts: tally.facts,
          cpu,
          serverTicks,
        });
      },
    );
    instance.on('response', (_client, _statusCode, _bytes, responseTime) => {
      samples.push(responseTime);
      lastResponse = performance.now();
    });
  });
}
