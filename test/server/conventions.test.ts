/**
 * Operators' conventions (issue 11): x-request-id on every answer, the id on every log line of the
 * request, a rate-bounded access log, and /__version__ (Dockerflow).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RecscoreError } from '../../src/errors.js';
import { createLogger } from '../../src/log.js';
import { createMetrics } from '../../src/metrics/registry.js';
import { createApp } from '../../src/server/app.js';
import { resolveServerConfig } from '../../src/server/config.js';
import { acceptRequestId } from '../../src/server/request-context.js';
import { gitCommit, readVersionInfo } from '../../src/server/version.js';
import { syntheticBackend } from '../helpers/fake-backend.js';
import { rawRequest } from './raw-http.js';
import { startApp, type TestServer } from './start.js';

const ID = /^[A-Za-z0-9._-]{1,128}$/;

describe('request ids and access log', { timeout: 30_000 }, () => {
  let s: TestServer;
  let b: ReturnType<typeof syntheticBackend>;
  before(async () => {
    b = syntheticBackend();
    s = await startApp({
      scorer: b.scorer,
      facts: () => b.facts,
      profiles: b.profiles,
      config: { breakerFailures: 1_000 },
    });
  });
  after(() => s.close());

  it('valid ids are 1-128 of [A-Za-z0-9._-]', () => {
    for (const ok of ['a', 'abc-123_X.y', 'x'.repeat(128)]) assert.equal(acceptRequestId(ok), ok);
    for (const bad of ['', 'a b', 'x'.repeat(129), 'a/b', 'é', 'a,b'])
      assert.equal(acceptRequestId(bad), undefined, bad);
  });

  it("every answer carries x-request-id: the client's when valid, else a new unique one", async () => {
    const kept = await s.get('/health', { 'x-request-id': 'client-id.42' });
    assert.equal(kept.headers['x-request-id'], 'client-id.42');
    const made = [await s.get('/health'), await s.get('/nope'), await s.get('/health', { 'x-request-id': 'bad id!' })];
    const ids = made.map((r) => String(r.headers['x-request-id']));
    ids.forEach((id) => assert.match(id, ID));
    assert.equal(new Set(ids).size, 3);
    assert.equal(made[1].status, 404);
    const rec = await s.get(`/v1/api/recommendations/${b.known.client_id}/`);
    assert.match(String(rec.headers['x-request-id']), ID);
    // answered by listen.ts before the app: still an id
    const early = await rawRequest(s.server.port, 'GET /health HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n');
    assert.equal(early.status, 400);
    assert.match(early.headers['x-request-id'], ID);
  });

  it('an access line per request, and the request id on every line the request causes', async () => {
    b.profiles.failWith = new RecscoreError('RECSCORE_PROFILE_STORE', 'connection refused');
    try {
      const r = await s.get(`/v1/api/client_has_addon/${b.known.client_id}/x@y/`, { 'x-request-id': 'trace-7' });
      assert.equal(r.status, 503);
    } finally {
      b.profiles.failWith = undefined;
    }
    const mine = s.logs.filter((l) => l.request_id === 'trace-7');
    const access = mine.find((l) => l.msg === 'request');
    assert.ok(access, JSON.stringify(mine));
    assert.equal(access.level, 'info');
    assert.equal(access.status, 503);
    assert.equal(access.route, 'client_has_addon');
    assert.equal(access.method, 'GET');
    assert.equal(typeof access.ms, 'number');
    assert.ok(
      mine.some((l) => l.level === 'error' && l.msg === 'request failed'),
      'the error line has the id',
    );
    assert.ok(
      mine.some((l) => l.level === 'warn'),
      'the store warning has the id',
    );
  });

  it('above the configured rate access lines are counted, and the next line says how many', async () => {
    const logs: any[] = [];
    const app = createApp({
      scorer: b.scorer,
      current: () => ({ facts: b.facts }),
      profiles: b.profiles,
      config: resolveServerConfig({}),
      metrics: createMetrics(),
      log: createLogger({}, (l) => logs.push(JSON.parse(l))),
      accessLogPerSecond: 5,
    });
    for (let i = 0; i < 30; i++) {
      const r = await app.request('/health');
      assert.match(String(r.headers.get('x-request-id')), ID, 'in process too');
    }
    assert.equal(logs.filter((l) => l.msg === 'request').length, 5);
    await new Promise((r) => setTimeout(r, 1_050));
    await app.request('/health', { headers: { 'x-request-id': 'later' } });
    const last = logs.at(-1);
    assert.deepEqual([last.msg, last.request_id, last.unlogged], ['request', 'later', 25]);
  });
});

describe('/__version__', () => {
  const dirs: string[] = [];
  after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
  const tmp = () => {
    const d = mkdtempSync(join(tmpdir(), 'recscore-version-'));
    dirs.push(d);
    writeFileSync(join(d, 'package.json'), JSON.stringify({ name: 'x', version: '1.2.3' }));
    return d;
  };

  it('served by the app: source, version, commit, build', async () => {
    const b = syntheticBackend();
    const app = createApp({
      scorer: b.scorer,
      current: () => ({ facts: b.facts }),
      profiles: b.profiles,
      config: resolveServerConfig({}),
      metrics: createMetrics(),
      log: createLogger({}, () => undefined),
    });
    const r = await app.request('/__version__');
    assert.equal(r.status, 200);
    const body = (await r.json()) as Record<string, string>;
    assert.deepEqual(Object.keys(body).sort(), ['build', 'commit', 'source', 'version']);
    assert.equal(body.version, '0.1.0');
    let head: string | undefined;
    try {
      head = execFileSync('git', ['rev-parse', 'HEAD'], { encoding: 'utf8' }).trim();
    } catch {
      head = undefined; // a clone without git
    }
    if (head) assert.equal(body.commit, head);
  });

  it('a clone without .git: version from package.json, commit unknown', () => {
    assert.deepEqual(readVersionInfo(tmp()), { source: '', version: '1.2.3', commit: 'unknown', build: '' });
  });

  it('version.json (written by a build) wins', () => {
    const d = tmp();
    writeFileSync(
      join(d, 'version.json'),
      JSON.stringify({ source: 'https://example.org/r', version: 'v9', commit: 'abc', build: 'https://ci/1' }),
    );
    assert.deepEqual(readVersionInfo(d), {
      source: 'https://example.org/r',
      version: 'v9',
      commit: 'abc',
      build: 'https://ci/1',
    });
  });

  it("commit from .git: detached HEAD, a loose ref, packed-refs, a worktree's .git file", () => {
    const hash = 'a'.repeat(40);
    const d1 = tmp();
    mkdirSync(join(d1, '.git'));
    writeFileSync(join(d1, '.git/HEAD'), `${hash}\n`);
    assert.equal(gitCommit(d1), hash);
    const d2 = tmp();
    mkdirSync(join(d2, '.git/refs/heads'), { recursive: true });
    writeFileSync(join(d2, '.git/HEAD'), 'ref: refs/heads/main\n');
    writeFileSync(join(d2, '.git/refs/heads/main'), `${'b'.repeat(40)}\n`);
    assert.equal(gitCommit(d2), 'b'.repeat(40));
    const d3 = tmp();
    mkdirSync(join(d3, '.git'));
    writeFileSync(join(d3, '.git/HEAD'), 'ref: refs/heads/dev\n');
    writeFileSync(join(d3, '.git/packed-refs'), `# pack-refs\n${'c'.repeat(40)} refs/heads/dev\n`);
    assert.equal(gitCommit(d3), 'c'.repeat(40));
    const wt = tmp();
    mkdirSync(join(d2, '.git/worktrees/w'), { recursive: true });
    writeFileSync(join(d2, '.git/worktrees/w/HEAD'), 'ref: refs/heads/main\n');
    writeFileSync(join(d2, '.git/worktrees/w/commondir'), '../..\n');
    writeFileSync(join(wt, '.git'), `gitdir: ${join(d2, '.git/worktrees/w')}\n`);
    assert.equal(gitCommit(wt), 'b'.repeat(40));
  });
});
