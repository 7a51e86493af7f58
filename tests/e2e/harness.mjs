// What every browser test shares: the server on a free loopback port, and the browser; and the
// explore view's helpers of the zoom tests (zoom, trainability): a computed window, a mouse
// rectangle, a finger, the breadcrumb, the map's pixels.
import { spawn } from 'node:child_process';

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
