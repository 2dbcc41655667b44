// The part of autocannon 8's programmatic API the load tests use (the package ships no types).
// Verified against node_modules/autocannon/lib/run.js and httpClient.js: `responseTime` is a float in
// milliseconds (process.hrtime), `resBytes` a byte count.
declare module 'autocannon' {
  import type { EventEmitter } from 'node:events';

  namespace autocannon {
    interface RequestSpec {
      method?: string;
      path?: string;
      headers?: Record<string, string>;
      body?: string | Buffer;
      setupRequest?: (req: RequestSpec, context: Record<string, unknown>) => RequestSpec;
      onResponse?: (status: number, body: string, context: Record<string, unknown>) => void;
    }
    interface Options {
      url: string;
      connections?: number;
      pipelining?: number;
      /** seconds; stop is checked every `sampleInt` ms */
      duration?: number;
      sampleInt?: number;
      maxOverallRequests?: number;
      /** seconds */
      timeout?: number;
      requests?: RequestSpec[];
      headers?: Record<string, string>;
      renderProgressBar?: boolean;
      renderResultsTable?: boolean;
      renderLatencyTable?: boolean;
    }
    interface Result {
      errors: number;
      timeouts: number;
      non2xx: number;
      resets: number;
      mismatches: number;
      duration: number;
      statusCodeStats: Record<string, { count: number }>;
    }
    interface Instance extends EventEmitter {
      stop(): void;
      on(
        event: 'response',
        fn: (client: unknown, statusCode: number, resBytes: number, responseTime: number) => void,
      ): this;
      on(event: 'reqError', fn: (err: Error) => void): this;
      on(event: string, fn: (...args: any[]) => void): this;
    }
  }

  function autocannon(
    opts: autocannon.Options,
    cb: (err: Error | null, result: autocannon.Result) => void,
  ): autocannon.Instance;
  export default autocannon;
}
