// Issue 34's trainability maps end to end: a small map of Sohl-Dickstein (2024)'s network
// (grid 64, 50 steps), its coarse pass and then its full one drawn in both hues, the
// boundary's dimension as the CLI measures it, three rectangles into the boundary, the
// breadcrumb back and forth from the page's cache, the share URL opening the same window, a
// cell's numbers kept below the map. At 1280 px with the mouse in English, in double as the
// form chose it (deep in the boundary float32's rounding during training decides many cells:
// docs/page.md), at 390 px by touch ("Zoom box", one finger) in Korean, in float; and a link
// deep enough for double by itself.
// Debian's chromium, headless, driven by playwright-core, against a `clopt serve` on a free
// loopback port. Screenshots in ARTIFACT_DIR.
//   node tests/e2e/trainability.test.mjs CLOPT_BINARY ARTIFACT_DIR
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { test } from 'node:test';

import { TEXT } from '../../web/js/i18n.js';
import { computed, crumbs, drag, finger, pixels, session, watchExplorations } from './harness.mjs';

const [binary, artifacts] = process.argv.slice(2);
const PHONE = { viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true };
const LAPTOP = { viewport: { width: 1280, height: 800 } };
const MAP = '#explore=trainability&width=8&activation=tanh&steps=50&grid=64&window=-2,3,-2,3&seed=0';
const s = session(binary, artifacts);
const { problems } = s; // console errors and page errors, from every page

/**
 * A page on `hash`; its POSTs to /api/v1/explorations are listed in page.posts (their
 * bodies), and each pass drawn in page's window.drawn: {pass, nx, ny, blue, orange} counted
 * from the canvas as the pass is marked drawn (the coarse one is replaced soon after).
 */
const open = (hash, screen) => s.open(hash, screen, async (page) => {
  watchExplorations(page);
  await page.addInitScript(() => {
    window.drawn = [];
    const count = () => {
      const c = document.querySelector('#explore-maps canvas');
      const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      let blue = 0;
      let orange = 0;
      for (let k = 0; k < d.length; k += 4) {
        if (d[k + 2] > d[k] + 30) blue += 1;
        else if (d[k] > d[k + 2] + 30) orange += 1;
      }
      window.drawn.push({ pass: document.body.dataset.explorePass, nx: c.width, ny: c.height, blue, orange });
    };
    document.addEventListener('DOMContentLoaded', () => new MutationObserver(() => {
      if (document.body.dataset.explorePass !== undefined) count();
    }).observe(document.body, { attributes: true, attributeFilter: ['data-explore-pass'] }));
  });
});

const { shot } = s;

/** The edge of a blue (converged) and an orange (diverged) cell nearest the map's centre, in page pixels, with a cell's size. */
function boundary(page) {
  return page.evaluate(() => {
    const c = document.querySelector('#explore-maps canvas');
    c.scrollIntoView({ block: 'center' });
    const { width: nx, height: ny } = c;
    const d = c.getContext('2d').getImageData(0, 0, nx, ny).data;
    const blue = (i, r) => d[4 * (r * nx + i) + 2] > d[4 * (r * nx + i)];
    let best = null;
    for (let r = 0; r < ny; r++) {
      for (let i = 0; i + 1 < nx; i++) {
        if (blue(i, r) === blue(i + 1, r)) continue;
        const far = Math.hypot((i + 1) / nx - 0.5, (r + 0.5) / ny - 0.5);
        if (!best || far < best.far) best = { u: (i + 1) / nx, v: (r + 0.5) / ny, far };
      }
    }
    const box = c.getBoundingClientRect();
    return best && { x: box.left + best.u * box.width, y: box.top + best.v * box.height, cw: box.width / nx, ch: box.height / ny };
  });
}

/** A rectangle `half` cells either side of the boundary's point, by mouse or finger; it asks for one window. */
async function zoom(page, k, touch) {
  const b = await boundary(page);
  assert.ok(b, `zoom ${k}: the window shows the boundary`);
  const posts = page.posts.length;
  const half = touch ? 2 : 1;
  const from = [b.x - half * b.cw, b.y - half * b.ch];
  const to = [b.x + half * b.cw, b.y + half * b.ch];
  if (touch) await finger(page, from, to);
  else await drag(page, from, to);
  for (let i = 0; i < 50 && page.posts.length === posts; i++) await page.waitForTimeout(100);
  assert.equal(page.posts.length, posts + 1, `zoom ${k}: the rectangle asked for its window`);
}

/** The sentence of key `key` in `lang` up to its first value: what a person reads first. */
const opening = (lang, key) => TEXT[lang][key].split('{')[0];

