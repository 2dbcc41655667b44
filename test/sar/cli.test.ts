/**
 * `recscore sar …` end to end as a user runs it (a child process per command): train → recommend /
 * similar / popular / evaluate against the vectors, and clear errors with non-zero exits on bad input.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { close, topDifference, type Top } from './compare.js';
import { readVectorJsonl, REPO_ROOT, vectorPath } from './vectors.js';

const CLI = join(REPO_ROOT, 'dist/src/cli/index.js');
const dir = mkdtempSync(join(tmpdir(), 'sar-cli-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

function sar(...args: string[]): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [CLI, 'sar', ...args], { encoding: 'utf8', maxBuffer: 1 << 28 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}
const jsonLines = (s: string) =>
  s
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));

function train(name: string, data: string, ...opts: string[]): string {
  const out = join(dir, `${name}.sarm`);
  const r = sar('train', '--events', vectorPath(data), '--out', out, ...opts);
  assert.equal(r.code, 0, r.err);
  const printed = JSON.parse(r.out);
  assert.equal(printed.report.successfulLines, printed.stats.events);
  return out;
}

const CASES: Array<[string, string, string[], string[]]> = [
  ['jacc_d1_t1', 'data/train.jsonl', ['--decay-half-life', '30'], []],
  ['lmi_d0_t3', 'data/train.jsonl', ['--similarity', 'lexicographers-mutual-information', '--threshold', '3'], []],
  ['norm_jacc_d1_t1', 'data/train.jsonl', ['--decay-half-life', '30'], ['--normalize']],
  ['raw_jacc_d0_t1', 'data/raw_events.jsonl', [], []],
];

for (const [name, data, trainOpts, recOpts] of CASES) {
  test(`train + recommend (every user, remove-seen on and off) matches recs/${name}`, () => {
    const model = train(name, data, ...trainOpts);
    const expected = readVectorJsonl<{ user: string; rs: boolean; top: Top; alt?: string[] }>(`recs/${name}.jsonl`);
    for (const rs of [true, false]) {
      const got = new Map(
        jsonLines(sar('recommend', '--model', model, ...recOpts, ...(rs ? ['--remove-seen'] : [])).out).map((l) => [
          l.user,
          l.top,
        ]),
      );
      for (const rec of expected.filter((r) => r.rs === rs)) {
        const diff = topDifference(got.get(rec.user), rec.top, rec.alt);
        assert.equal(diff, undefined, `${name} ${rec.user} rs=${rs}: ${diff}`);
      }
    }
  });
}

test('similar, popular and evaluate through the CLI match the vectors', () => {
  const model = train('jacc_d1_t1_b', 'data/train.jsonl', '--decay-half-life', '30');
  const got = jsonLines(sar('similar', '--model', model, '--queries', vectorPath('data/queries.jsonl')).out);
  const want = readVectorJsonl<{ q: string; top: Top; alt?: string[] }>('itembased/jacc_t1.jsonl');
  assert.equal(got.length, want.length);
  want.forEach((w, i) => assert.equal(topDifference(got[i].top, w.top, w.alt), undefined, w.q));
  assert.deepEqual(
    JSON.parse(sar('similar', '--model', model, '--item', 'i092', '--k', '3').out).top.map((p: Top[0]) => p[0]),
    got[0].top.slice(0, 3).map((p: Top[0]) => p[0]),
  );
  const pop = readVectorJsonl<{ what: string; thr: number; top: Top; alt?: string[] }>('popularity.jsonl').filter(
    (p) => p.thr === 1,
  );
  for (const p of pop) {
    const r = JSON.parse(sar('popular', '--model', model, ...(p.what === 'users' ? ['--users'] : [])).out);
    assert.equal(topDifference(r.top, p.top, p.alt), undefined, p.what);
  }
  const metrics = JSON.parse(sar('evaluate', '--model', model, '--test', vectorPath('data/test.jsonl')).out);
  const target = readVectorJsonl<Record<string, number | string>>('metrics.jsonl').find(
    (m) => m.cfg === 'jacc_d1_t1' && m.src === 'target',
  )!;
  for (const k of ['map', 'map_at_k', 'ndcg_at_k', 'precision_at_k', 'recall_at_k'])
    assert.ok(close(metrics[k], target[k] as number), k);
  assert.equal(metrics.n_users, target.n_users);
  assert.ok(metrics.hit_rate > 0 && metrics.hit_rate <= 1);
  assert.ok(metrics.diversity.unique_items_recommended > 0);
});

test('unknown users are reported, posted events are scored', () => {
  const model = train('plain', 'data/train.jsonl');
  const users = join(dir, 'users.txt');
  writeFileSync(
    users,
    'nobody\n{"user":"u000"}\n{"user":"anon","events":[{"item":"i092","rating":4,"timestamp":1}]}\n',
  );
  const [unknown, known, posted] = jsonLines(sar('recommend', '--model', model, '--users', users, '--k', '3').out);
  assert.deepEqual(unknown, { user: 'nobody', unknown: true, top: [] });
  assert.equal(known.top.length, 3);
  assert.equal(posted.top[0][0], 'i092', 'without remove-seen the seed itself (s_ii = 1) leads');
});

test('bad input: clear message and non-zero exit', () => {
  const data = vectorPath('data/train.jsonl');
  const cases: Array<[string[], number, RegExp]> = [
    [
      ['train', '--events', data, '--out', join(dir, 'x'), '--similarity', 'pearson'],
      2,
      /unknown similarity "pearson"/,
    ],
    [
      ['train', '--events', data, '--out', join(dir, 'x'), '--threshold', '0'],
      2,
      /--threshold must be an integer from 1/,
    ],
    [['train', '--events', data, '--out', join(dir, 'x'), '--unit', 'session'], 2, /--unit/],
    [['train', '--events', join(dir, 'missing.jsonl'), '--out', join(dir, 'x')], 1, /RECSCORE_SAR_INPUT.*ENOENT/],
    [['train', '--out', join(dir, 'x')], 2, /--events is required/],
    [['recommend', '--model', join(dir, 'missing.sarm')], 1, /RECSCORE_MODEL_MISSING/],
    [['popular', '--model', data], 1, /RECSCORE_BUNDLE_INVALID/],
    [['similar', '--model', data], 2, /exactly one of --item and --queries/],
    [['frobnicate'], 2, /unknown sar command/],
  ];
  for (const [args, code, message] of cases) {
    const r = spawnSync(process.execPath, [CLI, 'sar', ...args], { encoding: 'utf8' });
    assert.equal(r.status, code, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message, args.join(' '));
  }
  const bad = join(dir, 'bad.csv');
  writeFileSync(bad, 'u1,i1,1\nnot,a\nu2,i1,never\n');
  const r = sar('train', '--events', bad, '--out', join(dir, 'x'), '--max-bad-lines', '1');
  assert.equal(r.code, 1);
  assert.match(r.err, /2 bad lines/);
  assert.equal(JSON.parse(r.out).report.errors.BadTimestampFormat.sample.line, 3);
});
