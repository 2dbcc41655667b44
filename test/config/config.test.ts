/**
 * The one configuration (src/config): flag > environment > default, every error names the flag or
 * variable and the bad value, the result is frozen, and the HTTP layer's and the pool's defaults are
 * the table's.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defaultOf, flagOptions, loadConfig, logLevelFromEnv, modelEnvFrom } from '../../src/config/index.js';
import { SETTINGS, TAAR_MODEL_VARIABLES } from '../../src/config/index.js';
import type { Env, Flags } from '../../src/config/index.js';
import type { Setting } from '../../src/config/settings.js';
import { resolveServerConfig, serverConfigOf } from '../../src/server/config.js';

const BASE: Env = { RECSCORE_PROFILES: 'p.jsonl' };
const load = (env: Env = {}, flags: Flags = {}) => loadConfig({ env: { ...BASE, ...env }, flags });

function rejects(env: Env, flags: Flags, name: string, value: string) {
  assert.throws(
    () => load(env, flags),
    (e: any) => {
      assert.equal(e.code, 'RECSCORE_CONFIG');
      assert.ok(e.message.includes(name), `"${e.message}" names ${name}`);
      assert.ok(e.message.includes(JSON.stringify(value)), `"${e.message}" quotes ${value}`);
      return true;
    },
  );
}

describe('config: precedence', () => {
  it('a flag wins over the variable, which wins over the default', () => {
    assert.equal(load().port, 8000);
    assert.equal(load({ PORT: '9001' }).port, 9001);
    assert.equal(load({ PORT: '9001' }, { port: '9002' }).port, 9002);
    assert.equal(load({ RECSCORE_HOST: '0.0.0.0' }).host, '0.0.0.0');
    assert.equal(load({ TAAR_MAX_RESULTS: '20' }, { 'max-results': '30' }).maxResults, 30);
  });

  it('an empty variable is unset', () => {
    assert.equal(load({ PORT: '' }).port, 8000);
    assert.equal(load({ RECSCORE_RELOAD_TOKEN: '' }).reloadToken, undefined);
  });

  it('wires the settings that were code-only', () => {
    const c = load({
      TAAR_MAX_RESULTS: '25',
      TAARLITE_MAX_RESULTS: '6',
      RECSCORE_FALLBACK_CHAIN: 'global',
      RECSCORE_BREAKER_FAILURES: '9',
      RECSCORE_BREAKER_HALF_OPEN_MS: '1234',
      RECSCORE_BODY_LIMIT_BYTES: '2048',
      RECSCORE_HOST: '::1',
      RECSCORE_HEADERS_TIMEOUT_MS: '2000',
      RECSCORE_REQUEST_TIMEOUT_MS: '3000',
      RECSCORE_PROFILES_PREFIX: 'p1:',
    });
    const server = resolveServerConfig(serverConfigOf(c));
    assert.deepEqual(
      [
        server.maxResults,
        server.liteMaxResults,
        server.fallbackChain,
        server.breakerFailures,
        server.breakerHalfOpenAfterMs,
        server.bodyLimitBytes,
        server.host,
      ],
      [25, 6, ['global'], 9, 1234, 2048, '::1'],
    );
    assert.deepEqual([server.headersTimeoutMs, server.requestTimeoutMs, c.profilesPrefix], [2000, 3000, 'p1:']);
    assert.deepEqual(load({ RECSCORE_FALLBACK_CHAIN: 'none' }).fallbackChain, []);
    assert.deepEqual(load({ RECSCORE_FALLBACK_CHAIN: 'global, locale' }).fallbackChain, ['global', 'locale']);
  });

  it("the defaults of the HTTP layer and of the pool are the table's", () => {
    assert.deepEqual(resolveServerConfig(serverConfigOf(load())), resolveServerConfig({}));
    assert.ok(defaultOf('workers') >= 1);
    assert.equal(defaultOf('maxBatch'), 32);
  });

  it("TAAR's model variables are passed on, and only they", () => {
    const c = load({ TAAR_ITEM_MATRIX_BUCKET: 'b1', TAAR_ITEM_MATRIX_KEY: 'k.json', UNRELATED: 'x' });
    assert.deepEqual(c.taarModelEnv, { TAAR_ITEM_MATRIX_BUCKET: 'b1', TAAR_ITEM_MATRIX_KEY: 'k.json' });
    assert.deepEqual(modelEnvFrom({ TAAR_LOCALE_BUCKET: 'l', RECSCORE_GCS_ENDPOINT: 'http://127.0.0.1:1' }), {
      taarModelEnv: { TAAR_LOCALE_BUCKET: 'l' },
      gcsEndpoint: 'http://127.0.0.1:1',
    });
  });
});

describe('config: booleans (RECSCORE_DRAW=false was silently ignored)', () => {
  it('accepts 1/0, true/false, yes/no, on/off in any case', () => {
    for (const v of ['0', 'false', 'FALSE', 'no', 'No', 'off', 'OFF']) {
      assert.equal(load({ RECSCORE_DRAW: v }).draw, false, v);
    }
    for (const v of ['1', 'true', 'True', 'yes', 'YES', 'on']) assert.equal(load({ RECSCORE_DRAW: v }).draw, true, v);
    assert.equal(load({ RECSCORE_DRAW: '1' }, { draw: 'off' }).draw, false);
  });

  it('rejects any other spelling, naming the variable', () => {
    rejects({ RECSCORE_DRAW: 'maybe' }, {}, 'RECSCORE_DRAW', 'maybe');
    rejects({ RECSCORE_DRAW: '2' }, {}, 'RECSCORE_DRAW', '2');
    rejects({}, { draw: 'nope' }, '--draw', 'nope');
  });
});

describe('config: errors name the variable or flag and the value', () => {
  it('integers out of range or malformed', () => {
    rejects({ PORT: 'abc' }, {}, 'PORT', 'abc');
    rejects({}, { port: '70000' }, '--port', '70000');
    rejects({ TAAR_MAX_RESULTS: '0' }, {}, 'TAAR_MAX_RESULTS', '0');
    rejects({ TAAR_MAX_RESULTS: '101' }, {}, 'TAAR_MAX_RESULTS', '101');
    rejects({ RECSCORE_HEADERS_TIMEOUT_MS: '1.5' }, {}, 'RECSCORE_HEADERS_TIMEOUT_MS', '1.5');
    rejects({ RECSCORE_WORKERS: '0' }, {}, 'RECSCORE_WORKERS', '0');
  });

  it('enums, lists and URLs', () => {
    rejects({ RECSCORE_LOG_LEVEL: 'loud' }, {}, 'RECSCORE_LOG_LEVEL', 'loud');
    rejects({ RECSCORE_FALLBACK_CHAIN: 'locale,moon' }, {}, 'RECSCORE_FALLBACK_CHAIN', 'locale,moon');
    rejects({ RECSCORE_FALLBACK_CHAIN: 'locale,locale' }, {}, 'RECSCORE_FALLBACK_CHAIN', 'locale,locale');
    rejects({ RECSCORE_GCS_ENDPOINT: 'ftp://x' }, {}, 'RECSCORE_GCS_ENDPOINT', 'ftp://x');
  });

  it('every setting with a numeric rule rejects text, naming its own flag and variable', () => {
    for (const [key, s] of Object.entries(SETTINGS) as Array<[string, Setting<unknown>]>) {
      if (!s.kind.describe.startsWith('integer')) continue;
      if (s.env) rejects({ [s.env]: 'x1' }, {}, s.env, 'x1');
      if (s.flag) rejects({}, { [s.flag]: 'x1' }, `--${s.flag}`, 'x1');
      assert.ok(key);
    }
  });

  it('a combination: headers timeout above the request timeout', () => {
    assert.throws(
      () => load({ RECSCORE_HEADERS_TIMEOUT_MS: '40000' }),
      /RECSCORE_HEADERS_TIMEOUT_MS \(40000\) must not exceed RECSCORE_REQUEST_TIMEOUT_MS/,
    );
    assert.throws(
      () => load({}, { 'request-timeout-ms': '5000' }),
      /RECSCORE_HEADERS_TIMEOUT_MS \(10000\) must not exceed --request-timeout-ms/,
    );
  });

  it('profiles are required with a TAAR model set, unless --demo; registry-only serving needs none', () => {
    assert.throws(() => loadConfig({ env: { RECSCORE_MODELS: 'models' } }), /RECSCORE_PROFILES/);
    assert.throws(() => loadConfig({ env: { TAAR_LOCALE_BUCKET: 'b' } }), /RECSCORE_PROFILES/);
    assert.equal(loadConfig({ env: {}, flags: { demo: true } }).demo, true);
    assert.equal(loadConfig({ env: {} }).profiles, undefined);
  });

  it('RECSCORE_MODEL_MEMORY takes bytes or a size with a unit', () => {
    assert.equal(loadConfig({ env: { RECSCORE_MODEL_MEMORY: '512MiB' } }).modelMemory, 512 * 2 ** 20);
    assert.equal(loadConfig({ env: {}, flags: { 'model-memory': '2gib' } }).modelMemory, 2 * 2 ** 30);
    assert.equal(loadConfig({ env: { RECSCORE_MODEL_MEMORY: '3000000' } }).modelMemory, 3_000_000);
    assert.equal(loadConfig({ env: {} }).modelMemory, 4 * 2 ** 30);
    for (const bad of ['lots', '1TB', '-5', '1'])
      assert.throws(() => loadConfig({ env: { RECSCORE_MODEL_MEMORY: bad } }), /RECSCORE_MODEL_MEMORY must be a size/);
  });
});

describe('config: shape', () => {
  it('is frozen, its list included', () => {
    const c = load();
    assert.ok(Object.isFrozen(c) && Object.isFrozen(c.fallbackChain) && Object.isFrozen(c.taarModelEnv));
    assert.throws(() => ((c as any).port = 1), TypeError);
  });

  it('variables and flags are unique; flags are parseArgs options', () => {
    const settings = Object.values(SETTINGS) as Setting<unknown>[];
    const envs = [...settings.map((s) => s.env).filter(Boolean), ...TAAR_MODEL_VARIABLES];
    assert.equal(new Set(envs).size, envs.length);
    const flags = settings.map((s) => s.flag).filter(Boolean);
    assert.equal(new Set(flags).size, flags.length);
    assert.deepEqual(Object.keys(flagOptions()).sort(), [...flags].sort());
    assert.equal(flagOptions().demo.type, 'boolean');
    assert.equal(flagOptions().draw.type, 'string');
  });

  it('the log level read by src/log.ts is lenient (a log call never throws)', () => {
    assert.equal(logLevelFromEnv({ RECSCORE_LOG_LEVEL: 'WARN' }), 'warn');
    assert.equal(logLevelFromEnv({ RECSCORE_LOG_LEVEL: 'loud' }), 'info');
    assert.equal(logLevelFromEnv({}), 'info');
  });
});
