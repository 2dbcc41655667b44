/**
 * The CLI's failure contract (src/cli/index.ts): a bad invocation or bad input exits non-zero and prints
 * exactly one `error RECSCORE_…: message` line on stderr (structured log records aside), never a stack
 * trace unless --debug is given. Configuration errors exit 2, everything else 1.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { VECTORS, VECTOR_MODELS, haveVectors } from '../helpers/vectors.js';
import { nonLogLines, runCli, type CliRun } from './run-cli.js';

const STACK_LINE = /^\s+at /m;

function assertOneErrorLine(run: CliRun, code: string | RegExp, exit: number, mentions?: string): void {
  const lines = nonLogLines(run.stderr);
  assert.equal(run.code, exit, `exit code (stderr: ${run.stderr})`);
  const errors = lines.filter((l) => l.startsWith('error '));
  assert.equal(errors.length, 1, `one error line, got:\n${run.stderr}`);
  const m = /^error (RECSCORE_[A-Z_]+): (.+)$/.exec(errors[0]);
  assert.ok(m, `error line shape: ${errors[0]}`);
  if (typeof code === 'string') assert.equal(m[1], code, errors[0]);
  else assert.match(m[1], code, errors[0]);
  if (mentions) assert.ok(errors[0].includes(mentions), `"${errors[0]}" should mention ${mentions}`);
  assert.doesNotMatch(run.stderr, STACK_LINE, 'no stack trace without --debug');
  // Usage text may follow an unknown command; nothing else may.
  assert.deepEqual(
    lines.filter((l) => !l.startsWith('error ') && !l.startsWith('usage:') && !l.startsWith('  ')),
    [],
  );
}

describe('CLI errors', { timeout: 60_000 }, () => {
  let dir: string;
  const profiles = () => join(dir, 'profiles.jsonl');

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'recscore-cli-errors-'));
    await writeFile(profiles(), '{"client_id": "abc", "profile": null, "extra_data": {}}\n');
    await writeFile(join(dir, 'bad.jsonl'), '{"client_id": "abc", "profile": null}\n{"client_id": "abc", \n');
    await writeFile(join(dir, 'queries.jsonl'), '{"guid": "x"}\nnot json\n');
  });
  after(() => rm(dir, { recursive: true, force: true }));

  test('score without --models', async () => {
    assertOneErrorLine(await runCli(['score', '--profiles', profiles()]), 'RECSCORE_CONFIG', 2, '--models');
  });

  test('score with an unknown flag', async () => {
    assertOneErrorLine(
      await runCli(['score', '--models', dir, '--profiles', profiles(), '--frobnicate']),
      'RECSCORE_CONFIG',
      2,
      '--frobnicate',
    );
  });

  for (const bad of ['abc', '1.5', '-3', '100001', '']) {
    test(`score --limit=${JSON.stringify(bad)}`, async () => {
      assertOneErrorLine(
        await runCli(['score', '--models', dir, '--profiles', profiles(), `--limit=${bad}`]),
        'RECSCORE_CONFIG',
        2,
        '--limit',
      );
    });
  }

  // parseArgs' own message for this case spans three lines; the CLI must still print one.
  test('score --limit -3 (value looks like a flag)', async () => {
    assertOneErrorLine(
      await runCli(['score', '--models', dir, '--profiles', profiles(), '--limit', '-3']),
      'RECSCORE_CONFIG',
      2,
      '--limit',
    );
  });

  test('related with both --guid and --queries', async () => {
    assertOneErrorLine(
      await runCli(['related', '--models', dir, '--guid', 'x', '--queries', profiles()]),
      'RECSCORE_CONFIG',
      2,
    );
  });

  test('an unknown command prints the usage after the error line', async () => {
    const run = await runCli(['scorch']);
    assertOneErrorLine(run, 'RECSCORE_CONFIG', 2, 'scorch');
    assert.match(run.stderr, /^usage: recscore/m);
  });

  test('a models folder that does not exist', async () => {
    assertOneErrorLine(
      await runCli(['score', '--models', join(dir, 'nope'), '--profiles', profiles()]),
      /^RECSCORE_MODEL_/,
      1,
      join(dir, 'nope'),
    );
  });

  describe('with the vectors’ models', { skip: haveVectors ? false : `TAAR vectors not found at ${VECTORS}` }, () => {
    test('a profiles file that does not exist: a configuration error, checked before the models load', async () => {
      const missing = join(dir, 'missing.jsonl');
      assertOneErrorLine(
        await runCli(['score', '--models', VECTOR_MODELS, '--profiles', missing]),
        'RECSCORE_CONFIG',
        2,
        missing,
      );
    });

    test('an invalid JSON line names the file and line; earlier lines were answered', async () => {
      const run = await runCli(['score', '--models', VECTOR_MODELS, '--profiles', join(dir, 'bad.jsonl')]);
      assertOneErrorLine(run, 'RECSCORE_BAD_JSON', 1, `${join(dir, 'bad.jsonl')}:2`);
      assert.equal(run.stdout.trim().split('\n').length, 1);
    });

    test('related: an invalid JSON query line names the file and line', async () => {
      const run = await runCli(['related', '--models', VECTOR_MODELS, '--queries', join(dir, 'queries.jsonl')]);
      assertOneErrorLine(run, 'RECSCORE_BAD_JSON', 1, `${join(dir, 'queries.jsonl')}:2`);
    });
  });

  test('--debug adds the stack trace', async () => {
    const run = await runCli(['score', '--debug', '--frobnicate']);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /^error RECSCORE_CONFIG: /m);
    assert.match(run.stderr, STACK_LINE);
  });

  test('--debug adds the stack trace for a model error too', async () => {
    const run = await runCli(['score', '--debug', '--models', join(dir, 'nope'), '--profiles', profiles()]);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /^error RECSCORE_MODEL_/m);
    assert.match(run.stderr, STACK_LINE);
  });
});
