/**
 * The status page in a real browser (issue 16): headless Chromium (test/helpers/chromium.ts) driven by
 * playwright-core loads `/` from a running server under load, and checks that
 * - the page runs under its Content-Security-Policy without a single violation or script error;
 * - the four plots draw data points (their canvases hold drawn pixels, and the series has ≥ 3 samples);
 * - a breaker that opens shows as open on the page within two seconds (the page polls every second);
 * and saves a screenshot to test/artifacts/status-page.png (git-ignored; docs/status-page.png is one).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { request } from 'undici';
import { RecscoreError } from '../../src/errors.js';
import { findChromium } from '../helpers/chromium.js';
import { type FakeProfileStore, syntheticBackend } from '../helpers/fake-backend.js';
import { startApp } from '../server/start.js';

// Page-side functions run in the browser (Playwright passes them over the DevTools protocol, which the page's
// CSP does not govern); the project compiles without the DOM library, hence this local declaration.
declare const document: any;

const ARTIFACTS = fileURLToPath(new URL('../../../test/artifacts/', import.meta.url));
const browserPath = findChromium();

describe('status page in Chromium', {
  timeout: 120_000,
  skip: 'reason' in browserPath ? browserPath.reason : false,
}, () => {
  let s: Awaited<ReturnType<typeof startApp>>;
  let b: ReturnType<typeof syntheticBackend>;
  let browser: Browser;
  let page: Page;
  let loading = true;
  const problems: string[] = [];
  const loops: Promise<void>[] = [];

  before(async () => {
    b = syntheticBackend();
    s = await startApp({
      scorer: b.scorer,
      facts: () => b.facts,
      profiles: b.profiles,
      config: { breakerFailures: 2, breakerHalfOpenAfterMs: 60_000, accessLogPerSecond: 0 },
    });
    s.app.status.provide('models', () => [
      {
        kind: 'taar',
        version: b.facts.version,
        loaded_at: new Date().toISOString(),
        bytes: 1_310_720,
        items: 1900,
        last_error: null,
      },
    ]);
    // Load: four request loops over known and unknown clients, until the test ends.
    const ids = [b.known.client_id, 'unknown-client-1', b.known.client_id, 'unknown-client-2'];
    for (const id of ids) {
      loops.push(
        (async () => {
          while (loading) {
            const r = await request(`${s.url}/v1/api/recommendations/${id}/`);
            await r.body.dump();
          }
        })(),
      );
    }
    browser = await chromium.launch({ executablePath: browserPath.path!, args: ['--no-sandbox'] });
    page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    page.on('console', (m) => {
      if (m.type() === 'error' && !/favicon/.test(m.text())) problems.push(m.text());
    });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  });

  after(async () => {
    loading = false;
    await Promise.allSettled(loops);
    await browser?.close();
    s.app.status.series.stop();
    await s?.close();
  });

  it('draws the four plots with data points, without CSP violations', async () => {
    await page.goto(`${s.url}/`);
    await page.waitForFunction(
      () =>
        ['plot-rate', 'plot-latency', 'plot-served', 'plot-reason'].every(
          (id) => Number(document.getElementById(id)?.dataset.points ?? 0) >= 3,
        ),
      undefined,
      { timeout: 20_000 },
    );
    // Series strokes are coloured; grid, axes and text are grey (r = g = b).
    const drawn: number[] = await page.evaluate(() =>
      ['plot-rate', 'plot-latency', 'plot-served'].map((id) => {
        const canvas = document.querySelector(`#${id} canvas`);
        const px = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
        let coloured = 0;
        for (let i = 0; i < px.length; i += 4)
          if (px[i + 3] > 0 && (px[i] !== px[i + 1] || px[i + 1] !== px[i + 2])) coloured++;
        return coloured;
      }),
    );
    for (const n of drawn) assert.ok(n > 50, `a plot has ${n} coloured pixels`);
    const rate = (await page.textContent('#plot-rate .u-legend')) ?? '';
    assert.match(rate, /requests/);
    assert.deepEqual(problems, [], 'no console errors (CSP violations are console errors)');
  });

  it('shows a breaker opening within two seconds', async () => {
    const cell = 'tr[data-breaker="profile"]';
    assert.equal(await page.getAttribute(cell, 'data-state'), 'closed');
    (b.profiles as FakeProfileStore).failWith = new RecscoreError('RECSCORE_PROFILE_STORE', 'down (test)');
    const opened = await new Promise<number>((resolve) => {
      const check = () =>
        s.app.guards.profileBreaker.state === 'open' ? resolve(performance.now()) : setTimeout(check, 5);
      check();
    });
    await page.waitForSelector(`${cell}[data-state="open"]`, { timeout: 5_000 });
    const shownAfterMs = performance.now() - opened;
    assert.ok(shownAfterMs <= 2_000, `shown ${Math.round(shownAfterMs)} ms after the breaker opened`);
    assert.match((await page.textContent('#banner')) ?? '', /profile open/);
    // Let a few fallback seconds reach the plots for the screenshot.
    await page.waitForTimeout(3_000);
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: `${ARTIFACTS}status-page.png`, fullPage: true });
    assert.deepEqual(problems, []);
  });
});
