// Issue 34's zoom end to end: three zooms into the divergence boundary of a sweep (SGD's
// learning rate x momentum on Rosenbrock), the third below what float32 resolves, so that
// the page asks for double precision by itself and says so; the breadcrumb goes back
// without asking the server; the share URL opens the same window. At 1280 px with the mouse
// (a rectangle, the wheel, a rectangle) in English, at 390 px by touch ("Zoom box", one
// finger; without it a finger scrolls the page) in Korean. Debian's chromium, headless,
// driven by playwright-core, against a `clopt serve` on a free loopback port. Screenshots in
// ARTIFACT_DIR.
//   node tests/e2e/zoom.test.mjs CLOPT_BINARY ARTIFACT_DIR
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';

import { magnificationText } from '../../web/js/explorewindow.js';
import { TEXT } from '../../web/js/i18n.js';
import { computed, crumbs, drag, finger, pixels, session, watchExplorations } from './harness.mjs';

const [binary, artifacts] = process.argv.slice(2);
const PHONE = { viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true };
const LAPTOP = { viewport: { width: 1280, height: 800 } };
const SWEEP = '#explore=sweep&function=rosenbrock&opt=sgd(lr=0.001)&start=-1.5,2&steps=300'
  + '&vary=lr:0.00001:0.01:128:log&vary=momentum:0:0.99:128';
const s = session(binary, artifacts);
const { problems } = s; // console errors and page errors, from every page

/** A page on `hash`; its POSTs to /api/v1/explorations are listed in page.posts (their bodies). */
const open = (hash, screen) => s.open(hash, screen, watchExplorations);

const { shot } = s;

/**
 * A point of the divergence boundary on the map as a person sees it: the shared edge of a
 * black (diverged) cell and a coloured one beside it, the nearest to the map's centre; in
 * page pixels, with a cell's width and height, and how many cells are black.
 */
function boundary(page) {
  return page.evaluate(() => {
    const c = document.querySelector('#explore-maps canvas');
    c.scrollIntoView({ block: 'center' });
    const { width: nx, height: ny } = c;
    const d = c.getContext('2d').getImageData(0, 0, nx, ny).data;
    const black = (i, r) => d[4 * (r * nx + i)] + d[4 * (r * nx + i) + 1] + d[4 * (r * nx + i) + 2] === 0;
    let best = null;
    let diverged = 0;
    for (let r = 0; r < ny; r++) {
      for (let i = 0; i < nx; i++) {
        if (black(i, r)) diverged += 1;
        if (i + 1 < nx && black(i, r) !== black(i + 1, r)) {
          const far = Math.hypot((i + 1) / nx - 0.5, (r + 0.5) / ny - 0.5);
          if (!best || far < best.far) best = { u: (i + 1) / nx, v: (r + 0.5) / ny, far };
        }
      }
    }
    const box = c.getBoundingClientRect();
    return best && { x: box.left + best.u * box.width, y: box.top + best.v * box.height, cw: box.width / nx,
      ch: box.height / ny, diverged, cells: nx * ny };
  });
}

/** The sentence of key `key` in `lang` up to its first value: what a person reads first. */
const opening = (lang, key) => TEXT[lang][key].split('{')[0];

/**
 * Zoom k (1 .. 3) on the page: a rectangle (mouse or finger) or, on the laptop's second, the
 * wheel. A rectangle asks for its window at once, on the first try. (Before explore.js's
 * resize() drew only on a change of width, the full-page screenshot after each zoom resized
 * the window and the maps were drawn anew 200 ms later: a rectangle begun before that lost
 * its canvas, and the finger's second and third, and once the mouse's third, asked for
 * nothing until tried again.)
 */
async function zoom(page, k, touch) {
  const b = await boundary(page);
  assert.ok(b, `zoom ${k}: the window shows the boundary`);
  const posts = page.posts.length;
  // a finger's rectangle 4 cells a side (a phone's cells are 2 px), the mouse's 2
  if (touch) {
    await page.$eval('#explore-maps canvas', (c) => {
      window.pointerLog = [];
      for (const t of ['pointerdown', 'pointermove', 'pointerup', 'pointercancel', 'click']) {
        c.addEventListener(t, (e) => window.pointerLog.push(`${t} ${e.pointerType} ${e.clientX},${e.clientY}`), true);
      }
    });
    await finger(page, [b.x - 2 * b.cw, b.y - 2 * b.ch], [b.x + 2 * b.cw, b.y + 2 * b.ch]);
  } else if (k === 2) {
    await page.mouse.move(b.x, b.y);
    await page.mouse.wheel(0, -600); // 2^6: 64 times, about the pointer
  } else await drag(page, [b.x - b.cw, b.y - b.ch], [b.x + b.cw, b.y + b.ch]);
  // the wheel's turn is asked for once the wheel rests (350 ms)
  for (let i = 0; i < 50 && page.posts.length === posts; i++) await page.waitForTimeout(100);
  const log = touch ? ` (${await page.evaluate(() => window.pointerLog.join('; '))})` : '';
  assert.equal(page.posts.length, posts + 1, `zoom ${k}: the ${touch ? 'finger' : 'mouse'} asked for its window${log}`);
}

