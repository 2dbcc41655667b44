/**
 * The soak's traffic, run until stopped:
 * - `loops` closed request loops over keep-alive connections (undici): recommendations for known clients
 *   (some with `?draw=0`), TAAR-lite, and unknown clients each with a different `?locale=` or
 *   Accept-Language (an unbounded stream of distinct values: a cache keyed by them must be bounded).
 *   Every answer must be a 2xx; a non-2xx or a failed request (not aborted by us) is a failure.
 * - early disconnects: every `disconnectEveryMs`, `disconnectSockets` raw sockets each send `pipelined`
 *   GETs and are destroyed at once, without reading (their requests must not stay in the server).
 */
import { connect } from 'node:net';
import { Agent, request } from 'undici';
import { pathOf } from './body-facts.js';
import type { DataSet } from './datasets.js';
import { recommendPath, relatedPath, seededRandom, unknownClientId } from './paths.js';

export interface TrafficOptions {
  url: string;
  data: DataSet;
  loops: number;
  disconnectEveryMs: number;
  disconnectSockets: number;
  pipelined: number;
  /** a request still unanswered after this long is a failure (stalls last about a second) */
  requestTimeoutMs: number;
}

export interface TrafficStats {
  requests: number;
  ok: number;
  non2xx: number;
  failed: number;
  /** the first few failures, for the report */
  failures: string[];
  byKind: Record<string, number>;
  servedBy: Record<string, number>;
  disconnectedSockets: number;
  distinctLocales: number;
}

const LETTERS = 'abcdefghijklmnopqrstuvwxyz';

export function startTraffic(o: TrafficOptions): { stats: TrafficStats; stop: () => Promise<void> } {
  const stats: TrafficStats = {
    requests: 0,
    ok: 0,
    non2xx: 0,
    failed: 0,
    failures: [],
    byKind: {},
    servedBy: {},
    disconnectedSockets: 0,
    distinctLocales: 0,
  };
  const random = seededRandom(17);
  const dispatcher = new Agent({ connections: o.loops, keepAliveTimeout: 30_000 });
  let running = true;
  let localeSerial = 0;
  const fail = (msg: string) => {
    stats.failed++;
    if (stats.failures.length < 20) stats.failures.push(`${new Date().toISOString().slice(11, 23)} ${msg}`);
  };
  // Never repeats, so the server sees as many locales as requests of that kind.
  const freshLocale = () => {
    let n = localeSerial++;
    stats.distinctLocales = localeSerial;
    let s = '';
    for (let i = 0; i < 4; i++, n = Math.floor(n / 26)) s += LETTERS[n % 26];
    return `${s.slice(0, 2)}-${s.slice(2).toUpperCase()}${Math.floor(localeSerial / 676)}`;
  };
  const next = (): { kind: string; path: string; headers?: Record<string, string> } => {
    const r = random();
    const known = () => o.data.clientIds[Math.floor(random() * o.data.clientIds.length)];
    if (r < 0.55) return { kind: 'recommend', path: recommendPath(known()) };
    if (r < 0.65) return { kind: 'recommend-top', path: `${recommendPath(known())}?draw=0` };
    if (r < 0.75)
      return { kind: 'related', path: relatedPath(o.data.guids[Math.floor(random() * o.data.guids.length)]) };
    if (r < 0.9)
      return { kind: 'unknown-locale', path: `${recommendPath(unknownClientId(random))}?locale=${freshLocale()}` };
    return {
      kind: 'unknown-accept-language',
      path: recommendPath(unknownClientId(random)),
      headers: { 'accept-language': `${freshLocale()},en;q=0.5` },
    };
  };
  const loop = async () => {
    while (running) {
      const { kind, path, headers } = next();
      stats.requests++;
      stats.byKind[kind] = (stats.byKind[kind] ?? 0) + 1;
      try {
        const res = await request(o.url + path, {
          dispatcher,
          headers,
          headersTimeout: o.requestTimeoutMs,
          bodyTimeout: o.requestTimeoutMs,
        });
        const text = await res.body.text();
        if (res.statusCode < 200 || res.statusCode > 299) {
          stats.non2xx++;
          fail(`${kind} ${path.slice(0, 60)} → ${res.statusCode} ${text.slice(0, 120)}`);
          continue;
        }
        stats.ok++;
        const by = pathOf(text);
        stats.servedBy[by] = (stats.servedBy[by] ?? 0) + 1;
      } catch (e) {
        if (running) fail(`${kind} ${path.slice(0, 60)}: ${(e as Error).message}`);
      }
    }
  };
  const loops = Array.from({ length: o.loops }, loop);

  const { hostname, port } = new URL(o.url);
  const disconnecter = setInterval(() => {
    for (let i = 0; i < o.disconnectSockets; i++) {
      const sock = connect({ host: hostname, port: Number(port) });
      sock.on('error', () => undefined); // a reset on a socket we drop is expected
      sock.on('connect', () => {
        let burst = '';
        for (let k = 0; k < o.pipelined; k++) {
          const id = o.data.clientIds[Math.floor(random() * o.data.clientIds.length)];
          burst += `GET ${recommendPath(id)} HTTP/1.1\r\nHost: ${hostname}\r\n\r\n`;
        }
        sock.write(burst);
        sock.destroy();
        stats.disconnectedSockets++;
      });
    }
  }, o.disconnectEveryMs);

  return {
    stats,
    async stop() {
      running = false;
      clearInterval(disconnecter);
      await Promise.all(loops);
      await dispatcher.close();
    },
  };
}
