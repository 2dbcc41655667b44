import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { synthCommand } from '../../src/cli/synth.js';
import { MODEL_FILES } from '../../src/model/kinds/taar/files.js';

const root = await mkdtemp(join(tmpdir(), 'recscore-synth-cli-'));
after(() => rm(root, { recursive: true, force: true }));

/** Runs the command with stdout/stderr captured. */
async function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const saved = { out: process.stdout.write, err: process.stderr.write };
  process.stdout.write = ((s: string) => out.push(String(s)) > 0) as typeof process.stdout.write;
  process.stderr.write = ((s: string) => err.push(String(s)) > 0) as typeof process.stderr.write;
  try {
    const code = await synthCommand(args);
    return { code, stdout: out.join(''), stderr: err.join('') };
  } finally {
    process.stdout.write = saved.out;
    process.stderr.write = saved.err;
  }
}

test('models synth --out DIR writes the demo set; --profiles writes profiles', async () => {
  const dir = join(root, 'demo');
  const profiles = join(root, 'demo-profiles.jsonl');
  const r = await run([
    '--out',
    dir,
    '--seed',
    '5',
    '--donors',
    '300',
    '--profiles',
    profiles,
    '--profile-count',
    '40',
  ]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /wrote 9 model files .* 1900 items × 20, 300 donors/);
  assert.match(r.stdout, /wrote 40 profiles/);
  for (const name of Object.values(MODEL_FILES)) JSON.parse(await readFile(join(dir, name), 'utf8'));
  assert.equal((await readFile(profiles, 'utf8')).trim().split('\n').length, 40);
  const donors = JSON.parse(await readFile(join(dir, MODEL_FILES.donors), 'utf8'));
  assert.equal(donors.length, 300);
});

test('bad arguments: a clear message on stderr, exit code 2, nothing written', async () => {
  const dir = join(root, 'never');
  const cases: Array<[string[], RegExp]> = [
    [[], /--out DIR is required/],
    [['--out', dir, '--items', 'many'], /--items must be a non-negative integer/],
    [['--out', dir, '--seed', '-3'], /--seed/],
    [['--out', dir, '--preset', 'huge'], /unknown synth preset "huge"/],
    [['--out', dir, '--frobnicate'], /frobnicate/],
    [['--out', dir, 'extra'], /extra/],
    [['--out', dir, '--items', '5000000'], /items/],
    [['--out', dir, '--donors', '0'], /donors/],
  ];
  for (const [args, message] of cases) {
    const r = await run(args);
    assert.equal(r.code, 2, args.join(' '));
    assert.match(r.stderr, message);
    assert.match(r.stderr, /usage: recscore models synth/);
  }
  assert.deepEqual(
    (await readdir(root)).filter((n) => n === 'never'),
    [],
  );
});

test('--help prints usage and exits 0', async () => {
  const r = await run(['--help']);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /usage: recscore models synth --out DIR/);
});
