/**
 * What an open status page asks of the server (web/status.js): `GET /v1/status` every second and
 * `GET /v1/status/series` every two, after loading the page and its assets once. The `recommend-status`
 * scenario runs it beside the recommend load, so the gate's recommend ratio with the page open can be
 * compared with `recommend` in the same run (issue 16: the status endpoints must cost nothing on the hot
 * path). It imitates the page without a browser: a headless Chromium on the same two cores would measure
 * the browser, not the server.
 */
import { request } from 'undici';

export interface StatusPoller {
  /** Status and series answers received (each must be 200). */
  readonly polls: number;
  readonly failures: number;
  stop(): Promise<void>;
}

export async function startStatusPoller(url: string): Promise<StatusPoller> {
  let polls = 0;
  let failures = 0;
  const get = async (path: string) => {
    try {
      const r = await request(url + path);
      await r.body.dump();
      if (r.statusCode === 200) polls++;
      else failures++;
    } catch {
      failures++;
    }
  };
  for (const p of ['/', '/assets/status.js', '/assets/status.css', '/assets/uplot.js', '/assets/uplot.css'])
    await get(p);
  let tick = 0;
  const pending = new Set<Promise<void>>();
  const timer = setInterval(() => {
    const p = get('/v1/status').then(() => (tick++ % 2 === 0 ? get('/v1/status/series') : undefined));
    pending.add(p);
    void p.finally(() => pending.delete(p));
  }, 1000);
  return {
    get polls() {
      return polls;
    },
    get failures() {
      return failures;
    },
    async stop() {
      clearInterval(timer);
      await Promise.all(pending);
    },
  };
}
