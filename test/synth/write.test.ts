import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, test } from 'node:test';
import { isRecscoreError } from '../../src/errors.js';
import { MODEL_FILES, MODEL_FILE_KINDS } from '../../src/model/kinds/taar/files.js';
import {
  generateModelSet,
  generateProfiles,
  resolveSynthPreset,
  writeModelSet,
  writeProfiles,
  type SynthOptions,
} from '../../src/model/synth/index.js';
import { assertModelShapes } from './shapes.js';

const root = await mkdtemp(join(tmpdir(), 'recscore-synth-write-'));
after(() => rm(root, { recursive: true, force: true }));

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath ?? (e as { path: string }).path, e.name)))
    .sort();
}

test('same seed → byte-identical model files and profiles', async () => {
  const { model, profiles } = resolveSynthPreset('demo', { seed: 77 });
  const dirs = [join(root, 'a'), join(root, 'b')];
  for (const dir of dirs) {
    const out = generateModelSet(model);
    await writeModelSet(dir, out);
    await writeProfiles(join(dir, 'profiles.jsonl'), generateProfiles(out, { seed: 77, count: profiles }));
  }
  const files = await listFiles(dirs[0]);
  assert.deepEqual(files, [...Object.values(MODEL_FILES), 'profiles.jsonl'].sort());
  assert.deepEqual(await listFiles(dirs[1]), files);
  for (const f of files) {
    const [a, b] = await Promise.all(dirs.map((d) => readFile(join(d, f))));
    assert.ok(a.equals(b), `${f} differs between runs`);
  }
  const other = generateModelSet({ ...model, seed: 78 });
  await writeModelSet(join(root, 'c'), other);
  const [x, y] = await Promise.all(
    [join(root, 'a'), join(root, 'c')].map((d) => readFile(join(d, MODEL_FILES.itemMatrix))),
  );
  assert.ok(!x.equals(y), 'another seed gives another matrix');
});

test('written files parse back to exactly the generated values, under TAAR object names', async () => {
  const o: SynthOptions = {
    seed: 3,
    guids: 400,
    items: 380,
    factors: 20,
    donors: 50,
    locales: 6,
    whitelist: 40,
    coinstallKeys: 60,
    lrPoints: 100,
  };
  const out = generateModelSet(o);
  const dir = join(root, 'roundtrip');
  const written = await writeModelSet(dir, out);
  assert.deepEqual(
    written,
    MODEL_FILE_KINDS.map((k) => join(dir, MODEL_FILES[k])),
  );
  const parsed: Record<string, unknown> = {};
  for (const kind of MODEL_FILE_KINDS) {
    const text = await readFile(join(dir, MODEL_FILES[kind]), 'utf8');
    parsed[kind] = JSON.parse(text);
    assert.deepEqual(parsed[kind], out[kind], kind);
  }
  assertModelShapes(parsed as unknown as typeof out, o);
  // Spark/json4s layout with Java float spellings, Python json.dumps separators elsewhere (SPEC §5.1, §12.4)
  const matrix = await readFile(join(dir, MODEL_FILES.itemMatrix), 'utf8');
  assert.match(matrix, /^\[\{"id": \d+, "features": \[-?\d/);
  assert.match(matrix, /\d\.\d+E-\d/);
  assert.doesNotMatch(matrix, /e-/);
  const ensemble = await readFile(join(dir, MODEL_FILES.ensembleWeights), 'utf8');
  assert.match(
    ensemble,
    /^\{"ensemble_weights": \{"collaborative": [\d.]+, "similarity": [\d.]+, "locale": [\d.]+\}\}$/,
  );
  assert.ok(!(await listFiles(dir)).some((f) => f.endsWith('.tmp')), 'no temporary files left');
});

test('profiles are written one client_info per line', async () => {
  const out = generateModelSet({
    seed: 4,
    guids: 200,
    items: 150,
    factors: 4,
    donors: 30,
    locales: 3,
    whitelist: 20,
    coinstallKeys: 10,
    lrPoints: 10,
  });
  const profiles = generateProfiles(out, { seed: 4, count: 25 });
  const file = join(root, 'nested', 'dir', 'p.jsonl');
  await writeProfiles(file, profiles);
  const lines = (await readFile(file, 'utf8')).split('\n');
  assert.equal(lines.pop(), '');
  assert.deepEqual(
    lines.map((l) => JSON.parse(l)),
    profiles,
  );
});

test('compress: true is refused (no bz2 encoder); an old .bz2 beside a file is left alone', async () => {
  const out = generateModelSet({
    seed: 1,
    guids: 50,
    items: 40,
    factors: 2,
    donors: 3,
    locales: 1,
    whitelist: 5,
    coinstallKeys: 2,
    lrPoints: 3,
  });
  await assert.rejects(
    writeModelSet(join(root, 'bz2'), out, { compress: true } as unknown as { compress: false }),
    (e) => isRecscoreError(e) && e.code === 'RECSCORE_BAD_OPTION',
  );
  const dir = join(root, 'stale');
  const stale = join(dir, `${MODEL_FILES.whitelist}.bz2`);
  await mkdir(join(stale, '..'), { recursive: true });
  await writeFile(stale, 'old');
  const previous = process.env.RECSCORE_LOG_LEVEL;
  process.env.RECSCORE_LOG_LEVEL = 'silent'; // the shadowing warning is expected here
  try {
    await writeModelSet(dir, out);
  } finally {
    if (previous === undefined) delete process.env.RECSCORE_LOG_LEVEL;
    else process.env.RECSCORE_LOG_LEVEL = previous;
  }
  assert.equal(await readFile(stale, 'utf8'), 'old');
});
