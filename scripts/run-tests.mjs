// Runs every compiled test file under dist/ with Node's own test runner.
// Node 20's --test takes no globs, so the file list is collected here.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// --unit: only the unit tests that live beside the code (seconds); the default is every test.
const unit = process.argv.includes('--unit');
const roots = unit ? ['dist/src'] : ['dist/src', 'dist/test'];
const only = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const files = [];
function walk(dir) {
  let entries;
  try {
    entries = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of entries.sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p);
    else if (name.endsWith('.test.js') && (only.length === 0 || only.some((o) => p.includes(o)))) files.push(p);
  }
}
roots.forEach(walk);
if (files.length === 0) {
  console.error('no test files found under dist/: did the build run?');
  process.exit(1);
}
// The served log is on by default: servers a test starts without a data folder of its own write their
// impressions here, not into the repository's ./data (and not into one file shared with other runs).
const dataDir = mkdtempSync(join(tmpdir(), 'recscore-tests-data-'));
// Concurrency 2 matches the machine's two cores; each file has its own timeouts.
const res = spawnSync(process.execPath, ['--test', '--test-concurrency=2', '--test-timeout=180000', ...files], {
  stdio: 'inherit',
  env: { RECSCORE_DATA_DIR: dataDir, ...process.env },
});
rmSync(dataDir, { recursive: true, force: true });
process.exit(res.status ?? 1);
