// Refreshes test/fixtures/taar from TAAR's vectors (default ../shared/taar/vectors): the tests need them on a
// clone that has no ../shared beside it. Files over 1 MB are stored Brotli-compressed as NAME.br (the 9 MB of
// expected recommendations become 1.6 MB; gzip -9 would leave 3 MB); test/helpers/vectors.ts reads either form.
// SPEC.md is not copied: the tests read data only.
// Usage: node scripts/copy-vectors.mjs [source-folder]
import { brotliCompressSync, constants } from 'node:zlib';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const source = resolve(process.argv[2] ?? join(root, '../shared/taar/vectors'));
const target = join(root, 'test/fixtures/taar');
const COMPRESS_ABOVE = 1 << 20;

function files(dir) {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const p = join(dir, name);
      return statSync(p).isDirectory() ? files(p) : [p];
    });
}

let found;
try {
  found = files(source);
} catch (e) {
  console.error(`copy-vectors: cannot read ${source}: ${e.message}`);
  process.exit(1);
}
if (!found.some((p) => relative(source, p) === 'MANIFEST.json')) {
  console.error(`copy-vectors: ${source} has no MANIFEST.json: not a TAAR vectors folder`);
  process.exit(1);
}
// The copy is replaced whole (its README stays), so a file dropped from the vectors goes from the copy too.
mkdirSync(target, { recursive: true });
for (const name of readdirSync(target, { withFileTypes: true }).map((d) => d.name)) {
  if (name !== 'README.md') rmSync(join(target, name), { recursive: true, force: true });
}
for (const p of found) {
  const rel = relative(source, p);
  const bytes = readFileSync(p);
  const out = join(target, bytes.length > COMPRESS_ABOVE ? `${rel}.br` : rel);
  mkdirSync(dirname(out), { recursive: true });
  const data =
    bytes.length > COMPRESS_ABOVE
      ? brotliCompressSync(bytes, {
          params: {
            [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
            [constants.BROTLI_PARAM_LGWIN]: constants.BROTLI_MAX_WINDOW_BITS,
            [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
          },
        })
      : bytes;
  writeFileSync(out, data);
  const stored = data === bytes ? '' : ` → ${relative(target, out)} ${data.length} bytes`;
  console.log(`${rel}: ${bytes.length} bytes${stored}`);
}
