/**
 * A headless Chromium for the browser tests: Debian's `chromium` package (playwright-core drives it; it
 * downloads no browser of its own). When the binary is missing, the set-up installs the package with
 * apt-get (as root, as on CI and the developers' machines); `undefined` with the reason when that is not
 * possible, so the test can skip saying why.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser'];

export function findChromium(): { path: string } | { path: undefined; reason: string } {
  const found = () => CANDIDATES.find((p) => existsSync(p));
  let path = found();
  if (path) return { path };
  if (process.getuid?.() !== 0) return { path: undefined, reason: 'no chromium, and not root to apt-get install it' };
  if (spawnSync('apt-get', ['--version']).status !== 0)
    return { path: undefined, reason: 'no chromium and no apt-get' };
  try {
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    execFileSync('apt-get', ['update', '-qq'], { env, stdio: 'ignore', timeout: 300_000 });
    execFileSync('apt-get', ['install', '-y', '-qq', 'chromium'], { env, stdio: 'ignore', timeout: 600_000 });
  } catch (e) {
    return { path: undefined, reason: `apt-get install chromium failed: ${(e as Error).message.split('\n')[0]}` };
  }
  path = found();
  return path ? { path } : { path: undefined, reason: 'apt-get installed chromium but no binary was found' };
}