for (const [screen, lang] of [[LAPTOP, 'en'], [PHONE, 'ko']]) {
  const touch = !!screen.hasTouch;
  const name = `zoom-${screen.viewport.width}-${lang}`;
  test(`three zooms into a sweep's boundary, the third in double; breadcrumb and share URL (${lang}, ${touch ? 'touch' : 'mouse'})`, async () => {
    const page = await open(`${SWEEP}&lang=${lang}`, screen);
    await page.waitForFunction(() => document.body.dataset.explorePass === '1', null, { timeout: 180000 });
    const hashes = [await page.evaluate(() => location.hash)];
    if (touch) { // one finger scrolls the page, as everywhere on it; "Zoom box" gives the finger to the map
      const box = await page.$eval('#explore-maps canvas', (c) => {
        c.scrollIntoView({ block: 'start' });
        return c.getBoundingClientRect().toJSON();
      });
      const y = await page.evaluate(() => window.scrollY);
      assert.ok(y > 200, `the map is ${y} px down the page`);
      await finger(page, [box.x + box.width / 2, box.y + 20], [box.x + box.width / 2, box.y + 220]);
      await page.waitForFunction((y0) => window.scrollY < y0 - 50, y, { timeout: 5000 }); // a swipe over the map scrolled the page
      await page.waitForFunction(() => new Promise((done) => { // its fling ends before the map is measured again
        const at = window.scrollY;
        setTimeout(() => done(window.scrollY === at), 400);
      }), null, { timeout: 10000 });
      assert.equal(page.posts.length, 1, 'and asked for no window');
      assert.equal(await page.textContent('#explore-zoom-touch'), TEXT[lang].exploreZoomBox);
      await page.click('#explore-zoom-touch');
    }
    for (const k of [1, 2, 3]) {
      await zoom(page, k, touch);
      try {
        hashes.push(await computed(page, hashes[k - 1]));
      } catch (e) {
        await shot(page, `${name}-failed-${k}`);
        console.log(k, await page.evaluate(() => (window.pointerLog || []).join('; ')));
        throw new Error(`zoom ${k}: ${e.message}`);
      }
      await shot(page, `${name}-${k}`);
    }
    // the picture of docs/page.md (web/doc/zoom.png): the view from the breadcrumb to the legend
    await page.locator('#explore').screenshot({ path: path.join(artifacts, `${name}-view.png`) });
    // the requests: the first three in float (the default, not named), the third zoom in double
    assert.deepEqual(page.posts.map((p) => p.precision || 'float'), ['float', 'float', 'float', 'double']);
    const [lr, momentum] = page.posts[3].vary;
    assert.ok(lr.lo > 1e-5 && lr.hi < 0.01 && momentum.lo > 0 && momentum.hi < 0.99, JSON.stringify(page.posts[3].vary));
    assert.ok((momentum.hi - momentum.lo) / 127 < 2 ** -20 * momentum.hi, 'below float32\'s resolution');
    // what the page says: the double line, the breadcrumb of four windows, the boundary still there
    assert.equal(await page.evaluate(() => document.body.dataset.explorePrecision), 'double');
    const line = await page.textContent('#explore-precision');
    assert.ok(line.startsWith(opening(lang, 'exploreDouble')), line);
    assert.ok(await page.isVisible('#explore-precision'));
    const trail = await crumbs(page);
    assert.deepEqual(trail.map((c) => c.current), [false, false, false, true]);
    assert.equal(trail[0].text, TEXT[lang].exploreZoomWhole);
    const mags = trail.slice(1).map((c) => Number(c.text.replace(/^×/, '').replace(/,/g, '')));
    assert.ok(mags[0] > 10 && mags[1] > mags[0] * 10 && mags[2] > mags[1] * 10, trail.map((c) => c.text).join(' '));
    const deep = await boundary(page);
    assert.ok(deep && deep.diverged > 0 && deep.diverged < deep.cells, 'the third window still holds the boundary');
    const deepPixels = await pixels(page);

    // back to the first zoom: drawn at once from the page's cache, the server not asked
    const back = await page.evaluate(() => {
      document.querySelector('#explore-trail button[data-crumb="1"]').click();
      return { from: document.body.dataset.exploreFrom, pass: document.body.dataset.explorePass, hash: location.hash,
        line: document.getElementById('explore-precision').textContent };
    });
    assert.deepEqual(back, { from: 'cache', pass: '1', hash: hashes[1], line: '' });
    assert.equal(page.posts.length, 4);
    assert.deepEqual((await crumbs(page)).map((c) => c.current), [false, true, false, false]);
    await shot(page, `${name}-back`);
    // and forward to the third again, as instantly
    await page.click('#explore-trail button[data-crumb="3"]');
    assert.equal(await page.evaluate(() => `${document.body.dataset.exploreFrom} ${location.hash}`), `cache ${hashes[3]}`);
    assert.equal(await pixels(page), deepPixels);
    assert.equal(page.posts.length, 4);

    // the share URL: another page opens the same window, in double, and draws the same cells
    const again = await open(hashes[3], screen);
    await again.waitForFunction(() => document.body.dataset.explorePass === '1', null, { timeout: 180000 });
    assert.equal(await again.evaluate(() => location.hash), hashes[3]);
    assert.deepEqual(again.posts[0].vary, page.posts[3].vary, 'digit for digit');
    assert.equal(again.posts[0].precision, 'double');
    assert.ok((await again.textContent('#explore-precision')).startsWith(opening(lang, 'exploreDouble')));
    assert.equal(await pixels(again), deepPixels);
    await shot(again, `${name}-shared`);
    await again.close();
    await page.close();
  });
}

