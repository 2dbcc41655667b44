/**
 * `recscore serve --surfaces FILE`: the surfaces route answers from the file; SIGHUP re-reads it — a bad
 * file is logged and the running configuration keeps serving, a good one replaces it; a bad file at start
 * stops serve with an error naming the file and the field. `--catalog FILE` gives the attribute filters their
 * attributes; a bad catalog at start stops serve naming its line and field.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { tempDir } from '../helpers/model-dirs.js';
import { CLI, spawnServe } from '../helpers/serve-child.js';
import { haveVectors, readJsonl, VECTOR_MODELS, VECTORS } from '../helpers/vectors.js';

const LISTENING = /listening on (http:\/\/\S+)/;
const skip = !haveVectors && 'vectors not found';

const surfaces = (items: string[], extra: Record<string, unknown> = {}) => ({
  surfaces: {
    home: {
      sources: [
        { name: 'collab', kind: 'taar', recommender: 'collaborative', weight: 2, budget_ms: 2000 },
        { name: 'editors', kind: 'static', items },
      ],
      budget_ms: 2000,
    },
    ...extra,
  },
});

describe('recscore serve --surfaces', { skip, timeout: 120_000 }, () => {
  it('serves the file, and SIGHUP keeps the old one when the new one is bad', async () => {
    const dir = await tempDir();
    const file = join(dir, 'surfaces.yaml');
    writeFileSync(file, JSON.stringify(surfaces(['first@x'])));
    const catalog = join(dir, 'catalog.csv');
    writeFileSync(catalog, 'first@x,First,privacy\nsecond@x,Second,tabs\n');
    const client = readJsonl<{ client_id: string; profile: unknown }>(`${VECTORS}/profiles.jsonl`).find(
      (p) => p.profile && /^[0-9a-f]{64}$/.test(p.client_id),
    )!.client_id;
    const args = ['--models', VECTOR_MODELS, '--profiles', `${VECTORS}/profiles.jsonl`, '--port', '0'];
    // Generous budgets: the first answers of a fresh server on a loaded machine must not time out.
    const budgets = ['--profile-budget-ms', '5000', '--scoring-budget-ms', '5000', '--total-budget-ms', '10000'];
    const s = spawnServe(
      [...args, ...budgets, '--workers', '1', '--cache-dir', 'off', '--surfaces', file, '--catalog', catalog],
      {
        RECSCORE_DATA_DIR: dir,
      },
    );
    try {
      const [, url] = await s.waitFor(LISTENING);
      const get = async (path: string) => {
        const res = await fetch(url + path);
        return { status: res.status, json: (await res.json()) as any };
      };
      const r = await get(`/v1/surfaces/home/recommendations/${client}`);
      assert.equal(r.status, 200);
      assert.equal(r.json.result_info.sources.collab.status, 'ok');
      assert.ok(r.json.results.includes('first@x'));
      const privacy = await get(`/v1/surfaces/home/recommendations/${client}?category=privacy`);
      assert.deepEqual(privacy.json.results, ['first@x'], 'only the catalog item of that category');

      writeFileSync(file, 'surfaces:\n  home:\n    sources: []\n');
      s.child.kill('SIGHUP');
      await s.waitFor(/surfaces file refused.*surfaces\.home\.sources/);
      assert.equal((await get(`/v1/surfaces/home/recommendations/${client}`)).status, 200);

      writeFileSync(
        file,
        JSON.stringify(surfaces(['second@x'], { more: { sources: [{ name: 's', kind: 'static', items: ['m@x'] }] } })),
      );
      s.child.kill('SIGHUP');
      await s.waitFor(/"msg":"surfaces loaded".*"more"/);
      assert.deepEqual((await get(`/v1/surfaces/more/recommendations/${client}`)).json.results, ['m@x']);
      assert.ok((await get(`/v1/surfaces/home/recommendations/${client}`)).json.results.includes('second@x'));
      s.child.kill('SIGTERM');
      assert.deepEqual(await s.exited, { code: 0, signal: null });
    } finally {
      s.child.kill('SIGKILL');
    }
  });

  it('a bad file at start stops serve, naming the file and the field', async () => {
    const dir = await tempDir();
    const file = join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify({ surfaces: { home: { sources: [{ name: 'x', kind: 'nope' }] } } }));
    const r = spawnSync(
      process.execPath,
      [CLI, 'serve', '--demo', '--demo-dir', join(dir, 'demo'), '--surfaces', file],
      {
        encoding: 'utf8',
        timeout: 60_000,
        env: { ...process.env, RECSCORE_DATA_DIR: dir },
      },
    );
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /error RECSCORE_SURFACES_INVALID: .*bad\.json: surfaces\.home\.sources\[0\]\.kind/);
  });

  it('a bad catalog at start stops serve, naming the file, line and field', async () => {
    const dir = await tempDir();
    const catalog = join(dir, 'catalog.csv');
    writeFileSync(catalog, 'a@x,A,privacy\nb@x,B,tabs,,lang\n');
    const r = spawnSync(
      process.execPath,
      [CLI, 'serve', '--demo', '--demo-dir', join(dir, 'demo'), '--catalog', catalog],
      {
        encoding: 'utf8',
        timeout: 60_000,
        env: { ...process.env, RECSCORE_DATA_DIR: dir },
      },
    );
    assert.notEqual(r.status, 0);
    assert.match(
      r.stderr,
      /RECSCORE_SURFACES_INVALID: .*catalog\.csv:2: field 5 \(feature\): "lang" is not <name>=<value>/,
    );
  });
});
