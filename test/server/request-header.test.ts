/**
 * Over a socket the routes read Accept-Language from Node's parsed headers (src/server/env.ts
 * `requestHeader`), in process from the Fetch request: both give the same fallback answer, repeated
 * header lines included (joined with ", " either way).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { syntheticBackend } from '../helpers/fake-backend.js';
import { rawRequest } from './raw-http.js';
import { buildApp, startApp, type InProcessApp, type TestServer } from './start.js';

const UNKNOWN = `/v1/api/recommendations/${'e'.repeat(63)}f/`;

describe('Accept-Language over a socket and in process', { timeout: 30_000 }, () => {
  let s: TestServer;
  let inProcess: InProcessApp;
  let b: ReturnType<typeof syntheticBackend>;
  before(async () => {
    b = syntheticBackend();
    const opts = { scorer: b.scorer, facts: () => b.facts, profiles: b.profiles };
    s = await startApp(opts);
    inProcess = buildApp(opts);
  });
  after(() => s.close());

  const top = (locale: string) =>
    b.facts
      .localeTop(locale)!
      .slice(0, 10)
      .map(([g]) => g);

  it('one header line', async () => {
    for (const [value, locale] of [
      ['de-AT;q=0.9', 'de'],
      ['en-US,de;q=0.5', 'en-US'],
    ]) {
      const viaSocket = await s.get(UNKNOWN, { 'accept-language': value });
      const viaApp = await inProcess.get(UNKNOWN, { 'accept-language': value });
      for (const r of [viaSocket, viaApp]) {
        assert.equal(r.json.result_info.locale, locale, value);
        assert.deepEqual(r.json.results, top(locale), value);
      }
    }
  });

  it('two header lines count as one joined with ", " (its first tag is the hint)', async () => {
    const head = `GET ${UNKNOWN} HTTP/1.1\r\nHost: x\r\nAccept-Language: de\r\nAccept-Language: en-US\r\n\r\n`;
    const r = await rawRequest(s.server.port, head);
    assert.equal(r.status, 200);
    assert.equal(r.json.result_info.locale, 'de');
    const viaApp = await inProcess.get(UNKNOWN, { 'accept-language': 'de, en-US' });
    assert.deepEqual(r.json.results, viaApp.json.results);
  });
});
