/**
 * Starts the real app on 127.0.0.1 (free port) over fakes, and an undici client with bounded timeouts.
 * Every test file builds its own servers and closes them (server, client) in `after`.
 */
import { Agent, request } from 'undici';
import { createLogger } from '../../src/log.js';
import { createMetrics } from '../../src/metrics/registry.js';
import type { ServedSink } from '../../src/events/served-log.js';
import type { ProfileStore } from '../../src/profile/store.js';
import type { ModelFacts, Scorer } from '../../src/recommend/contracts.js';
import { createApp, type AppSurfaces, type RecscoreApp } from '../../src/server/app.js';
import { resolveServerConfig, type ServerConfigInput } from '../../src/server/config.js';
import { listen } from '../../src/server/listen.js';

export interface StartOptions {
  scorer: Scorer;
  facts: () => ModelFacts | undefined;
  profiles: ProfileStore;
  config?: ServerConfigInput;
  random?: () => number;
  ready?: () => boolean;
  served?: ServedSink;
  surfaces?: AppSurfaces;
  /** The version in service (default: `facts` alone, for fakes); a real pool needs the packed model. */
  current?: () => { facts: ModelFacts } | undefined;
}

/** A fake version in service: the fakes score without a packed model. */
export const versionOf = (facts: ModelFacts | undefined) => (facts ? { facts } : undefined);

export interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: any;
}

function makeApp(opts: StartOptions) {
  const logs: any[] = [];
  const log = createLogger({ test: true }, (line) => logs.push(JSON.parse(line)));
  const metrics = createMetrics();
  const config = resolveServerConfig({ port: 0, host: '127.0.0.1', closeGraceMs: 1_000, ...opts.config });
  const app: RecscoreApp = createApp({
    scorer: opts.scorer,
    current: opts.current ?? (() => versionOf(opts.facts())),
    profiles: opts.profiles,
    config,
    log,
    metrics,
    random: opts.random,
    ready: opts.ready,
    served: opts.served,
    surfaces: opts.surfaces,
  });
  return { app, config, metrics, logs, log };
}

function toReply(status: number, headers: Reply['headers'], text: string): Reply {
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status, headers, text, json };
}

/**
 * The same app as startApp, called in process with Hono's `app.request()`: no socket, no port. For tests
 * of routes, validation and fallbacks; the listener, raw HTTP, disconnects and timeouts need startApp.
 */
export function buildApp(opts: StartOptions) {
  const { app, config, metrics, logs } = makeApp(opts);
  async function call(
    method: string,
    path: string,
    init: { body?: string | Buffer; headers?: Record<string, string> } = {},
  ): Promise<Reply> {
    const res = await app.request(path, { method, body: init.body, headers: init.headers });
    return toReply(res.status, Object.fromEntries(res.headers), await res.text());
  }
  return {
    app,
    config,
    metrics,
    logs,
    call,
    get: (path: string, headers?: Record<string, string>) => call('GET', path, { headers }),
    postJson: (path: string, body: unknown, headers?: Record<string, string>) =>
      call('POST', path, {
        body: typeof body === 'string' ? body : JSON.stringify(body),
        headers: { 'content-type': 'application/json', ...headers },
      }),
    /** Nothing to close (no server, no client); kept so callers read like startApp's. */
    async close() {},
  };
}

export type InProcessApp = ReturnType<typeof buildApp>;

export async function startApp(opts: StartOptions) {
  const { app, config, metrics, logs, log } = makeApp(opts);
  const server = await listen(app, config, log);
  const agent = new Agent({
    connectTimeout: 2_000,
    headersTimeout: 5_000,
    bodyTimeout: 5_000,
    keepAliveTimeout: 1_000,
  });

  async function call(
    method: string,
    path: string,
    init: { body?: string | Buffer; headers?: Record<string, string> } = {},
  ): Promise<Reply> {
    const res = await request(server.url + path, {
      method: method as any,
      body: init.body,
      headers: init.headers,
      dispatcher: agent,
    });
    return toReply(res.statusCode, res.headers, await res.body.text());
  }

  return {
    app,
    config,
    metrics,
    logs,
    server,
    url: server.url,
    call,
    get: (path: string, headers?: Record<string, string>) => call('GET', path, { headers }),
    postJson: (path: string, body: unknown, headers?: Record<string, string>) =>
      call('POST', path, {
        body: typeof body === 'string' ? body : JSON.stringify(body),
        headers: { 'content-type': 'application/json', ...headers },
      }),
    async close() {
      await agent.close();
      await server.close();
    },
  };
}

export type TestServer = Awaited<ReturnType<typeof startApp>>;
