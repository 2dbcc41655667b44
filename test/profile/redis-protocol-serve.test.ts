/**
 * `recscore serve --profiles redis://…` as a child process, pointed at a misbehaving Redis
 * (test/helpers/fake-redis.ts relaying to a private redis-server). Before the reply guard, the first
 * malformed reply ended the server with ioredis' `TypeError … reading 'toString'`. Now the server must stay
 * alive, answer every request with a fallback while the store misbehaves, and serve personalised answers
 * again once it relays to a real redis-server; a 30 MB stored profile fails only its own requests.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { Agent, request } from 'undici';
import { profilesCommand } from '../../src/cli/profiles.js';
import { redisKeys } from '../../src/profile/redis-keys.js';
import { startFakeRedis, type FakeRedis } from '../helpers/fake-redis.js';
import { tempDir } from '../helpers/model-dirs.js';
import { startRedis, type RedisHandle } from '../helpers/redis-server.js';
import { haveVectors, readJsonl, REPO_ROOT, VECTOR_MODELS, VECTORS } from '../helpers/vectors.js';
import { listeningUrl } from '../helpers/serve-child.js';

const CLI = join(REPO_ROOT, 'dist/src/cli/index.js');
const dispatcher = new Agent({ headersTimeout: 10_000, bodyTimeout: 10_000 });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Answer {
  status: number;
  servedBy: string;
  reason?: string;
}

describe('serve against a Redis that breaks the protocol', {
  skip: !haveVectors && 'vectors not found',
  timeout: 120_000,
}, () => {
  let redis: RedisHandle;
  let fake: FakeRedis;
  let child: ChildProcess;
  let url: string;
  let clientId: string;
  let stderr = '';

  const recommend = async (id = clientId): Promise<Answer> => {
    const res = await request(`${url}/v1/api/recommendations/${id}/?locale=de`, { dispatcher });
    const body = (await res.body.json()) as { result_info: { served_by: string; reason?: string } };
    return { status: res.statusCode, servedBy: body.result_info?.served_by, reason: body.result_info?.reason };
  };
  const alive = () =>
    assert.equal(child.exitCode, null, `the server exited (${child.exitCode}): ${stderr.slice(-2000)}`);
  const servesPersonalised = async (ms: number) => {
    const end = Date.now() + ms;
    let last: Answer | undefined;
    while (Date.now() < end) {
      last = await recommend();
      if (last.servedBy === 'ensemble') return;
      await sleep(100);
    }
    assert.fail(`no personalised answer within ${ms} ms; last: ${JSON.stringify(last)}`);
  };

  before(async () => {
    clientId = readJsonl<{ client_id: string; case: string }>(`${VECTORS}/profiles.jsonl`).find(
      (p) => p.case === 'normal',
    )!.client_id;
    redis = await startRedis();
    const sink = new PassThrough();
    sink.resume();
    assert.equal(
      await profilesCommand(['load', `${VECTORS}/profiles.jsonl`, '--redis', redis.url], {
        stdout: sink,
        stderr: sink,
      }),
      0,
    );
    fake = await startFakeRedis({ upstream: redis.port });
    const cache = await tempDir();
    const args = [
      'serve',
      '--models',
      VECTOR_MODELS,
      '--profiles',
      fake.url,
      '--port',
      '0',
      '--workers',
      '1',
      '--cache-dir',
      cache,
    ];
    child = spawn(process.execPath, [CLI, ...args], {
      // Budgets far above a loaded machine's stalls: this suite is about how replies are classified, and a
      // profile timeout counts against the breaker as a store error should.
      env: {
        ...process.env,
        RECSCORE_LOG_LEVEL: 'error',
        RECSCORE_PROFILE_BUDGET_MS: '1000',
        RECSCORE_SCORING_BUDGET_MS: '1000',
        RECSCORE_TOTAL_BUDGET_MS: '2500',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    url = await listeningUrl(child, 30_000, () => stderr);
    await servesPersonalised(10_000);
  });
  after(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    await fake?.close();
    await redis?.stop();
    await dispatcher.close();
  });

  it('two nil replies to every command: the server lives and answers fallbacks, then personalises again', async () => {
    fake.respond(() => '$-1\r\n$-1\r\n');
    for (let i = 0; i < 30; i++) {
      const a = await recommend();
      assert.equal(a.status, 200);
      assert.notEqual(a.servedBy, 'ensemble', JSON.stringify(a));
      assert.ok(['profile-error', 'breaker-open', 'profile-timeout'].includes(a.reason ?? ''), JSON.stringify(a));
      await sleep(30);
    }
    alive();
    fake.relay();
    await servesPersonalised(20_000);
    alive();
  });

  it('an extra nil reply injected while idle: the server lives and personalises again', async () => {
    for (let i = 0; i < 5; i++) {
      fake.inject('$-1\r\n');
      await sleep(150);
      alive();
    }
    await servesPersonalised(20_000);
    alive();
  });

  it('garbage, an unknown reply type and a connection closed mid-reply: the server lives', async () => {
    const faults: Array<Parameters<FakeRedis['respond']>[0]> = [
      () => 'garbage\r\n\x00\xff',
      () => '%1\r\n+a\r\n+b\r\n',
      (_c, sock) => (setImmediate(() => sock.destroy()), '$100\r\nabc'),
    ];
    for (const fault of faults) {
      fake.respond(fault);
      for (let i = 0; i < 5; i++) assert.equal((await recommend()).status, 200);
      alive();
    }
    fake.relay();
    await servesPersonalised(20_000);
  });

  it('a 30 MB stored profile fails only its own requests (profile-invalid); the breaker stays closed', async () => {
    const admin = new Redis(redis.port, '127.0.0.1', { maxRetriesPerRequest: 0 });
    const keys = redisKeys('recscore:');
    const generation = Number(await admin.get(keys.current));
    await admin.set(
      keys.profile(generation, 'huge-profile'),
      JSON.stringify({ installed_addons: ['x'.repeat(30 * 1024 * 1024)] }),
    );
    try {
      await sleep(300); // let the 30 MB SET and its garbage settle on this shared machine
      let invalid = 0;
      // In a row, with no good read between them: were they counted, the consecutive-failure breaker would open.
      for (let i = 0; i < 10; i++) {
        const big = await recommend('huge-profile');
        assert.equal(big.status, 200);
        // A 15 ms profile budget may still expire now and then on a busy 2-core machine; an error may not.
        assert.ok(['profile-invalid', 'profile-timeout'].includes(big.reason ?? ''), JSON.stringify(big));
        if (big.reason === 'profile-invalid') invalid += 1;
      }
      const normal = await recommend();
      assert.ok(!['breaker-open', 'profile-error'].includes(normal.reason ?? ''), JSON.stringify(normal));
      assert.ok(invalid >= 8, `${invalid} of 10 reads of the oversized profile were refused as invalid`);
      alive();
      await servesPersonalised(5_000);
    } finally {
      await admin.del(keys.profile(generation, 'huge-profile'));
      await admin.quit();
    }
  });
});
