/**
 * The bar: nothing a client sends crashes the process, and every error is JSON with a stable code.
 * One table of bad requests over real HTTP (each: status + code), then the requests undici will not
 * send, written on a raw socket. After all of them the server still answers normally.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { syntheticBackend } from '../helpers/fake-backend.js';
import { rawRequest } from './raw-http.js';
import { startApp, type TestServer } from './start.js';

const ID = 'a'.repeat(63) + 'b';
const REC = `/v1/api/recommendations/${ID}/`;
const LITE = '/taarlite/api/v1/addon_recommendations/';
const POSTED = '/v1/recommendations';
const JSON_CT = { 'content-type': 'application/json' };
const profile = { installed_addons: ['a@b'] };

interface Case {
  name: string;
  method?: string;
  path: string;
  body?: string | Buffer | (() => AsyncIterable<Buffer>);
  headers?: Record<string, string>;
  status: number;
  code: string;
}

const cases: Case[] = [
  // client ids
  {
    name: 'decoded % in client id',
    path: '/v1/api/recommendations/abc%25def/',
    status: 400,
    code: 'RECSCORE_BAD_CLIENT_ID',
  },
  {
    name: 'undecodable %zz in client id',
    path: '/v1/api/recommendations/abc%zz/',
    status: 400,
    code: 'RECSCORE_BAD_CLIENT_ID',
  },
  {
    name: 'truncated UTF-8 escape in client id',
    path: '/v1/api/recommendations/abc%E2%82/',
    status: 400,
    code: 'RECSCORE_BAD_CLIENT_ID',
  },
  {
    name: '129-char client id',
    path: `/v1/api/recommendations/${'a'.repeat(128)}b/`,
    status: 400,
    code: 'RECSCORE_BAD_CLIENT_ID',
  },
  { name: 'dot in client id', path: '/v1/api/recommendations/abc.def/', status: 400, code: 'RECSCORE_BAD_CLIENT_ID' },
  { name: 'space in client id', path: '/v1/api/recommendations/ab%20cd/', status: 400, code: 'RECSCORE_BAD_CLIENT_ID' },
  { name: 'NUL in client id', path: '/v1/api/recommendations/%00abc/', status: 400, code: 'RECSCORE_BAD_CLIENT_ID' },
  {
    name: 'non-ASCII client id',
    path: '/v1/api/recommendations/%C3%A9t%C3%A9/',
    status: 400,
    code: 'RECSCORE_BAD_CLIENT_ID',
  },
  { name: 'empty client id', path: '/v1/api/recommendations//', status: 404, code: 'RECSCORE_NOT_FOUND' },
  {
    name: 'bad client id in client_has_addon',
    path: '/v1/api/client_has_addon/bad!id/x@y/',
    status: 400,
    code: 'RECSCORE_BAD_CLIENT_ID',
  },
  // query
  { name: 'locale with markup', path: `${REC}?locale=%3Cscript%3E`, status: 400, code: 'RECSCORE_BAD_OPTION' },
  { name: '65-char locale', path: `${REC}?locale=${'a'.repeat(65)}`, status: 400, code: 'RECSCORE_BAD_OPTION' },
  { name: 'undecodable locale', path: `${REC}?locale=%zz`, status: 400, code: 'RECSCORE_BAD_OPTION' },
  { name: 'newline in platform', path: `${REC}?platform=linux%0A`, status: 400, code: 'RECSCORE_BAD_OPTION' },
  { name: 'draw=maybe', path: `${REC}?draw=maybe`, status: 400, code: 'RECSCORE_BAD_OPTION' },
  // TAAR POST bodies
  {
    name: 'invalid JSON',
    method: 'POST',
    path: REC,
    body: '{not json',
    headers: JSON_CT,
    status: 400,
    code: 'RECSCORE_BAD_JSON',
  },
  {
    name: 'invalid UTF-8',
    method: 'POST',
    path: REC,
    body: Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]),
    headers: JSON_CT,
    status: 400,
    code: 'RECSCORE_BAD_JSON',
  },
  {
    name: 'body null',
    method: 'POST',
    path: REC,
    body: 'null',
    headers: JSON_CT,
    status: 400,
    code: 'RECSCORE_BAD_OPTION',
  },
  {
    name: 'body array',
    method: 'POST',
    path: REC,
    body: '[]',
    headers: JSON_CT,
    status: 400,
    code: 'RECSCORE_BAD_OPTION',
  },
  {
    name: 'body string',
    method: 'POST',
    path: REC,
    body: '"options"',
    headers: JSON_CT,
    status: 400,
    code: 'RECSCORE_BAD_OPTION',
  },
  {
    name: 'options null',
    method: 'POST',
    path: REC,
    body: '{"options":null}',
    headers: JSON_CT,
    status: 400,
    code: 'RECSCORE_BAD_OPTION',
  },
  {
    name: 'options array (TAAR 500)',
    method: 'POST',
    path: REC,
    body: '{"options":["promoted"]}',
    headers: JSON_CT,
    status: 400,
    code: 'RECSCORE_BAD_OPTION',
  },
  {
    name: 'promoted object',
    method: 'POST',
    path: REC,
    body: '{"options":{"promoted":{}}}',
    headers: JSON_CT,
    status: 400,
    code: 'RECSCORE_BAD_OPTION',
  },
  {
    name: 'promoted null',
    method: 'POST',
    path: REC,
    body: '{"options":{"promoted":null}}',
    headers: JSON_CT,
    status: 400,
    code: 'RECSCORE_BAD_OPTION',
  },
  {
    name: 'unknown option',
    method: 'POST',
    path: REC,
    body: '{"options":{"promotd":[]}}',
    headers: JSON_CT,
    status: 400,
    code: 'RECSCORE_BAD_OPTION',
  },
  {
    name: 'unknown top-level key',
    method: 'POST',
    path: REC,
    body: '{"foo":1}',
    headers: JSON_CT,
    status: 400,
    code: 'RECSCORE_BAD_OPTION',
  },
  {
    name: '__proto__ key',
    method: 'POST',
    path: REC,
    body: '{"__proto__":{"options":1}}',
    headers: JSON_CT,
    status: 400,
    code: 'RECSCORE_BAD_OPTION',
  },
  {
    name: 'deeply nested JSON',
    method: 'POST',
    path: REC,
    body: '['.repeat(30_000) + ']'.repeat(30_000),
    headers: JSON_CT,
    status: 400,
    code: 'RECSCORE_BAD_OPTION',
  },
  {
    name: 'text/html body',
    method: 'POST',
    path: REC,
    body: '{}',
    headers: { 'content-type': 'text/html' },
    status: 415,
    code: 'RECSCORE_UNSUPPORTED_MEDIA_TYPE',
  },
  {
    name: 'form body',
    method: 'POST',
    path: REC,
    body: 'options=1',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    status: 415,
    code: 'RECSCORE_UNSUPPORTED_MEDIA_TYPE',
  },
  {
    name: 'body over the limit (Content-Length)',
    method: 'POST',
    path: REC,
    body: `{"options":{"promoted":[${'["a",1],'.repeat(9_000)}["a",1]]}}`,
    headers: JSON_CT,
    status: 413,
    code: 'RECSCORE_BODY_TOO_LARGE',
  },
  {
    name: 'body over the limit (chunked)',
    method: 'POST',
    path: REC,
    body: async function* () {
      for (let i = 0; i < 80; i++) yield Buffer.alloc(1024, 0x20);
    },
    headers: JSON_CT,
    status: 413,
    code: 'RECSCORE_BODY_TOO_LARGE',
  },
  // POST /v1/recommendations
  { name: 'posted: no body', method: 'POST', path: POSTED, headers: JSON_CT, status: 400, code: 'RECSCORE_BAD_JSON' },
  {
    name: 'posted: no profile',
    method: 'POST',
    path: POSTED,
    body: '{}',
    headers: JSON_CT,
    status: 400,
    code: 'RECSCORE_BAD_REQUEST',
  },
  {
    name: 'posted: profile not an object',
    method: 'POST',
    path: POSTED,
    body: '{"profile":[]}',
    headers: JSON_CT,
    status: 400,
    code: 'RECSCORE_BAD_REQUEST',
  },
  {
    name: 'posted: installed_addons a string',
    method: 'POST',
    path: POSTED,
    body: JSON.stringify({ profile: { installed_addons: 'a@b' } }),
    headers: JSON_CT,
    status: 400,
    code: 'RECSCORE_BAD_REQUEST',
  },
  {
    name: 'posted: add-on id with a newline',
    method: 'POST',
    path: POSTED,
    body: JSON.stringify({ profile: { installed_addons: ['a\nb'] } }),
    headers: JSON_CT,
    status: 400,
    code: 'RECSCORE_BAD_REQUEST',
  },
  {
    name: 'posted: feature an object',
    method: 'POST',
    path: POSTED,
    body: JSON.stringify({ profile: { ...profile, bookmark_count: {} } }),
    headers: JSON_CT,
    status: 400,
    code: 'RECSCORE_BAD_REQUEST',
  },
  {
    name: 'posted: unknown profile key',
    method: 'POST',
    path: POSTED,
    body: JSON.stringify({ profile: { ...profile, installed_addon: [] } }),
    headers: JSON_CT,
    status: 400,
    code: 'RECSCORE_BAD_REQUEST',
  },
  {
    name: 'posted: bad client_id',
    method: 'POST',
    path: POSTED,
    body: JSON.stringify({ profile: { ...profile, client_id: 'x%y' } }),
    headers: JSON_CT,
    status: 400,
    code: 'RECSCORE_BAD_CLIENT_ID',
  },
  {
    name: 'posted: draw a string',
    method: 'POST',
    path: POSTED,
    body: JSON.stringify({ profile, draw: 'yes' }),
    headers: JSON_CT,
    status: 400,
    code: 'RECSCORE_BAD_OPTION',
  },
  {
    name: 'posted: bad locale',
    method: 'POST',
    path: POSTED,
    body: JSON.stringify({ profile, locale: 'de DE' }),
    headers: JSON_CT,
    status: 400,
    code: 'RECSCORE_BAD_OPTION',
  },
  {
    name: 'posted: unknown key',
    method: 'POST',
    path: POSTED,
    body: JSON.stringify({ profile, extra: 1 }),
    headers: JSON_CT,
    status: 400,
    code: 'RECSCORE_BAD_OPTION',
  },
  // GUIDs
  { name: 'encoded slash in GUID', path: `${LITE}a%2Fb/`, status: 400, code: 'RECSCORE_BAD_GUID' },
  { name: 'decoded % in GUID', path: `${LITE}a%25b/`, status: 400, code: 'RECSCORE_BAD_GUID' },
  { name: 'undecodable escape in GUID', path: `${LITE}a%G0b/`, status: 400, code: 'RECSCORE_BAD_GUID' },
  { name: '201-char GUID', path: `${LITE}${'g'.repeat(201)}/`, status: 400, code: 'RECSCORE_BAD_GUID' },
  { name: 'non-ASCII GUID', path: `${LITE}%E2%82%AC/`, status: 400, code: 'RECSCORE_BAD_GUID' },
  { name: 'space in add-on id', path: `/v1/api/client_has_addon/${ID}/a%20b/`, status: 400, code: 'RECSCORE_BAD_GUID' },
  // routes and methods
  { name: 'unknown route', path: '/nope', status: 404, code: 'RECSCORE_NOT_FOUND' },
  {
    name: 'unknown route under a TAAR prefix',
    path: '/v1/api/recommendations/x/y/z/',
    status: 404,
    code: 'RECSCORE_NOT_FOUND',
  },
  { name: 'DELETE recommendations', method: 'DELETE', path: REC, status: 405, code: 'RECSCORE_METHOD_NOT_ALLOWED' },
  {
    name: 'POST TAAR-lite',
    method: 'POST',
    path: `${LITE}x/`,
    body: '{}',
    headers: JSON_CT,
    status: 405,
    code: 'RECSCORE_METHOD_NOT_ALLOWED',
  },
  { name: 'GET /v1/recommendations', path: POSTED, status: 405, code: 'RECSCORE_METHOD_NOT_ALLOWED' },
  { name: 'PUT /health', method: 'PUT', path: '/health', status: 405, code: 'RECSCORE_METHOD_NOT_ALLOWED' },
];

describe('bad input', { timeout: 30_000 }, () => {
  let s: TestServer;
  let b: ReturnType<typeof syntheticBackend>;
  before(async () => {
    b = syntheticBackend();
    s = await startApp({
      scorer: b.scorer,
      facts: () => b.facts,
      profiles: b.profiles,
      config: { totalBudgetMs: 2_000, profileBudgetMs: 1_000, scoringBudgetMs: 1_000 },
    });
  });
  after(() => s.close());

  it(`a table of ${cases.length} bad requests: JSON errors with the right status and code`, async () => {
    assert.ok(cases.length >= 30);
    for (const c of cases) {
      const body = typeof c.body === 'function' ? c.body() : c.body;
      const r = await s.call(c.method ?? 'GET', c.path, { body: body as string, headers: c.headers });
      assert.equal(r.status, c.status, `${c.name}: status (${r.text.slice(0, 200)})`);
      assert.match(String(r.headers['content-type']), /^application\/json/, `${c.name}: content type`);
      assert.equal(r.json?.error?.code, c.code, `${c.name}: code`);
      assert.equal(typeof r.json.error.message, 'string');
    }
  });

  it('accepted variants: JSON with charset, text/plain, an empty form body, whitespace-only body', async () => {
    const ok = [
      { body: '{"options":{"promoted":[["p@x",1]]}}', headers: { 'content-type': 'application/json; charset=utf-8' } },
      { body: '{}', headers: { 'content-type': 'text/plain' } },
      { body: '', headers: { 'content-type': 'application/x-www-form-urlencoded' } },
      { body: '  \n', headers: JSON_CT },
      { body: '{"options":{"promoted":[["p@x",1],["bad"]]}}', headers: JSON_CT },
    ];
    for (const o of ok) assert.equal((await s.call('POST', REC, o)).status, 200, JSON.stringify(o));
  });

  it('raw socket: empty Host is served, Host with a path is a JSON 400', async () => {
    const empty = await rawRequest(s.server.port, `GET ${REC} HTTP/1.1\r\nHost: \r\nConnection: close\r\n\r\n`);
    assert.equal(empty.status, 200);
    assert.equal(empty.json.results.length, 10);
    for (const host of ['a/b', '127.0.0.1/x', 'a b', 'a@b']) {
      const r = await rawRequest(s.server.port, `GET ${REC} HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`);
      assert.equal(r.status, 400, host);
      assert.equal(r.json?.error?.code, 'RECSCORE_BAD_REQUEST', host);
    }
  });

  it('raw socket: what Node rejects before the app, all JSON', async () => {
    const table: Array<[string, string | Buffer, number, string]> = [
      ['HTTP/1.1 without Host', 'GET /health HTTP/1.1\r\nConnection: close\r\n\r\n', 400, 'RECSCORE_BAD_REQUEST'],
      ['garbage request line', 'HELLO\r\n\r\n', 400, 'RECSCORE_BAD_REQUEST'],
      ['unknown method', 'BREW /health HTTP/1.1\r\nHost: x\r\n\r\n', 400, 'RECSCORE_BAD_REQUEST'],
      ['header without colon', 'GET /health HTTP/1.1\r\nHost: x\r\nbroken\r\n\r\n', 400, 'RECSCORE_BAD_REQUEST'],
      [
        'Content-Length and Transfer-Encoding',
        'POST /v1/recommendations HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n' +
          'Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
        400,
        'RECSCORE_BAD_REQUEST',
      ],
      [
        'bad chunk size',
        'POST /v1/recommendations HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n',
        400,
        'RECSCORE_BAD_REQUEST',
      ],
      [
        'headers over maxHeaderBytes',
        `GET /health HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
        431,
        'RECSCORE_HEADERS_TOO_LARGE',
      ],
      [
        'backslash in the path',
        'GET /v1\\api HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
        400,
        'RECSCORE_BAD_REQUEST',
      ],
      // issue 10 #9: these three had a bodiless 417, no answer at all, and a 200.
      [
        'Expect other than 100-continue',
        'GET /health HTTP/1.1\r\nHost: x\r\nExpect: foo\r\n\r\n',
        417,
        'RECSCORE_BAD_REQUEST',
      ],
      ['CONNECT', 'CONNECT 127.0.0.1:22 HTTP/1.1\r\nHost: 127.0.0.1:22\r\n\r\n', 405, 'RECSCORE_METHOD_NOT_ALLOWED'],
      ['two Host headers', 'GET /health HTTP/1.1\r\nHost: x\r\nhost: y\r\n\r\n', 400, 'RECSCORE_BAD_REQUEST'],
      ['two Host headers, HTTP/1.0', 'GET /health HTTP/1.0\r\nHost: x\r\nHOST: x\r\n\r\n', 400, 'RECSCORE_BAD_REQUEST'],
    ];
    for (const [name, bytes, status, code] of table) {
      const r = await rawRequest(s.server.port, bytes);
      assert.equal(r.status, status, `${name}: ${r.body}`);
      assert.equal(r.json?.error?.code, code, name);
    }
  });

  it('still serves after all of that; rejections are counted under their route', async () => {
    const r = await s.get(REC);
    assert.equal(r.status, 200);
    assert.equal(r.json.results.length, 10);
    const m = (await s.get('/metrics')).text;
    assert.match(m, /recscore_http_requests_total\{route="recommendations",method="POST",status="413"\} 2/);
    assert.match(m, /recscore_http_requests_total\{route="not_found",method="GET",status="404"\} \d+/);
    assert.match(m, /recscore_http_requests_total\{route="method_not_allowed",method="DELETE",status="405"\} 1/);
  });
});
