/**
 * `recscore profiles` against the shared Redis at 6379, under a prefix of its own that it deletes.
 * The central case: reloading while a reader runs never makes a client present in both files look absent.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { profilesCommand, type ProfilesIo } from '../../src/cli/profiles.js';
import { createLogger } from '../../src/log.js';
import type { ClientInfo } from '../../src/profile/client-info.js';
import { unlinkMatching } from '../../src/profile/redis-generations.js';
import { redisKeys } from '../../src/profile/redis-keys.js';
import { RedisProfileStore } from '../../src/profile/redis-store.js';
import { VECTORS } from '../helpers/vectors.js';

const URL_6379 = 'redis://127.0.0.1:6379';
const PREFIX = `recscore-test-${process.pid}-${randomBytes(4).toString('hex')}:`;
const keys = redisKeys(PREFIX);
const quiet = createLogger({}, () => {});
const dir = mkdtempSync(join(tmpdir(), 'recscore-cli-'));
const admin = new Redis(URL_6379, { lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => null });
admin.on('error', () => {});

class Capture extends Writable {
  text = '';
  isTTY = false;
  columns = 100;
  override _write(chunk: Buffer, _enc: string, cb: () => void) {
    this.text += chunk.toString();
    cb();
  }
}

async function run(
  args: string[],
  opts: { tty?: boolean } = {},
): Promise<{ code: number; out: string; err: string; json: any }> {
  const io = { stdout: new Capture(), stderr: new Capture() };
  io.stderr.isTTY = opts.tty ?? false;
  const code = await profilesCommand(args, io as ProfilesIo);
  const last = io.stdout.text.trim().split('\n').pop() ?? '';
  let json: any;
  try {
    json = JSON.parse(last);
  } catch {
    json = undefined;
  }
  return { code, out: io.stdout.text, err: io.stderr.text, json };
}

const base = ['--redis', URL_6379, '--prefix', PREFIX];
const vectorProfiles = readFileSync(join(VECTORS, 'profiles.jsonl'), 'utf8')
  .split('\n')
  .filter((l) => l.trim())
  .map((l) => JSON.parse(l) as { client_id: string; profile: ClientInfo | null })
  .filter((l) => l.profile !== null);
const FILE1 = join(VECTORS, 'profiles.jsonl');
// The second file keeps 200 of the clients with one more add-on each, drops the others and adds 50.
const kept = vectorProfiles
  .slice(0, 200)
  .map((l) => ({ ...l.profile!, installed_addons: [...l.profile!.installed_addons, 'gen2@example.net'] }));
const added = Array.from({ length: 50 }, (_, i) => ({
  client_id: `new-client-${i}`,
  installed_addons: ['gen2@example.net'],
}));
let FILE2 = join(dir, 'second.jsonl');
writeFileSync(FILE2, [...kept, ...added].map((p) => JSON.stringify(p)).join('\n') + '\n');
if (spawnSync('bzip2', ['-k', FILE2]).status === 0) FILE2 += '.bz2';

async function countKeys(pattern: string): Promise<number> {
  let n = 0;
  let cursor = '0';
  do {
    const [next, found] = await admin.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    cursor = next;
    n += found.length;
  } while (cursor !== '0');
  return n;
}

describe('recscore profiles', { timeout: 60_000 }, () => {
  before(async () => admin.connect());
  after(async () => {
    await unlinkMatching(admin, keys.everythingPattern);
    await admin.quit();
    rmSync(dir, { recursive: true, force: true });
  });

  it('loads a first generation and reports it', async () => {
    const r = await run(['load', FILE1, ...base, '--batch', '50']);
    assert.equal(r.code, 0, r.err);
    assert.equal(r.json.generation, 1);
    assert.equal(r.json.previous, null);
    assert.equal(r.json.profiles, 286);
    // Not a terminal: progress comes as JSON log lines.
    const progress = r.err
      .split('\n')
      .filter((l) => l.includes('profiles load progress'))
      .map((l) => JSON.parse(l));
    assert.ok(progress.length >= 1);
    assert.equal(progress.at(-1).profiles, 286);
    assert.equal(progress.at(-1).percent, 100);
    const info = await run(['--info', ...base]);
    assert.deepStrictEqual(info.json, { prefix: PREFIX, current: 1, keys: 286, generations: { 1: 286 } });
  });

  it('reloads while readers run: no client present in both files is ever missing; old keys are gone', async () => {
    const store = new RedisProfileStore(URL_6379, { prefix: PREFIX, logger: quiet });
    const both = kept.map((p) => p.client_id);
    let reads = 0;
    const missing: string[] = [];
    const failures: string[] = [];
    let stop = false;
    const reader = (async () => {
      for (let i = 0; !stop; i++) {
        const id = both[i % both.length];
        try {
          if ((await store.get(id)) === null) missing.push(id);
        } catch (e) {
          failures.push(String(e));
        }
        reads += 1;
      }
    })();
    await new Promise((r) => setTimeout(r, 50));
    const r = await run(['load', FILE2, ...base, '--batch', '20']);
    // Keep reading through the store's generation cache window, when it may still name generation 1.
    await new Promise((res) => setTimeout(res, 1200));
    stop = true;
    await reader;
    assert.equal(r.code, 0, r.err);
    assert.deepStrictEqual(
      {
        generation: r.json.generation,
        previous: r.json.previous,
        profiles: r.json.profiles,
        deletedKeys: r.json.deletedKeys,
      },
      {
        generation: 2,
        previous: 1,
        profiles: 250,
        deletedKeys: 286,
      },
    );
    assert.deepStrictEqual(missing, []);
    assert.deepStrictEqual(failures, []);
    assert.ok(reads > 200, `only ${reads} reads`);
    assert.equal(await countKeys(keys.generationPattern(1)), 0);
    assert.deepStrictEqual((await store.get(both[0]))?.installed_addons.at(-1), 'gen2@example.net');
    assert.deepStrictEqual((await store.get('new-client-3'))?.installed_addons, ['gen2@example.net']);
    assert.equal(await store.get(vectorProfiles[250].client_id), null);
    await store.close();
    const info = await run(['info', ...base]);
    assert.deepStrictEqual(info.json, { prefix: PREFIX, current: 2, keys: 250, generations: { 2: 250 } });
  });

  it('draws a progress bar on a terminal', async () => {
    const r = await run(['load', FILE2, ...base], { tty: true });
    assert.equal(r.code, 0, r.err);
    assert.match(r.err, /loading \|.*\| 100% \| 250 profiles/);
    assert.equal(r.json.generation, 3);
  });

  it('refuses a file with a malformed profile, naming the line, and keeps the generation in service', async () => {
    const bad = join(dir, 'bad.jsonl');
    writeFileSync(bad, '{"client_id":"a","installed_addons":[]}\n{"client_id":"b","installed_addons":"x"}\n');
    const r = await run(['load', bad, ...base]);
    assert.equal(r.code, 1);
    assert.match(r.err, /^error RECSCORE_PROFILE_INVALID: .*bad\.jsonl:2: .*installed_addons/m);
    const info = await run(['--info', ...base]);
    assert.deepStrictEqual(info.json, { prefix: PREFIX, current: 3, keys: 250, generations: { 3: 250 } });
  });

  it('reports usage errors with exit code 2 and store errors with 1', async () => {
    const cases: Array<[string[], number, RegExp]> = [
      [['load', FILE1], 2, /error RECSCORE_CONFIG: --redis/],
      [['load', ...base], 2, /error RECSCORE_CONFIG: load takes exactly one FILE/],
      [['--info', '--reset', ...base], 2, /choose exactly one/],
      [['frobnicate', ...base], 2, /unknown subcommand/],
      [['load', FILE1, ...base, '--batch', '0'], 2, /--batch must be/],
      [['load', FILE1, ...base, '--bogus'], 2, /error RECSCORE_CONFIG: .*bogus/],
      [['load', join(dir, 'absent.jsonl'), ...base], 2, /error RECSCORE_CONFIG: .*absent\.jsonl/],
      [
        ['--info', '--redis', 'redis://127.0.0.1:1', '--prefix', PREFIX],
        1,
        /error RECSCORE_PROFILE_STORE: cannot connect/,
      ],
    ];
    for (const [args, code, pattern] of cases) {
      const r = await run(args);
      assert.equal(r.code, code, `${args.join(' ')}: ${r.err}`);
      assert.match(r.err, pattern, args.join(' '));
    }
    const help = await run(['--help']);
    assert.equal(help.code, 0);
    assert.match(help.out, /recscore profiles load FILE/);
  });

  it('--reset deletes every key under the prefix and nothing else', async () => {
    const neighbour = `${PREFIX.slice(0, -1)}-neighbour:current`;
    await admin.set(neighbour, '1');
    const r = await run(['--reset', ...base]);
    assert.equal(r.code, 0, r.err);
    assert.ok(r.json.deletedKeys >= 252, JSON.stringify(r.json));
    assert.equal(await countKeys(keys.everythingPattern), 0);
    assert.equal(await admin.get(neighbour), '1');
    await admin.del(neighbour);
  });
});
