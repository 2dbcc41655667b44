// Builds test/fixtures/sar/ from ../shared/sar/vectors: the SAR parity vectors a clean clone needs.
// Kept whole: the data, affinities, item frequencies, item-based, popularity and metrics files (every
// configuration and every query). Reduced, because they are 13 of the 16 MB: the similarity rows (every
// 10th item, the 10 most popular and every item below threshold 3) and the recs files (every one of the
// 32 configurations, for ~1/4 of the users, chosen to include the §9 cases: users with a negative
// affinity (Q3), users of a below-threshold item (Q4nan), and every user with an `alt` list or a
// near-tie). py_quirks/ is documentation only and is left out. Files over 64 KiB are gzipped.
// Usage: node scripts/sar-fixtures.mjs [SRC] [DEST]
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';

const src = process.argv[2] ?? '../shared/sar/vectors';
const dest = process.argv[3] ?? 'test/fixtures/sar';
const read = (f) => {
  const buf = readFileSync(join(src, f));
  return (f.endsWith('.gz') ? gunzipSync(buf) : buf).toString('utf8');
};
const jsonl = (f) =>
  read(f)
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));
const manifest = JSON.parse(read('MANIFEST.json'));
rmSync(dest, { recursive: true, force: true });
const kept = {};
function write(name, lines) {
  const text = lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n') + '\n';
  const gz = text.length > 65536;
  const out = join(dest, gz && !name.endsWith('.gz') ? `${name}.gz` : name);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, gz || name.endsWith('.gz') ? gzipSync(text, { level: 9 }) : text);
  kept[name] = { records: lines.length };
}
const rawLines = (f) => read(f).split('\n').filter(Boolean);

// Users that exercise the corrected rules or the tie rules, plus every 5th user.
const users = jsonl('affinity/decay0.jsonl')
  .map((r) => r.user)
  .sort();
const negative = new Set(
  jsonl('affinity/decay0.jsonl')
    .filter((r) => r.a.some(([, a]) => a < 0))
    .map((r) => r.user),
);
const freq3 = jsonl('item_frequencies.jsonl').find((r) => r.thr === 3).freq;
const below = new Set(Object.keys(freq3).filter((i) => freq3[i] === 0));
const belowUsers = new Set(
  jsonl('data/train.jsonl')
    .filter((r) => below.has(r.item))
    .map((r) => r.user),
);
const recFiles = Object.keys(manifest.files).filter((f) => f.startsWith('recs/'));
const tieUsers = new Set();
const nearTie = (top) =>
  top.some(
    (p, i) => i > 0 && p[1] !== top[i - 1][1] && Math.abs(p[1] - top[i - 1][1]) <= 1e-12 + 1e-9 * Math.abs(p[1]),
  );
for (const f of recFiles) for (const r of jsonl(f)) if (r.alt?.length || nearTie(r.top)) tieUsers.add(r.user);
const keepUser = new Set(users.filter((u, i) => i % 5 === 0 || belowUsers.has(u) || tieUsers.has(u)));
[...negative].slice(0, 25).forEach((u) => keepUser.add(u));

for (const f of Object.keys(manifest.files)) {
  if (f.startsWith('py_quirks/')) continue;
  if (f.startsWith('recs/'))
    write(
      f,
      rawLines(f).filter((l) => keepUser.has(JSON.parse(l).user)),
    );
  else if (f.startsWith('sim/')) {
    const rows = rawLines(f);
    const byFreq = Object.entries(freq3)
      .sort((a, b) => b[1] - a[1])
      .slice(0, 10)
      .map(([i]) => i);
    write(
      f,
      rows.filter((l, idx) => {
        const i = JSON.parse(l).i;
        return idx % 10 === 0 || below.has(i) || byFreq.includes(i);
      }),
    );
  } else write(f, rawLines(f));
}
manifest.fixture = {
  note: 'reduced copy of the SAR vectors for clean clones; built by scripts/sar-fixtures.mjs',
  users_kept_in_recs: keepUser.size,
  negative_affinity_users_kept: [...negative].filter((u) => keepUser.has(u)).length,
  below_threshold_items: [...below],
};
manifest.files = Object.fromEntries(Object.entries(kept).map(([f, v]) => [f, v]));
writeFileSync(join(dest, 'MANIFEST.json'), JSON.stringify(manifest, null, 1) + '\n');
const total = (d) =>
  readdirSync(d, { withFileTypes: true }).reduce(
    (s, e) => s + (e.isDirectory() ? total(join(d, e.name)) : readFileSync(join(d, e.name)).length),
    0,
  );
console.log(JSON.stringify({ dest, users_kept: keepUser.size, bytes: total(dest) }));