/** What `clopt explore trainability` says of the same map (the server computes it with the same library). */
function cli(grid, steps, window, precision) {
  const out = execFileSync(binary, ['explore', 'trainability', '--json', '--grid', String(grid), '--steps', String(steps),
    `--window=${window.join(',')}`, '--precision', precision], { maxBuffer: 1 << 26 });
  return JSON.parse(out.toString());
}

for (const [screen, lang, precision] of [[LAPTOP, 'en', 'double'], [PHONE, 'ko', 'float']]) {
  const touch = !!screen.hasTouch;
  const name = `trainability-${screen.viewport.width}-${lang}`;
  const chosen = precision === 'double' ? '&precision=double' : '';
  test(`a trainability map: both passes, the dimension, three zooms, breadcrumb and share URL (${lang}, ${touch ? 'touch' : 'mouse'})`, async () => {
    const page = await open(`${MAP}${chosen}&lang=${lang}`, screen);
    await page.waitForFunction(() => document.body.dataset.explorePass === '1', null, { timeout: 180000 });
    const hashes = [await page.evaluate(() => location.hash)];
    assert.equal(await page.getAttribute('[data-explore-kind="trainability"]', 'aria-pressed'), 'true');
    assert.equal(await page.textContent('#explore-intro'), TEXT[lang].exploreIntroTrain);
    assert.deepEqual(page.posts, [{ kind: 'trainability', width: 8, activation: 'tanh', steps: 50, grid: 64, window: [-2, 3, -2, 3], seed: 0,
      ...(chosen ? { precision: 'double' } : {}) }]);
    assert.equal(await page.inputValue('#explore-precision-choice'), precision);
    // the coarse pass (8 x 8: 64 / 8), then the full grid, each with converged and diverged cells
    const drawn = await page.evaluate(() => window.drawn);
    assert.deepEqual(drawn.map((d) => [d.pass, d.nx, d.ny]), [['0', 8, 8], ['1', 64, 64]]);
    for (const d of drawn) assert.ok(d.blue > 0 && d.orange > 0 && d.blue + d.orange === d.nx * d.ny, JSON.stringify(d));
    // the default window trains most of its cells (docs/trainability.md: 73% at 256^2, 100 steps)
    assert.ok(drawn[1].blue > drawn[1].orange, JSON.stringify(drawn[1]));
    // the dimension, as the CLI measures the same map
    const line = await page.textContent('#explore-dimension');
    const { dimension } = cli(64, 50, [-2, 3, -2, 3], precision);
    assert.ok(line.startsWith(opening(lang, 'exploreDimension')), line);
    assert.ok(line.includes(dimension.toFixed(4)), `${line} (the CLI: ${dimension})`);
    assert.deepEqual(await page.$$eval('#explore-legend .explore-key', (ks) => ks.map((k) => k.textContent)),
      [TEXT[lang].exploreTrainTrainedKey, TEXT[lang].exploreTrainDivergedKey, TEXT[lang].exploreTrainShade]);
    await shot(page, `${name}-0`);

    if (touch) await page.click('#explore-zoom-touch'); // one finger draws a rectangle
    for (const k of [1, 2, 3]) {
      await zoom(page, k, touch);
      try {
        hashes.push(await computed(page, hashes[k - 1]));
      } catch (e) {
        await shot(page, `${name}-failed-${k}`);
        throw new Error(`zoom ${k}: ${e.message}`);
      }
      const [x0, x1, y0, y1] = page.posts[k].window;
      const [p0, p1, q0, q1] = page.posts[k - 1].window;
      assert.ok(p0 <= x0 && x1 <= p1 && q0 <= y0 && y1 <= q1 && x1 - x0 < (p1 - p0) / 4, `zoom ${k}: ${page.posts[k].window}`);
      assert.ok(Math.abs((x1 - x0) - (y1 - y0)) < 1e-9 * (x1 - x0), 'square in decades, as the first window');
      const last = (await page.evaluate(() => window.drawn)).at(-1);
      assert.ok(last.blue > 0 && last.orange > 0, `zoom ${k} holds the boundary: ${JSON.stringify(last)}`);
      await shot(page, `${name}-${k}`);
    }
    // float resolves these windows' rates: double only where the form chose it, and said so
    assert.deepEqual(page.posts.map((p) => p.precision || 'float'), Array(4).fill(precision));
    assert.equal(await page.textContent('#explore-precision'), TEXT[lang][chosen ? 'exploreDoubleChosen' : 'exploreFloatTrain']);
    const trail = await crumbs(page);
    assert.deepEqual(trail.map((c) => c.current), [false, false, false, true]);
    assert.equal(trail[0].text, TEXT[lang].exploreZoomWhole);
    const mags = trail.slice(1).map((c) => Number(c.text.replace(/^×/, '').replace(/,/g, '')));
    assert.ok(mags[0] > 4 && mags[1] > mags[0] * 4 && mags[2] > mags[1] * 4, trail.map((c) => c.text).join(' '));
    assert.ok((await page.textContent('#explore-dimension')).startsWith(opening(lang, 'exploreDimension')));
    await page.locator('#explore').screenshot({ path: path.join(artifacts, `${name}-view.png`) });
    const deepPixels = await pixels(page);

    // back to the first zoom: at once from the page's cache, the server not asked
    const back = await page.evaluate(() => {
      document.querySelector('#explore-trail button[data-crumb="1"]').click();
      return { from: document.body.dataset.exploreFrom, pass: document.body.dataset.explorePass, hash: location.hash };
    });
    assert.deepEqual(back, { from: 'cache', pass: '1', hash: hashes[1] });
    assert.deepEqual((await crumbs(page)).map((c) => c.current), [false, true, false, false]);
    await shot(page, `${name}-back`);
    await page.click('#explore-trail button[data-crumb="3"]');
    assert.equal(await page.evaluate(() => `${document.body.dataset.exploreFrom} ${location.hash}`), `cache ${hashes[3]}`);
    assert.equal(await pixels(page), deepPixels);
    assert.equal(page.posts.length, 4);

    // a cell's numbers kept below the map: a click (a tap shows them, a second tap keeps them)
    if (touch) await page.click('#explore-zoom-touch'); // a finger taps again
    const c = await page.$eval('#explore-maps canvas', (el) => {
      el.scrollIntoView({ block: 'center' });
      return el.getBoundingClientRect().toJSON();
    });
    const at = { x: c.x + c.width / 2, y: c.y + c.height / 2 };
    if (touch) {
      await page.touchscreen.tap(at.x, at.y);
      await page.touchscreen.tap(at.x, at.y);
    } else await page.mouse.click(at.x, at.y);
    const kept = await page.textContent('#explore-cell');
    assert.ok(kept.startsWith(TEXT[lang].exploreTrainRate.replace('{layer}', '1').split('{')[0]), kept);
    assert.match(kept, /10\^-?\d\.\d+ = .*10\^-?\d\.\d+ = /);
    assert.equal(page.posts.length, 4, 'a click computes nothing');
    await shot(page, `${name}-cell`);

    // the share URL: another page opens the same window and draws the same cells
    const again = await open(hashes[3], screen);
    await again.waitForFunction(() => document.body.dataset.explorePass === '1', null, { timeout: 180000 });
    assert.equal(await again.evaluate(() => location.hash), hashes[3]);
    assert.deepEqual(again.posts[0], page.posts[3], 'digit for digit');
    assert.equal(await pixels(again), deepPixels);
    await shot(again, `${name}-shared`);
    await again.close();
    // the other language words the map, the dimension and the kept cell again
    const other = lang === 'en' ? 'ko' : 'en';
    await page.click('#lang');
    assert.ok((await page.textContent('#explore-cell')).startsWith(TEXT[other].exploreTrainRate.replace('{layer}', '1').split('{')[0]));
    assert.ok((await page.textContent('#explore-dimension')).startsWith(opening(other, 'exploreDimension')));
    assert.equal(await page.textContent('#explore-maps figcaption'), TEXT[other].exploreTrainCaption
      .replace('{width}', '8').replace('{activation}', 'tanh').replace('{steps}', '50'));
    await page.close();
  });
}

