// What every browser test shares: the server on a free loopback port and the browser (one
// session per test file), a page that reports its errors, screenshots, the run's state and the
// scrubber's end; and the explore view's helpers of the zoom tests (zoom, trainability): the
// POSTed explorations, a computed window, a mouse rectangle, a finger, the breadcrumb, the
// map's pixels.
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { after, before } from 'node:test';

import { chromium } from 'playwright-core';

/** `clopt serve --port 0`: resolves to {server, url} once the server prints its URL. */
export function startServer(binary) {
  return new Promise((resolve, reject) => {
    const server = spawn(binary, ['serve', '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
    server.stdout.once('data', (d) => resolve({ server, url: d.toString().trim() }));
    server.once('exit', (code) => reject(new Error(`clopt serve exited with ${code}`)));
  });
}

/** Headless Chromium: Debian's, or the one $CHROMIUM names. */
export function launchBrowser() {
  return chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: ['--no-sandbox'] });
}

/**
 * A test file's session: `clopt serve` (binary) and the browser, started before the file's
 * tests and stopped after them. Its open(hash, options, setup) opens a new page (`options`:
 * browser.newPage's, e.g. a viewport) on the server's `hash`, its console errors and page
 * errors pushed onto the session's `problems`, `setup(page)` run before it loads; its
 * shot(page, name) saves a screenshot in `artifacts`.
 */
export function session(binary, artifacts) {
  const s = { problems: [] };
  before(async () => {
    mkdirSync(artifacts, { recursive: true });
    ({ server: s.server, url: s.url } = await startServer(binary));
    s.browser = await launchBrowser();
  });
  after(async () => {
    await s.browser?.close();
    s.server?.kill('SIGTERM');
  });
  s.open = async (hash, options = {}, setup = null) => {
    const page = await s.browser.newPage(options);
    page.on('console', (m) => { if (m.type() === 'error') s.problems.push(`console: ${m.text()}`); });
    page.on('pageerror', (e) => s.problems.push(`page: ${e.message}`));
    if (setup) await setup(page);
    await page.goto(s.url + hash);
    return page;
  };
  s.shot = (page, name, fullPage = true) => page.screenshot({ path: path.join(artifacts, `${name}.png`), fullPage });
  return s;
}

/** Waits until the page's run state (body's data-state) is one of `wanted`, and returns it. */
export async function waitState(page, wanted, timeout = 60000) {
  await page.waitForFunction((w) => w.includes(document.body.dataset.state), wanted, { timeout });
  return page.evaluate(() => document.body.dataset.state);
}

/** Seeks to the last step: every trajectory is drawn whole. */
export async function seekEnd(page) {
  await page.evaluate(() => {
    const s = document.getElementById('scrub');
    s.value = s.max;
    s.dispatchEvent(new Event('input'));
  });
  await page.waitForFunction(() => {
    const s = document.getElementById('scrub');
    return document.getElementById('step-label').textContent.startsWith(`${s.max} /`);
  });
}

/** Lists the bodies of the page's POSTs to /api/v1/explorations in page.posts. */
export function watchExplorations(page) {
  page.posts = [];
  page.on('request', (r) => {
    if (r.method() === 'POST' && r.url().endsWith('/api/v1/explorations')) page.posts.push(JSON.parse(r.postData()));
  });
}

/** Waits until the full grid of a window the server computed is drawn (after the hash left `from`). */
export async function computed(page, from) {
  // the first window in double builds the double program: minutes on a loaded 2-core machine
  await page.waitForFunction((h) => location.hash !== h, from, { timeout: 180000 });
  await page.waitForFunction(() => document.body.dataset.explorePass === '1' && document.body.dataset.exploreFrom === 'server',
    null, { timeout: 180000 });
  return page.evaluate(() => location.hash);
}

/** A mouse rectangle from (x0, y0) to (x1, y1): down, six moves, up. */
export async function drag(page, [x0, y0], [x1, y1]) {
  await page.mouse.move(x0, y0);
  await page.mouse.down();
  await page.mouse.move(x1, y1, { steps: 6 });
  await page.mouse.up();
}

/** One finger from (x0, y0) to (x1, y1), as a touch screen sends it (one CDP session a page). */
export async function finger(page, [x0, y0], [x1, y1]) {
  page.cdp = page.cdp || await page.context().newCDPSession(page);
  const at = (s) => [{ x: Math.round(x0 + ((x1 - x0) * s) / 8), y: Math.round(y0 + ((y1 - y0) * s) / 8), id: 1 }];
  await page.cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: at(0) });
  for (let s = 1; s <= 8; s++) await page.cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: at(s) });
  await page.cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
  // chromium hands touch moves to the page at its next frame; a headless page that draws
  // nothing may not make one, so ask for two
  await page.evaluate(() => new Promise((done) => { requestAnimationFrame(() => requestAnimationFrame(done)); }));
}

/** The zoom breadcrumb: each button's text and whether it is the current window. */
export const crumbs = (page) => page.$$eval('#explore-trail button', (bs) => bs.map((b) => ({
  text: b.textContent, current: b.getAttribute('aria-current') === 'true' })));

/** The map's pixels as one string, to compare two drawings. */
export const pixels = (page) => page.$eval('#explore-maps canvas', (c) => Array.from(c.getContext('2d').getImageData(0, 0, c.width, c.height).data).join());
