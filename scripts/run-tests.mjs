// Runs every compiled test file under dist/ with Node's own test runner.
// Node 20's --test takes no globs, so the file list is collected here.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const roots = ['dist/src', 'dist/test'];
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
// Concurrency 2 matches the machine's two cores; each file has its own timeouts.
const res = spawnSync(process.execPath, ['--test', '--test-concurrency=2', '--test-timeout=180000', ...files], {
  stdio: 'inherit',
});
process.exit(res.status ?? 1);
