/**
 * `profiles load --prefix P` could not be served: `serve` had no prefix option. Loaded under a prefix of
 * its own on the shared Redis (127.0.0.1:6379, deleted afterwards), the profiles are served with
 * `--profiles-prefix P`, and with RECSCORE_PROFILES_PREFIX; under another prefix the client is unknown.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { after, describe, it } from 'node:test';
import { tempDir } from '../helpers/model-dirs.js';
import { pingRedis } from '../helpers/redis-server.js';
import { haveVectors, readJsonl, VECTOR_MODELS, VECTORS } from '../helpers/vectors.js';
import { CLI, spawnServe } from '../helpers/serve-child.js';

const REDIS = 'redis://127.0.0.1:6379';
const PREFIX = `recscore-test-prefix-${process.pid}-${randomBytes(4).toString('hex')}:`;
const redisUp = await pingRedis(6379, 1_000);

function cli(args: string[]) {
  return spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 60_000 });
}

const skip = (!haveVectors && 'vectors not found') || (!redisUp && 'no Redis at 6379');
const budgets = {
  RECSCORE_TOTAL_BUDGET_MS: '2000',
  RECSCORE_PROFILE_BUDGET_MS: '1000',
  RECSCORE_SCORING_BUDGET_MS: '1000',
};
type Body = { results: string[]; result_info: { served_by: string; reason?: string } };

describe('serve --profiles-prefix', { skip, timeout: 120_000 }, () => {
  after(() => {
    cli(['profiles', '--reset', '--redis', REDIS, '--prefix', PREFIX]);
  });

  it('serves the profiles that `profiles load --prefix` wrote', async () => {
    const load = cli(['profiles', 'load', `${VECTORS}/profiles.jsonl`, '--redis', REDIS, '--prefix', PREFIX]);
    assert.equal(load.status, 0, load.stderr);
    const client = readJsonl<{ client_id: string; profile: unknown; case?: string }>(`${VECTORS}/profiles.jsonl`).find(
      (r) => r.profile !== null && r.case === 'normal',
    )!.client_id;

    const elsewhere = `${PREFIX}nothing-here:`;
    const runs = [
      [['--profiles-prefix', PREFIX], { RECSCORE_PROFILES_PREFIX: elsewhere }, 'ensemble'], // the flag wins
      [[], { RECSCORE_PROFILES_PREFIX: PREFIX }, 'ensemble'],
      [[], { RECSCORE_PROFILES_PREFIX: elsewhere }, 'unknown-client'], // control: another prefix has no such client
    ] as const;
    for (const [args, env, servedBy] of runs) {
      const s = spawnServe(
        [
          '--models',
          VECTOR_MODELS,
          '--profiles',
          REDIS,
          '--port',
          '0',
          '--workers',
          '1',
          '--no-draw',
          '--cache-dir',
          await tempDir(),
          ...args,
        ],
        { RECSCORE_LOG_LEVEL: 'warn', ...budgets, ...env },
      );
      try {
        const [, url] = await s.waitFor(/listening on (http:\/\/\S+)/);
        const body = (await (await fetch(`${url}/v1/api/recommendations/${client}/`)).json()) as Body;
        assert.equal(body.result_info.reason ?? body.result_info.served_by, servedBy, JSON.stringify(body));
        assert.equal(body.results.length, 10);
        s.child.kill('SIGTERM');
        assert.equal((await s.exited).code, 0);
      } finally {
        s.child.kill('SIGKILL');
      }
    }
  });
});