test('a basin map zooms too: the rectangle keeps the map\'s shape, - zooms out, never past the first window', async () => {
  const page = await open('#explore=basins&function=himmelblau&opt=adam(lr=0.05)&steps=200&view=-5,5,-5,5&grid=64', LAPTOP);
  await page.waitForFunction(() => document.body.dataset.explorePass === '1', null, { timeout: 180000 });
  const first = await page.evaluate(() => location.hash);
  const box = await page.$eval('#explore-maps canvas', (c) => c.getBoundingClientRect().toJSON());
  // a wide, flat rectangle over the upper right quarter
  await drag(page, [box.x + box.width * 0.55, box.y + box.height * 0.1], [box.x + box.width * 0.95, box.y + box.height * 0.3]);
  const zoomed = await computed(page, first);
  const [x0, x1, y0, y1] = /view=([^&]+)/.exec(zoomed)[1].split(',').map(Number);
  assert.ok(Math.abs((x1 - x0) - (y1 - y0)) < 1e-9 * (x1 - x0), `a square view, as the first: ${[x0, x1, y0, y1]}`);
  assert.ok(x0 > 0 && x1 <= 5 && y0 > 0 && y1 <= 5, `inside the first window: ${[x0, x1, y0, y1]}`);
  assert.ok(x1 - x0 < 5, 'zoomed in');
  assert.equal(page.posts.at(-1).precision, undefined, 'float resolves it');
  assert.equal((await crumbs(page)).length, 2);
  await shot(page, 'zoom-basins-1280-en');
  // - with the map focused: twice as wide, then at most the first window
  await page.focus('#explore-maps canvas');
  await page.keyboard.press('-');
  const out = await computed(page, zoomed);
  const [a0, a1] = /view=([^&]+)/.exec(out)[1].split(',').map(Number);
  assert.ok(Math.abs((a1 - a0) - 2 * (x1 - x0)) < 1e-9, `${a1 - a0} wide`);
  // twice as wide again would leave the first window: it stops there, drawn from the cache
  await page.focus('#explore-maps canvas');
  await page.keyboard.press('-');
  await page.waitForFunction((h) => location.hash === h && document.body.dataset.exploreFrom === 'cache', first, { timeout: 60000 });
  assert.equal(page.posts.length, 3);
  // the breadcrumb: the first window, the rectangle's, twice as wide, the first again
  const times = (width) => `×${magnificationText(10 / width)}`;
  assert.deepEqual(await crumbs(page), [{ text: 'whole window', current: false }, { text: times(x1 - x0), current: false },
    { text: times(2 * (x1 - x0)), current: false }, { text: '×1', current: true }]);
  await page.close();
});

test('a rectangle held while the window changes height (a full-page screenshot, a phone\'s address bar) still zooms', async () => {
  const page = await open('#explore=basins&function=himmelblau&opt=adam(lr=0.05)&steps=200&view=-5,5,-5,5&grid=64', LAPTOP);
  await page.waitForFunction(() => document.body.dataset.explorePass === '1', null, { timeout: 180000 });
  const first = await page.evaluate(() => location.hash);
  const box = await page.$eval('#explore-maps canvas', (c) => c.getBoundingClientRect().toJSON());
  await page.mouse.move(box.x + box.width * 0.3, box.y + box.height * 0.3);
  await page.mouse.down();
  // the page's resize handler runs 200 ms after the last resize, with the mouse still down
  await page.setViewportSize({ width: LAPTOP.viewport.width, height: LAPTOP.viewport.height - 100 });
  await page.waitForTimeout(500);
  await page.mouse.move(box.x + box.width * 0.6, box.y + box.height * 0.6, { steps: 6 });
  await page.mouse.up();
  for (let i = 0; i < 50 && page.posts.length === 1; i++) await page.waitForTimeout(100);
  assert.equal(page.posts.length, 2, 'the rectangle asked for its window');
  await computed(page, first);
  await page.close();
});

test('no console or page errors', () => {
  assert.deepEqual(problems, []);
});