test('a link deeper than float resolves is computed in double, and the page says why', async () => {
  // 64 cells 1e-5 decades wide: 1.6e-7 decades apart, under log10(1 + 2^-20) = 4.1e-7. About
  // rates of 1 (exponents about 0): a rule on the exponents' own size would never switch.
  // Every cell there trains (slowly): no boundary, no dimension.
  const deep = '#explore=trainability&width=8&activation=tanh&steps=50&grid=64&window=0,0.00001,0,0.00001&seed=0';
  const page = await open(deep, LAPTOP);
  // the double program's first build: minutes on a loaded 2-core machine
  await page.waitForFunction(() => document.body.dataset.explorePass === '1', null, { timeout: 300000 });
  assert.equal(page.posts[0].precision, 'double');
  assert.equal(await page.evaluate(() => document.body.dataset.explorePrecision), 'double');
  const line = await page.textContent('#explore-precision');
  assert.ok(line.startsWith(opening('en', 'exploreDoubleRates')), line);
  assert.ok(line.includes('1.6e-7'), line);
  assert.equal(await page.textContent('#explore-dimension'), TEXT.en.exploreDimensionNone.replace('{nx}', '64').replace('{ny}', '64'));
  await shot(page, 'trainability-double-1280-en');
  await page.close();
});

test('no console or page errors', () => {
  assert.deepEqual(problems, []);
});
