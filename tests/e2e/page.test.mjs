// The page end to end: Debian's chromium, headless, driven by playwright-core, against a
// `clopt serve` on a free loopback port. Clicks and checks what a person would see.
//   node tests/e2e/page.test.mjs CLOPT_BINARY ARTIFACT_DIR
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

import { TEXT } from '../../web/js/i18n.js';
import { REFUSALS } from '../../web/js/refusals.js';
import { FIRST_RACE } from '../../web/js/presets.js';
import { readable } from '../../web/js/scales.js';
import { seekEnd, session, waitState } from './harness.mjs';

const [binary, artifacts] = process.argv.slice(2);
const s = session(binary, artifacts);
const { problems } = s; // console errors and page errors, from every page

// The two screens every item is tried on: a phone and a laptop.
const SCREENS = [{ width: 390, height: 844 }, { width: 1280, height: 800 }];
const LANGS = ['en', 'ko'];
const { shot } = s;

const open = (hash = '', viewport = { width: 1280, height: 800 }) => s.open(hash, { viewport });

/**
 * Clicks Run and waits for the run to end. The click handler sets "running" before it
 * returns, so a "done" seen afterwards belongs to this run.
 */
async function runAndWait(page, button = '#run') {
  await page.click(button);
  return waitState(page, ['done', 'error']);
}

const trajectoryPaths = (page) => page.$$eval('#landscape [data-trajectory]', (els) => els.map((e) => ({
  i: e.dataset.trajectory, optimizer: e.dataset.optimizer, d: e.getAttribute('d'),
})));
// The paths once every trajectory is drawn: a map may still be redrawing its paths after the
// step label reached the end (seen on a loaded CI machine: a new function's path without d).
async function drawnPaths(page) {
  await page.waitForFunction(() => [...document.querySelectorAll('#landscape [data-trajectory]')]
    .every((e) => e.getAttribute('d')));
  return trajectoryPaths(page);
}

// The optimizers of the catalogue, as the page learns them.
const catalogue = (page) => page.evaluate(() => fetch('/api/v1/optimizers').then((r) => r.json()));

test('the page loads, races every optimizer of the catalogue on Rosenbrock and draws them all', async () => {
  const page = await open();
  assert.notEqual(await waitState(page, ['ready', 'running', 'done']), 'error');
  assert.equal(await page.$eval('#function', (s) => s.value), 'rosenbrock');
  // What a visitor sees first: every optimizer with learning rates for Rosenbrock, racing.
  const infos = await catalogue(page);
  const n = infos.length;
  assert.equal(await waitState(page, ['done', 'error']), 'done');
  assert.match(await page.$eval('#preset-note', (e) => e.textContent), /rosenbrock/);
  await seekEnd(page);
  await s.shot(page, 'first-view', false);
  await page.click('#all-seven');
  assert.equal(await runAndWait(page), 'done');
  await seekEnd(page);
  const paths = await drawnPaths(page);
  assert.equal(paths.length, n);
  assert.deepEqual(paths.map((p) => p.optimizer), infos.map((o) => o.name));
  for (const p of paths) assert.match(p.d, /^M[\d.-]+,[\d.-]+(L[\d.-]+,[\d.-]+)+$/, p.optimizer);
  const losses = await page.$$eval('#loss path[data-loss]', (els) => els.map((e) => e.getAttribute('d')));
  assert.equal(losses.length, n);
  // With their defaults SGD (lr 0.01) and schedule-free SGD (lr 1) explode on Rosenbrock:
  // marked, and their curves end.
  const diverged = await page.$$eval('#landscape [data-diverged]', (els) => els.map((e) => +e.dataset.diverged));
  assert.deepEqual(diverged, ['SGD', 'SGDScheduleFree'].map((name) => infos.findIndex((o) => o.name === name)));
  losses.forEach((d, i) => {
    assert.match(d, /^M/, `loss curve ${i}`);
    if (!diverged.includes(i)) assert.ok(d.split('L').length > 100, `loss curve ${i} has its points`);
  });
  assert.equal(await page.$$eval('#legend button', (b) => b.length), n);
  assert.match(await page.$eval('#equations', (e) => e.textContent), /diverged at step \d+/);
  // Every optimizer but the diverged ones: its equations from the catalogue, with live numbers.
  for (let i = 1; i < n; i++) {
    if (diverged.includes(i)) continue;
    await page.click(`#legend button[data-legend="${i}"]`);
    await page.waitForFunction((name) => document.querySelector('#equations .who')?.textContent.startsWith(name),
      infos[i].name);
    const lines = await page.$$eval('#equations .eq', (els) => els.map((e) => e.textContent));
    assert.ok(lines.length >= infos[i].equations.filter((e) => !e.when).length + 3, infos[i].name);
    for (const line of lines) assert.doesNotMatch(line, /NaN|undefined|\{/, `${infos[i].name}: ${line}`);
    // the step Δ with its numbers (schedule-free rows: the new point y = ... between x and z)
    assert.ok(lines.some((l) => /^(Δ|y) = .* = \(/.test(l)), `${infos[i].name} shows its step`);
  }
  await page.click('#legend button[data-legend="4"]'); // Adam: its update with live numbers
  await page.waitForFunction(() => /Adam/.test(document.getElementById('equations').textContent));
  const eq = await page.$eval('#equations', (e) => e.textContent);
  assert.match(eq, /∇f/);
  assert.match(eq, /m ← 0\.9·m \+ 0\.1·g = \(/);
  await page.screenshot({ path: path.join(artifacts, 'defaults.png') });
  await page.close();
});

test('a click on the map moves the start, and the next run starts there', async () => {
  const page = await open();
  await waitState(page, ['done']);
  const box = await page.$eval('#landscape', (e) => {
    const r = e.getBoundingClientRect();
    return { x: r.x, y: r.y, w: r.width, h: r.height };
  });
  const before = await page.$eval('#starts', (e) => e.textContent);
  await page.mouse.click(box.x + box.w * 0.7, box.y + box.h * 0.75);
  assert.equal(await waitState(page, ['done', 'error']), 'done');
  assert.notEqual(await page.$eval('#starts', (e) => e.textContent), before);
  const start = await page.$eval('#landscape circle.start', (c) => [+c.getAttribute('cx'), +c.getAttribute('cy')]);
  for (const p of await drawnPaths(page)) {
    const [x, y] = /^M([\d.-]+),([\d.-]+)/.exec(p.d).slice(1).map(Number);
    assert.ok(Math.abs(x - start[0]) < 1 && Math.abs(y - start[1]) < 1, `${p.optimizer} starts at the click`);
  }
  await page.close();
});

test('a share URL reproduces the same run', async () => {
  const hash = '#function=rosenbrock&opt=adam(lr=0.01)&opt=sgd(lr=0.001,momentum=0.9)&start=-1.5,2&steps=300';
  const first = await open(hash);
  assert.equal(await waitState(first, ['done', 'error']), 'done');
  await seekEnd(first);
  const a = await drawnPaths(first);
  assert.deepEqual(a.map((p) => p.optimizer), ['Adam', 'SGD']);
  const shared = await first.evaluate(() => location.hash);
  const second = await open(shared);
  assert.equal(await waitState(second, ['done', 'error']), 'done');
  await seekEnd(second);
  assert.deepEqual(await drawnPaths(second), a);
  assert.equal(await second.$eval('#steps', (e) => e.value), '300');
  await first.close();
  await second.close();
});

test('your own function: an error is underlined at its column, the fix races and shares', async () => {
  const page = await open('#function=sphere&opt=adam(lr=0.05)&steps=200');
  assert.equal(await waitState(page, ['done', 'error']), 'done');
  await page.selectOption('#function', '__own__');
  await page.fill('#own-function', 'x^^2 + 10*y^2');
  await page.waitForFunction(() => document.body.dataset.ownError);
  assert.equal(await page.evaluate(() => document.body.dataset.ownError),
    "expected a number, x, y, a function or '(' at column 3");
  assert.equal(await page.$eval('#own-echo mark', (m) => [m.dataset.column, m.textContent].join()),
    '3,^');
  await page.screenshot({ path: `${artifacts}/own-function-error.png` });
  await page.fill('#own-function', 'x^2 + 10*y^2');
  await page.waitForFunction(() => !document.body.dataset.ownError
    && document.querySelectorAll('#formula sup').length === 2, null, { timeout: 60000 });
  assert.equal(await page.$eval('#formula', (e) => e.textContent), 'f(x, y) = x2 + 10 · y2');
  assert.equal(await waitState(page, ['done', 'error']), 'done');
  await seekEnd(page);
  const paths = await drawnPaths(page);
  assert.equal(paths.length, 1);
  const hash = await page.evaluate(() => location.hash);
  assert.match(decodeURIComponent(hash), /function=x\^2\+10\*y\^2/);
  await page.screenshot({ path: `${artifacts}/own-function.png` });
  const shared = await open(hash);
  assert.equal(await waitState(shared, ['done', 'error']), 'done');
  await seekEnd(shared);
  assert.deepEqual(await drawnPaths(shared), paths);
  assert.equal(await shared.$eval('#own-function', (e) => e.value), 'x^2+10*y^2');
  await page.close();
  await shared.close();
});

test('your own function in Korean: a refused expression is explained in Korean', async () => {
  const page = await open('#function=sphere&opt=adam(lr=0.05)&steps=50&lang=ko');
  assert.equal(await waitState(page, ['done', 'error']), 'done');
  await page.selectOption('#function', '__own__');
  const refusal = async (text, english) => {
    await page.fill('#own-function', text);
    await page.waitForFunction((e) => document.body.dataset.ownError === e, english);
    return page.$eval('#own-error', (e) => e.textContent);
  };
  const operand = "expected a number, x, y, a function or '(' at column 3";
  assert.equal(await refusal('x^^2', operand), "3번째 글자에는 숫자, x, y, 함수 또는 '('가 와야 합니다.");
  assert.equal(await page.$eval('#own-echo mark', (m) => m.dataset.column), '3');
  const misspelt = await refusal('sinn(x)', "unknown function 'sinn'; did you mean 'sin'?");
  assert.equal(misspelt, '"sinn" 함수는 없습니다. 혹시 sin을 쓰려고 하셨나요?');
  await page.screenshot({ path: path.join(artifacts, 'own-function-error-ko.png') });
  // the language switch words the shown error again: the server's sentence in English
  await page.click('#lang');
  assert.equal(await page.$eval('#own-error', (e) => e.textContent),
    "unknown function 'sinn'; did you mean 'sin'?");
  await page.click('#lang');
  assert.equal(await page.$eval('#own-error', (e) => e.textContent), misspelt);
  await page.close();
});

test('the Korean toggle changes the texts', async () => {
  const page = await open();
  await waitState(page, ['done']);
  const english = await page.$eval('#run', (e) => e.textContent);
  await page.click('#lang');
  assert.equal(await page.$eval('#run', (e) => e.textContent), '실행');
  assert.notEqual(english, '실행');
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'ko');
  assert.match(await page.$eval('#equations', (e) => e.textContent), /[가-힣]/);
  await page.screenshot({ path: path.join(artifacts, 'page-ko.png') });
  await page.click('#lang');
  assert.equal(await page.$eval('#run', (e) => e.textContent), 'Run');
  await page.close();
});

test('zoom recomputes the landscape; another function runs; exports download', async () => {
  const page = await open();
  await waitState(page, ['done']);
  const image = await page.$eval('#landscape image', (e) => e.getAttribute('href'));
  const box = await page.$eval('#landscape', (e) => {
    const r = e.getBoundingClientRect();
    return { x: r.x + r.width / 2, y: r.y + r.height / 2 };
  });
  await page.mouse.move(box.x, box.y);
  await page.mouse.wheel(0, -400);
  await page.waitForFunction(() => /view=/.test(location.hash));
  await page.waitForFunction((old) => document.querySelector('#landscape image').getAttribute('href') !== old, image);
  for (const [button, name] of [['#export-json', /\.json$/], ['#export-csv', /\.csv$/],
    ['#save-svg', /\.svg$/], ['#save-png', /\.png$/]]) {
    const [download] = await Promise.all([page.waitForEvent('download'), page.click(button)]);
    assert.match(download.suggestedFilename(), name);
    const bytes = readFileSync(await download.path());
    if (button === '#save-png') assert.equal(bytes.subarray(1, 4).toString(), 'PNG');
    if (button === '#save-svg') assert.match(bytes.toString(), /^<svg[^>]*xmlns[\s\S]*data-trajectory/);
    if (button === '#export-json') assert.equal(JSON.parse(bytes).trajectories.length, FIRST_RACE.length);
    if (button === '#export-csv') assert.match(bytes.toString(), /^trajectory,optimizer,step,x,y,f\n0,/);
  }
  await page.selectOption('#function', 'himmelblau');
  await page.waitForFunction(() => /function=himmelblau/.test(location.hash));
  assert.equal(await waitState(page, ['done', 'error']), 'done');
  assert.equal((await trajectoryPaths(page)).length, FIRST_RACE.length, 'the race keeps its optimizers');
  assert.equal(await page.$$eval('#landscape .minimum', (m) => m.length), 4);
  await page.close();
});

const trainState = (page) => page.evaluate(() => document.body.dataset.train);

/** Records the explore passes drawn (data-explore-pass) in window.passes, with each one's canvas sizes. */
async function watchPasses(page) {
  await page.evaluate(() => {
    window.passes = [];
    new MutationObserver(() => {
      const p = document.body.dataset.explorePass;
      if (p === undefined) return;
      const sizes = [...document.querySelectorAll('#explore-maps canvas')].map((c) => `${c.width}x${c.height}`);
      const entry = `${p}:${sizes.join(',')}`;
      if (window.passes.at(-1) !== entry) window.passes.push(entry);
    }).observe(document.body, { attributes: true, attributeFilter: ['data-explore-pass'] });
  });
}

const explorePass = (page, pass, timeout = 120000) => page.waitForFunction(
  (p) => document.body.dataset.explorePass === p, String(pass), { timeout });

/** How many different colours each map's canvas holds. */
const mapColours = (page) => page.$$eval('#explore-maps canvas', (cs) => cs.map((c) => {
  const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  const colours = new Set();
  for (let i = 0; i < d.length; i += 4) colours.add(`${d[i]},${d[i + 1]},${d[i + 2]}`);
  return colours.size;
}));

/**
 * What the hover of run r of `clopt explore ... --json` (the command line, not the server)
 * must say, in the page's number formats: x and y to 4 digits, f readable.
 */
function cliExplore(args) {
  return JSON.parse(execFileSync(binary, ['explore', ...args, '--json'], { encoding: 'utf8', maxBuffer: 1 << 28 }));
}
const short = (v) => Number(v.toPrecision(4));
function runLines(o, r) {
  if (o.diverged_at[r] >= 0) return [`diverged at step ${o.diverged_at[r]}`];
  return [`ends at (${short(o.x[r])}, ${short(o.y[r])}), f = ${readable(o.f[r])}`,
    o.converged_at[r] >= 0 ? `converged at step ${o.converged_at[r]}` : 'not converged'];
}
/** The hovered cell (i, j) and its run's index in a map of nx columns. */
async function hoveredRun(page, nx) {
  const [i, j] = (await page.getAttribute('#explore-hover', 'data-cell')).split(',').map(Number);
  return { i, j, r: j * nx + i };
}

/** Points at the cell at fractions (fx, fy) of map k (from the top left) and returns the hover text. */
async function hover(page, fx, fy, k = 0) {
  const canvas = (await page.$$('#explore-maps canvas'))[k];
  await canvas.scrollIntoViewIfNeeded();
  const b = await canvas.boundingBox();
  await page.mouse.move(b.x + b.width * fx, b.y + b.height * fy);
  await page.waitForFunction(() => !document.getElementById('explore-hover').hidden);
  return page.$eval('#explore-hover', (e) => e.innerText);
}

test('explore: 512x512 basin maps of three optimizers, coarse first, contours, numbers on hover, a click races', async () => {
  const page = await open('#function=himmelblau&opt=adam(lr=0.05)&opt=sgd(lr=0.01,momentum=0.9)'
    + '&opt=rmsprop(lr=0.01)&start=0,0&steps=300');
  await waitState(page, ['done']);
  await page.click('#view-explore');
  assert.equal(await page.evaluate(() => document.body.dataset.view), 'explore');
  assert.equal(await page.isVisible('#landscape'), false);
  assert.equal(await page.isVisible('#export-json'), false, 'the race\'s exports are not the view\'s');
  assert.equal(await page.inputValue('#explore-function'), 'himmelblau');
  assert.equal(await page.inputValue('#explore-steps'), '300');
  assert.match(await page.textContent('#explore-opts'), /adam\(lr=0\.05\), sgd\(momentum=0\.9\), rmsprop\(lr=0\.01\)/);
  await watchPasses(page);
  await page.fill('#explore-grid', '512');
  await page.click('#explore-start');
  await explorePass(page, 1);
  assert.deepEqual(await page.evaluate(() => window.passes), ['0:64x64,64x64,64x64', '1:512x512,512x512,512x512'],
    'the coarse pass (1/8) is drawn first, then the full grid');
  for (const n of await mapColours(page)) assert.ok(n >= 8, `four basins and their speeds: ${n} colours`);
  await page.waitForFunction(() => document.querySelectorAll('#explore-maps .explore-contours').length === 3);
  const contours = await page.$$eval('#explore-maps .explore-contours path', (ps) => ps.length);
  assert.ok(contours >= 3 * 10, `contour lines and minima over every map: ${contours}`);
  assert.equal(await page.$$eval('#explore-legend .explore-key', (ks) => ks.length), 4 + 2 + 1,
    'four minima, neither, diverged, and what lightness means');
  assert.match(await page.evaluate(() => location.hash), /^#explore=basins&function=himmelblau&opt=adam\(lr=0\.05\).*&grid=512/);
  // Near (3, 2), Adam converges to minimum 1 there; the text says so with numbers.
  const text = await hover(page, 0.8, 0.3);
  assert.match(text, /^adam\(lr=0\.05\)\nstart \(3\.0\d*, 2\.0\d*\)\nends at \(3, 2\), f = [\d.e-]+\nconverged at step \d+\nat minimum 1 \(3, 2\)$/);
  // ... and the numbers are that cell's: the same grid through `clopt explore basins`
  const cell = await hoveredRun(page, 512);
  const basins = cliExplore(['basins', '--function', 'himmelblau', '--optimizer', 'adam(lr=0.05)', '--grid', '512', '--steps', '300']);
  const [vx0, vx1, vy0, vy1] = basins.view;
  assert.equal(text, ['adam(lr=0.05)', `start (${short(vx0 + (cell.i * (vx1 - vx0)) / 511)}, ${short(vy0 + (cell.j * (vy1 - vy0)) / 511)})`,
    ...runLines(basins.maps[0], cell.r), 'at minimum 1 (3, 2)'].join('\n'));
  await shot(page, 'explore-basins-512');
  // A click at the centre of the first map races from (0, 0), the race's optimizers kept
  // (issue 35: a cell no longer replaces them), the clicked map's one selected.
  const box = await page.$eval('#explore-maps canvas', (c) => c.getBoundingClientRect().toJSON());
  await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
  assert.equal(await page.evaluate(() => document.body.dataset.view), 'race');
  assert.equal(await waitState(page, ['done', 'error']), 'done');
  const hash = await page.evaluate(() => location.hash);
  assert.match(hash, /opt=adam\(lr=0\.05\)&opt=sgd\(momentum=0\.9\)&opt=rmsprop\(lr=0\.01\)/);
  assert.equal(await page.getAttribute('#legend [data-legend="0"]', 'aria-pressed'), 'true');
  assert.match(hash, /start=-?0(\.0\d*)?,-?0(\.0\d*)?&/);
  await page.close();
});

test('explore: a 64x64 lr x momentum sweep, coarse first, axes with values, a click races with those values', async () => {
  const page = await open('#function=rosenbrock&opt=adam(lr=0.1)&opt=sgd(lr=0.001)&start=-1.5,2&steps=500');
  await waitState(page, ['done']);
  await page.click('#view-explore');
  await page.click('[data-explore-kind="sweep"]');
  assert.equal(await page.getAttribute('[data-explore-kind="sweep"]', 'aria-pressed'), 'true');
  assert.equal(await page.isVisible('#explore-grid'), false);
  await page.selectOption('#explore-optimizer', 'sgd(lr=0.001)');
  // SGD's sweep starts as lr (log) x momentum, 64 points each.
  assert.deepEqual(await Promise.all(['vary0-name', 'vary0-lo', 'vary0-hi', 'vary0-n', 'vary1-name', 'vary1-lo', 'vary1-hi', 'vary1-n']
    .map((id) => page.inputValue(`#explore-${id}`))), ['lr', '0.00001', '0.01', '64', 'momentum', '0', '0.99', '64']);
  assert.equal(await page.isChecked('#explore-vary0-log'), true);
  assert.equal(await page.inputValue('#explore-start-point'), '-1.5, 2');
  await watchPasses(page);
  await page.click('#explore-start');
  await explorePass(page, 1);
  assert.deepEqual(await page.evaluate(() => window.passes), ['0:8x8', '1:64x64']);
  const [colours] = await mapColours(page);
  assert.ok(colours >= 20, `final f over the grid: ${colours} colours`);
  const ticks = await page.$$eval('#explore-maps svg .tick text', (ts) => ts.map((x) => x.textContent));
  assert.ok(ticks.includes('1e-4') && ticks.includes('1e-3'), `lr ticks: ${ticks}`);
  assert.ok(ticks.includes('0.5'), `momentum ticks: ${ticks}`);
  const labels = await page.$$eval('#explore-maps svg > text', (ts) => ts.map((x) => x.textContent));
  assert.deepEqual(labels, ['lr', 'momentum']);
  assert.ok((await page.getAttribute('#explore-maps .explore-crosses', 'd')).length > 100, 'diverged cells are crossed');
  assert.match(await page.textContent('#explore-legend'), /final f above the minimum.*diverged/);
  // the largest lr with the largest momentum diverges; a small one does not
  const wild = await hover(page, 0.995, 0.005);
  assert.match(wild, /^lr = 0\.01, momentum = 0\.99\ndiverged at step \d+$/);
  // the numbers are those of `clopt explore sweep` over the same values
  const sweep = cliExplore(['sweep', '--function', 'rosenbrock', '--start', '-1.5,2', '--optimizer', 'sgd(lr=0.001)',
    '--vary', 'lr=0.00001:0.01:64:log', '--vary', 'momentum=0:0.99:64', '--steps', '500']);
  assert.equal(wild.split('\n')[1], runLines(sweep, (await hoveredRun(page, 64)).r)[0]);
  const calm = await hover(page, 0.05, 0.95);
  assert.match(calm, /^lr = 1\.\d+e-5, momentum = 0\.0\d+\nends at \(.+\), f = .+\nnot converged$/);
  assert.deepEqual(calm.split('\n').slice(1), runLines(sweep, (await hoveredRun(page, 64)).r));
  await shot(page, 'explore-sweep-64');
  // the share URL holds the sweep: a second page opens it and computes it
  const hash = await page.evaluate(() => location.hash);
  assert.equal(hash, '#explore=sweep&function=rosenbrock&opt=sgd(lr=0.001)&start=-1.5,2&steps=500'
    + '&vary=lr:0.00001:0.01:64:log&vary=momentum:0:0.99:64');
  const again = await open(hash.replace('&vary', '&lang=ko&vary'), SCREENS[0]);
  await explorePass(again, 1);
  assert.equal(await again.evaluate(() => document.body.dataset.view), 'explore');
  assert.equal(await again.$eval('#explore-maps canvas', (c) => `${c.width}x${c.height}`), '64x64');
  assert.match(await again.textContent('#explore-progress'), /완료/);
  assert.match(await again.textContent('#explore-legend'), /최종 f와 최솟값의 차이.*발산/);
  await shot(again, 'explore-sweep-phone-ko');
  await again.close();
  // a click on a cell races SGD with that cell's values
  const box = await page.$eval('#explore-maps canvas', (c) => c.getBoundingClientRect().toJSON());
  await page.mouse.click(box.x + box.width * 0.3, box.y + box.height * 0.5);
  assert.equal(await page.evaluate(() => document.body.dataset.view), 'race');
  assert.equal(await waitState(page, ['done', 'error']), 'done');
  assert.match(await page.evaluate(() => location.hash), /^#function=rosenbrock&opt=sgd\(lr=0\.0000\d+,momentum=0\.\d+\)&start=-1\.5,2&steps=500$/);
  await page.close();
});

test('explore: a link pasted into an open race opens the view; back in the race, its scene runs', async () => {
  const page = await open('#function=rosenbrock&opt=adam(lr=0.1)&steps=100');
  await waitState(page, ['done']);
  const link = '#explore=basins&function=booth&opt=sgd(lr=0.001)&steps=50&grid=8';
  await page.evaluate((h) => { location.hash = h; }, link);
  await explorePass(page, 1);
  assert.equal(await page.evaluate(() => document.body.dataset.view), 'explore');
  assert.equal(await page.$eval('#explore-maps figcaption', (c) => c.textContent), 'sgd(lr=0.001)');
  await page.click('#view-race');
  await page.waitForFunction(() => document.body.dataset.state === 'done'
    && document.getElementById('formula').textContent.startsWith('booth'));
  assert.match(await page.evaluate(() => location.hash), /^#function=booth&opt=sgd\(lr=0\.001\)&start=[^&]+&steps=50$/);
  assert.equal(await page.$$eval('#legend button', (b) => b.length), 1, 'the old run is gone');
  // the same link again, from the race: the view comes back with its maps
  await page.evaluate((h) => { location.hash = h; }, link);
  await page.waitForFunction(() => document.body.dataset.view === 'explore');
  assert.equal(await page.$$eval('#explore-maps canvas', (cs) => cs.length), 1);
  await page.close();
});

test('explore: CSV and PNG of a pass, bad plans named before and by the server', async () => {
  const page = await open('#explore=basins&function=booth&opt=adam(lr=0.1)&opt=sgd(lr=0.01)&steps=200&grid=16');
  await explorePass(page, 1);
  // the same plan again is the same exploration (same request, same id): followed again, not cancelled
  await page.click('#explore-start');
  await explorePass(page, 1);
  await page.waitForFunction(() => document.getElementById('explore-progress').textContent.startsWith('Done'));
  const [csv] = await Promise.all([page.waitForEvent('download'), page.click('#explore-csv')]);
  assert.equal(csv.suggestedFilename(), 'clopt-explore-basins-booth.csv');
  const rows = readFileSync(await csv.path(), 'utf8').trim().split('\n');
  assert.equal(rows.length, 1 + 2 * 16 * 16);
  assert.equal(rows[0], 'map,optimizer,i,j,x0,y0,x,y,f,converged_at,minimum,diverged_at');
  assert.match(rows[1], /^0,adam\(lr=0\.1\),0,0,-10,-10,[\d.e-]+,[\d.e-]+,[\d.e-]+,-?\d+,-?\d+,-1$/);
  const [png] = await Promise.all([page.waitForEvent('download'), page.click('#explore-png')]);
  assert.equal(png.suggestedFilename(), 'clopt-explore-basins-booth.png');
  const bytes = readFileSync(await png.path());
  assert.equal(bytes.subarray(1, 4).toString(), 'PNG');
  assert.ok(bytes.readUInt32BE(16) >= 2 * 300, `PNG width ${bytes.readUInt32BE(16)}`);
  // checked on the page: the field is named and marked, nothing is sent
  for (const [value, wanted] of [['1', /Grid: a whole number of cells a side, from 2 to 4096/], ['1024', /2097152 runs: an exploration has at most 1048576/]]) {
    await page.fill('#explore-grid', value);
    await page.click('#explore-start');
    assert.match(await page.textContent('#explore-error'), wanted);
    assert.equal(await page.getAttribute('#explore-grid', 'aria-invalid'), 'true');
  }
  await page.fill('#explore-grid', '16');
  // the keyboard: Tab to a map (its centre cell is outlined), arrows move the outlined cell
  await page.focus('#explore-maps canvas');
  assert.equal(await page.getAttribute('#explore-hover', 'data-cell'), '8,8');
  await page.keyboard.press('Shift+ArrowRight');
  await page.keyboard.press('ArrowUp');
  assert.equal(await page.getAttribute('#explore-hover', 'data-cell'), '15,9', 'from the centre (8, 8): 8 right (to the edge), 1 up');
  assert.match(await page.textContent('#explore-hover'), /^adam\(lr=0\.1\)start \(10, 2\)/);
  await page.keyboard.press('Space'); // not the race's play key here: nothing happens
  assert.equal(await page.evaluate(() => document.body.dataset.view), 'explore');
  // the other kind: the basin maps go, a sweep's form comes
  await page.click('[data-explore-kind="sweep"]');
  assert.equal(await page.$$eval('#explore-maps canvas', (cs) => cs.length), 0);
  assert.equal(await page.isDisabled('#explore-csv'), true);
  await page.fill('#explore-vary0-lo', '0');
  await page.click('#explore-start');
  assert.match(await page.textContent('#explore-error'), /lr: a log scale needs “from” above 0/);
  await page.fill('#explore-vary0-lo', '0.001');
  await page.fill('#explore-start-point', '1 2');
  await page.click('#explore-start');
  assert.match(await page.textContent('#explore-error'), /Start x, y: two numbers with a comma between them/);
  assert.equal(await page.getAttribute('#explore-start-point', 'aria-invalid'), 'true');
  await page.fill('#explore-start-point', '1, 2');
  await page.fill('#explore-vary0-n', '8');
  await page.selectOption('#explore-vary1-name', '');
  await page.click('#explore-start');
  await explorePass(page, 1);
  assert.equal(await page.$eval('#explore-maps canvas', (c) => `${c.width}x${c.height}`), '8x1', 'a 1-D sweep is a strip');
  // a value out of the optimizer's range, worded as the race words it, at its field
  await page.selectOption('#explore-vary0-name', 'beta_1');
  await page.fill('#explore-vary0-lo', '0.5');
  await page.fill('#explore-vary0-hi', '1.5');
  await page.click('#explore-start');
  assert.equal(await page.textContent('#explore-error'), TEXT.en.mustMaxEx.replace('{name}', 'First-moment decay rate β₁')
    .replace('{param}', 'beta_1').replace('{bound}', '1').replace('{value}', '1.5'));
  assert.equal(await page.getAttribute('#explore-vary0-hi', 'aria-invalid'), 'true');
  await page.click('#lang');
  assert.match(await page.textContent('#explore-error'), /^1차 모멘트 감쇠율 β₁\(beta_1\) 값은 1보다 작아야 합니다/);
  await page.click('#lang');
  // refused by the server (what the page cannot know, e.g. its memory budget): said at the field it names
  await page.fill('#explore-vary0-hi', '0.9');
  await page.route('**/api/v1/explorations', (route) => route.fulfill({
    status: 400, contentType: 'application/json',
    body: JSON.stringify({ error: 'vary[0]: the sweep does not fit the server\'s memory budget', field: 'vary[0]' }),
  }));
  await page.click('#explore-start');
  await page.waitForFunction(() => document.getElementById('explore-error').textContent.startsWith('vary[0]'));
  assert.equal(await page.getAttribute('#explore-vary0-lo', 'aria-invalid'), 'true');
  await page.unroute('**/api/v1/explorations');
  const refused = problems.findIndex((p) => /status of 400/.test(p)); // the browser logs the 400
  assert.ok(refused >= 0);
  problems.splice(refused, 1);
  assert.equal(await page.evaluate(() => document.body.dataset.explorePass), '1', 'the last good pass stays');
  assert.equal(await page.$eval('#explore-maps canvas', (c) => `${c.width}x${c.height}`), '8x1');
  // a cell of the strip, by keyboard, races Adam with that lr (0.001, its default) from (1, 2)
  await page.focus('#explore-maps canvas');
  await page.keyboard.press('Shift+ArrowLeft');
  await page.keyboard.press('Enter');
  assert.equal(await page.evaluate(() => document.body.dataset.view), 'race');
  assert.equal(await waitState(page, ['done', 'error']), 'done');
  assert.match(await page.evaluate(() => location.hash), /^#function=booth&opt=adam\(\)&start=1,2&steps=200/);
  await page.close();
});

test('the training view trains optimizers live and fills the accuracy table', async () => {
  const page = await open();
  await waitState(page, ['done']);
  await page.click('#view-train');
  assert.equal(await page.evaluate(() => document.body.dataset.view), 'train');
  assert.equal(await page.evaluate(() => location.hash), '#training');
  assert.equal(await page.isVisible('#landscape'), false);
  assert.equal(await trainState(page), 'idle');
  // The optimizers come from the race's menus (issue 35), not typed as text.
  const kinds = await page.$$eval('#train-specs [data-entry] header select', (ss) => ss.map((x) => [x.value, x.options.length]));
  assert.deepEqual(kinds, [['adam', (await catalogue(page)).length], ['sgd', (await catalogue(page)).length]]);
  // A bad value is marked as it is typed, and Train is refused without asking the server.
  const posts = [];
  page.on('request', (r) => { if (r.method() === 'POST') posts.push(r.url()); });
  const lr = '#train-specs [data-entry="1"] input[data-param="lr"]';
  await page.fill(lr, '-1');
  assert.equal(await page.getAttribute(lr, 'aria-invalid'), 'true');
  const alert = '#train-specs [data-entry="1"] [data-field-error="lr"]';
  assert.equal(await page.$eval(alert, (e) => e.getAttribute('role')), 'alert');
  assert.match(await page.$eval(alert, (e) => e.textContent), /^Learning rate \(lr\) must be at least 0; you typed -1\.$/);
  await page.click('#train-start');
  await page.waitForFunction(() => document.body.dataset.train === 'error');
  assert.deepEqual(posts, []);
  assert.match(await page.$eval('#train-error', (e) => e.textContent), /Not run/);
  await page.fill('#train-epochs', '0');
  assert.match(await page.$eval('#train-epochs-error', (e) => e.textContent), /Epochs \(epochs\) must be at least 1/);
  await page.fill('#train-epochs', '2');
  assert.equal(await page.getAttribute('#train-epochs', 'aria-invalid'), null);
  // A short real training: 3,000 examples, 2 epochs, two optimizers, the first with a cosine
  // schedule from the race's menu that spans the whole training (steps="all").
  await page.fill(lr, '0.01');
  await page.selectOption('#train-specs [data-schedule="0"]', 'cosine');
  assert.equal(await page.inputValue('#train-specs [data-entry="0"] [data-schedule-param="steps"]'), 'all');
  const sent = page.waitForRequest((r) => r.method() === 'POST' && r.url().endsWith('/api/v1/trainings'));
  await page.fill('#train-limit', '3000');
  await page.fill('#train-epochs', '2');
  await page.fill('#train-hidden', '64');
  await page.click('#train-start');
  assert.deepEqual(JSON.parse((await sent).postData()).optimizers,
    ['adam(schedule=cosine(steps="all"))', 'sgd(momentum=0.9)']);
  await page.waitForFunction(() => ['done', 'error'].includes(document.body.dataset.train),
    null, { timeout: 120000 });
  assert.equal(await trainState(page), 'done', await page.evaluate(() => document.body.dataset.trainError));
  const curves = await page.$$eval('#train-loss [data-train-loss] .smooth', (els) => els.map((e) => e.getAttribute('d')));
  assert.equal(curves.length, 2);
  for (const d of curves) assert.equal(d.split('L').length, 2 * 24, 'one point per batch');
  const rows = await page.$$eval('#train-table tbody tr', (trs) => trs.map((tr) => [...tr.cells].map((c) => c.textContent)));
  assert.equal(rows.length, 2);
  assert.match(rows[0][0], /^Adam\(schedule=cosine\(steps="all"\)\)$/);
  assert.match(rows[1][0], /^SGD\(momentum=0\.9\)$/);
  for (const r of rows) {
    for (const cell of r.slice(1, 3)) {
      assert.match(cell, /^\d+\.\d%$/);
      assert.ok(parseFloat(cell) > 50, `accuracy ${cell} beats chance (10%)`);
    }
  }
  assert.equal(await page.$$eval('#train-table tr.best', (b) => b.length), 1);
  assert.match(await page.$eval('#train-progress', (e) => e.textContent), /Done/);
  await page.screenshot({ path: path.join(artifacts, 'training.png') });
  // Everything the training left on the page follows a change of language.
  await page.click('#lang');
  assert.match(await page.$eval('#train-progress', (e) => e.textContent), /^완료/);
  assert.equal(await page.$eval('#train-loss .axis-label', (e) => e.textContent), '에포크');
  assert.deepEqual(await englishOnScreen(page), []);
  await page.screenshot({ path: path.join(artifacts, 'training-ko.png') });
  // The hash opens the view directly, in Korean too.
  const direct = await open('#training');
  await direct.waitForFunction(() => document.body.dataset.view === 'train');
  await direct.click('#lang');
  assert.equal(await direct.$eval('#train-start', (e) => e.textContent), '학습');
  await direct.close();
  await page.close();
});

// ---- The page as a student meets it (issue 22): each item on a phone and a laptop, in both
// languages; screenshots in ARTIFACT_DIR.

/** Every English text of the page's table that is not also a Korean text, as fragments. */
const ENGLISH_ONLY = (() => {
  const ko = new Set(Object.values(TEXT.ko));
  const out = new Set();
  for (const s of Object.values(TEXT.en)) {
    if (ko.has(s)) continue;
    for (const part of s.split(/\{\w+\}/)) {
      const p = part.trim().replace(/^[:,.()\s]+|[:,.()\s…]+$/g, '');
      if (/[A-Za-z]{2}/.test(p) && (p.length >= 4 || p === s.trim())) out.add(p);
    }
  }
  return [...out];
})();

/**
 * The visible texts (text nodes, titles, accessible names, placeholders) that contain one of
 * the English-only texts: what a Korean reader would trip over.
 */
function englishOnScreen(page) {
  return page.evaluate((english) => {
    const hits = [];
    // a symbol (warmup_steps, beta_1, or one the page shows as code: steps, schedule) stands
    // beside its Korean words, and a spec ("adam(schedule=cosine(steps=\"all\"))") is code
    const symbols = new Set([...document.querySelectorAll('code')].map((c) => c.textContent.trim()));
    const symbol = new RegExp(`\\b(?:\\w+_\\w+|${[...symbols].filter((w) => /^\w+$/.test(w)).join('|') || '_'})\\b`, 'g');
    const check = (text, where) => {
      const s = (text || '').replace(symbol, '').trim();
      if (!s) return;
      for (const e of english) {
        if (e.length >= 4 ? s.includes(e) : s === e) hits.push(`${where}: "${s}" has "${e}"`);
      }
    };
    const visible = (el) => el && el.checkVisibility({ visibilityProperty: true });
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      if (visible(n.parentElement) && !n.parentElement.closest('script, style, option, code')) check(n.data, n.parentElement.tagName);
    }
    for (const el of document.querySelectorAll('[title], [aria-label], [placeholder]')) {
      if (!visible(el)) continue;
      for (const a of ['title', 'aria-label', 'placeholder']) check(el.getAttribute(a), `${el.tagName}[${a}]`);
    }
    check(document.title, 'title');
    return hits;
  }, ENGLISH_ONLY);
}

/** Controls that stick out of the window, and the page's width beyond it. */
function overflow(page) {
  return page.evaluate(() => {
    const w = document.documentElement.clientWidth;
    const out = [];
    const sel = 'button, input, select, svg#landscape, svg#loss, svg#train-loss, #legend button, h1, figure, .entry, table';
    for (const el of document.querySelectorAll(sel)) {
      if (!el.checkVisibility() || el.closest('.train-table')) continue;
      const r = el.getBoundingClientRect();
      if (r.width && (r.left < -0.5 || r.right > w + 0.5)) out.push(`${el.tagName}#${el.id || el.className}: ${r.left.toFixed(0)}..${r.right.toFixed(0)} of ${w}`);
    }
    const extra = document.documentElement.scrollWidth - w;
    if (extra > 0) out.push(`the page is ${extra} px wider than the window`);
    return out;
  });
}

/** Waits until fn() (in node) is true. */
async function until(fn, timeout = 20000) {
  const end = Date.now() + timeout;
  while (!fn()) {
    if (Date.now() > end) throw new Error(`timed out: ${fn}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const headerHeight = (page) => page.$eval('body > header', (h) => h.getBoundingClientRect().height);

test('layout: 360 to 1920 px, every view, both languages, an own function typed: no horizontal scroll, no control cut off', async () => {
  for (const viewport of [{ width: 360, height: 740 }, ...SCREENS, { width: 1920, height: 1080 }]) {
    const page = await open('', viewport);
    assert.equal(await waitState(page, ['done', 'error']), 'done');
    await seekEnd(page);
    const name = `layout-${viewport.width}`;
    assert.deepEqual(await overflow(page), [], `${name} race en`);
    const enHeader = await headerHeight(page);
    await shot(page, `${name}-race-en`);
    await page.click('#lang');
    assert.deepEqual(await overflow(page), [], `${name} race ko`);
    assert.equal(await headerHeight(page), enHeader, `${name}: the header keeps its height in Korean`);
    await shot(page, `${name}-race-ko`);
    await page.click('#view-train');
    assert.deepEqual(await overflow(page), [], `${name} train ko`);
    await shot(page, `${name}-train-ko`);
    await page.click('#lang');
    assert.deepEqual(await overflow(page), [], `${name} train en`);
    await shot(page, `${name}-train-en`);
    await page.click('#view-explore');
    await page.fill('#explore-grid', '32');
    await page.click('#explore-start');
    await explorePass(page, 1);
    assert.deepEqual(await overflow(page), [], `${name} explore basins en`);
    await shot(page, `${name}-explore-basins-en`);
    await page.click('[data-explore-kind="sweep"]');
    await page.click('#explore-start');
    await page.waitForFunction(() => document.body.dataset.explorePass === '1'
      && document.querySelectorAll('#explore-maps figure').length === 1);
    assert.deepEqual(await overflow(page), [], `${name} explore sweep en`);
    await shot(page, `${name}-explore-sweep-en`);
    await page.click('[data-explore-kind="trainability"]');
    await page.fill('#explore-train-grid', '32');
    await page.fill('#explore-train-steps', '20');
    await page.click('#explore-start');
    await page.waitForFunction(() => document.body.dataset.explorePass === '1' && location.hash.startsWith('#explore=trainability'));
    assert.deepEqual(await overflow(page), [], `${name} explore trainability en`);
    await shot(page, `${name}-explore-trainability-en`);
    await page.click('#view-train');
    if (viewport.width < 1000) { // stacked: the settings come under the plots, full width
      const [plots, aside] = await page.$$eval('main.training > *', (els) => els.map((e) => e.getBoundingClientRect().toJSON()));
      assert.ok(aside.top >= plots.bottom - 1, 'train view stacks');
    }
    await page.close();
    // an own function typed (a long one): its field and formula line stay inside the window
    const long = encodeURIComponent('sin(x)*cos(y) + 0.1*(x^2 + y^2) + 0.5*exp(-((x - 1)^2 + (y + 1)^2))');
    const own = await open(`#function=${long}&opt=adam(lr=0.1)&start=1,1&steps=100`, viewport);
    assert.equal(await waitState(own, ['done', 'error']), 'done');
    assert.deepEqual(await overflow(own), [], `${name} race with an own function`);
    await shot(own, `${name}-race-own-en`);
    await own.close();
  }
});

// The tests below run on two pairs, a phone in Korean and a desktop in English: every
// viewport and every language once (the layout test above takes every width in both
// languages, and the Korean one below every viewport); CLOPT_TEST_LONG=1 (tools/test --long)
// runs all four pairs.
const PAIRS = !['', '0', undefined].includes(process.env.CLOPT_TEST_LONG)
  ? SCREENS.flatMap((viewport) => LANGS.map((lang) => [viewport, lang]))
  : [[SCREENS[0], 'ko'], [SCREENS[1], 'en']];
for (const [viewport, lang] of PAIRS) {
  const tag = `${viewport.width}-${lang}`;
  const T = TEXT[lang];

  test(`input ${tag}: checked as typed, Run refused with the reason, server refusals at the field, the last run dimmed`, async () => {
    const page = await open(lang === 'ko' ? '#lang=ko' : '', viewport);
    assert.equal(await waitState(page, ['done', 'error']), 'done');
    const accepted = await page.evaluate(() => location.hash);
    const posts = [];
    page.on('request', (r) => { if (r.method() === 'POST' && r.url().endsWith('/api/v1/runs')) posts.push(r.postData()); });
    const lr = `[data-entry="${FIRST_RACE.indexOf('adam')}"] input[data-param="lr"]`; // Adam
    await page.fill(lr, 'abc');
    assert.equal(await page.getAttribute(lr, 'aria-invalid'), 'true');
    const alertId = await page.getAttribute(lr, 'aria-describedby');
    const alert = await page.$eval(`#${alertId}`, (e) => ({ role: e.getAttribute('role'), text: e.textContent }));
    assert.equal(alert.role, 'alert');
    assert.equal(alert.text, lang === 'en'
      ? 'Learning rate (lr) needs a number; "abc" is not one.'
      : '학습률(lr) 값에는 숫자를 넣어야 합니다. "abc"는 숫자가 아닙니다.');
    await page.click('#run');
    await page.waitForFunction(() => document.body.dataset.state === 'error');
    assert.deepEqual(posts, [], 'nothing is sent');
    const runError = await page.$eval('#run-error', (e) => e.textContent);
    assert.equal(runError, T.notRun.replace('{where}', lang === 'en' ? 'Adam: Learning rate' : 'Adam: 학습률'));
    assert.equal(await page.evaluate(() => location.hash), accepted, 'the URL keeps the last accepted run');
    assert.equal(await page.evaluate(() => document.body.dataset.stale), 'true');
    assert.equal(await page.isVisible('#stale-note'), true);
    assert.equal(await page.$eval('#landscape', (e) => getComputedStyle(e.closest('figure')).opacity), '0.4');
    assert.doesNotMatch(await page.$eval('#legend', (e) => e.textContent), /Adam\(\)/);
    await shot(page, `input-refused-${tag}`);
    // Fixed as typed: the mark and the sentence go.
    await page.fill(lr, '0.1');
    assert.equal(await page.getAttribute(lr, 'aria-invalid'), null);
    assert.equal(await page.$eval(`#${alertId}`, (e) => e.textContent), '');
    assert.equal(await page.$eval('#run-error', (e) => e.textContent), '');
    // A range: momentum below 0, in the student's words.
    const momentum = '[data-entry="0"] input[data-param="momentum"]';
    await page.fill(momentum, '-1');
    assert.match(await page.$eval('[data-entry="0"] [data-field-error="momentum"]', (e) => e.textContent),
      lang === 'en' ? /^Momentum \(momentum\) must be at least 0; you typed -1\.$/ : /^모멘텀\(momentum\) 값은 0 이상이어야 합니다/);
    await page.fill(momentum, '0.9');
    assert.equal(await runAndWait(page), 'done');
    assert.equal(await page.evaluate(() => document.body.dataset.stale), 'false');
    const hash = await page.evaluate(() => location.hash);
    assert.match(hash, /opt=sgd\(lr=0\.001,momentum=0\.9\)&/);
    assert.match(hash, /opt=adam\(lr=0\.1\)&/);
    await page.close();
    // A refusal only the server can make (200 trajectories x 100,001 points is over its
    // 20,000,000): shown at the field, the same way. The accepted run is one step (cheap).
    const many = Array.from({ length: 200 }, (_, i) => `&start=${(-1.9 + (i % 20) * 0.19).toFixed(2)},${(-0.9 + Math.floor(i / 20) * 0.39).toFixed(2)}`).join('');
    const srv = await open(`#function=rosenbrock&opt=adam(lr=0.1)${many}&steps=1${lang === 'ko' ? '&lang=ko' : ''}`, viewport);
    assert.equal(await waitState(srv, ['done', 'error']), 'done');
    const before = await srv.evaluate(() => location.hash);
    const sent = [];
    srv.on('request', (r) => { if (r.method() === 'POST') sent.push(r.url()); });
    await srv.fill('#steps', '100000');
    assert.equal(await srv.getAttribute('#steps', 'aria-invalid'), null, 'within the page\'s own range');
    await srv.click('#run');
    await srv.waitForFunction(() => document.body.dataset.state === 'error', null, { timeout: 20000 });
    assert.equal(sent.length, 1);
    const i = problems.findIndex((p) => /status of 400/.test(p));
    assert.ok(i >= 0);
    problems.splice(i, 1);
    assert.equal(await srv.getAttribute('#steps', 'aria-invalid'), 'true');
    const steps = await srv.$eval('#steps-error', (e) => e.textContent);
    assert.equal(steps, REFUSALS.too_many_points[lang].replace('{trajectories}', '200').replace('{points}', '100,001')
      .replace('{total}', '20,000,200').replace('{limit}', '20,000,000'));
    assert.equal(await srv.$eval('#run-error', (e) => e.textContent), T.notRun.replace('{where}', T.steps));
    assert.equal(await srv.evaluate(() => location.hash), before);
    assert.equal(await srv.evaluate(() => document.body.dataset.stale), 'true');
    await shot(srv, `input-server-${tag}`);
    await srv.fill('#steps', '2');
    assert.equal(await srv.$eval('#steps-error', (e) => e.textContent), '');
    assert.equal(await runAndWait(srv), 'done');
    assert.equal(await srv.evaluate(() => document.body.dataset.stale), 'false');
    assert.match(await srv.evaluate(() => location.hash), /steps=2(&|$)/);
    await srv.close();
  });

  test(`legend ${tag}: stable buttons while playing, aria-pressed, colours by optimizer kind`, async () => {
    const page = await open(lang === 'ko' ? '#lang=ko' : '', viewport);
    await waitState(page, ['done']);
    await page.selectOption('#speed', '0.25');
    await page.click('#play'); // pause
    await page.click('#play'); // play on, slowly
    const adam = await page.$(`#legend button[data-legend="${FIRST_RACE.indexOf('adam')}"]`);
    await page.waitForTimeout(400);
    assert.equal(await adam.evaluate((b) => b.isConnected), true, 'the same element after many frames');
    await adam.click();
    assert.equal(await adam.getAttribute('aria-pressed'), 'true');
    assert.equal(await page.$$eval('#legend [aria-pressed="true"]', (b) => b.length), 1);
    await page.waitForTimeout(300);
    assert.equal(await page.evaluate(() => document.activeElement.dataset.legend), String(FIRST_RACE.indexOf('adam')), 'focus stays');
    assert.equal(await page.evaluate(() => document.body.dataset.state), 'done');
    await page.waitForFunction(() => /Adam/.test(document.querySelector('#equations .who').textContent));
    await shot(page, `legend-${tag}`);
    const adamColour = await page.$eval('#landscape [data-optimizer="Adam"]', (e) => e.getAttribute('stroke'));
    await page.close();
    // Adam keeps its colour when it comes first in another link.
    const other = await open(`#function=rosenbrock&opt=adam(lr=0.1)&opt=sgd(lr=0.001)&steps=100${lang === 'ko' ? '&lang=ko' : ''}`, viewport);
    await waitState(other, ['done']);
    assert.equal(await other.$eval('#landscape [data-optimizer="Adam"]', (e) => e.getAttribute('stroke')), adamColour);
    assert.equal(await other.$eval('[data-entry="0"]', (e) => e.style.getPropertyValue('--c')), adamColour);
    await other.close();
  });

  test(`off the map ${tag}: a marker at the edge and the legend says so`, async () => {
    const page = await open(`#function=rosenbrock&opt=adam(lr=0.1)&opt=adagrad(lr=3)&steps=200${lang === 'ko' ? '&lang=ko' : ''}`, viewport);
    await waitState(page, ['done']);
    await seekEnd(page);
    const marks = await page.$$eval('#landscape [data-offmap]', (els) => els.map((e) => e.dataset.offmap));
    assert.deepEqual(marks, ['1']);
    const inside = await page.$eval('#landscape [data-offmap]', (m) => {
      const r = m.getBoundingClientRect();
      const s = m.ownerSVGElement.getBoundingClientRect();
      return r.left >= s.left && r.right <= s.right && r.top >= s.top && r.bottom <= s.bottom;
    });
    assert.ok(inside, 'the marker is drawn inside the map');
    assert.match(await page.$eval('#legend [data-legend="1"]', (e) => e.textContent), new RegExp(T.offMap));
    assert.doesNotMatch(await page.$eval('#legend [data-legend="0"]', (e) => e.textContent), new RegExp(T.offMap));
    await shot(page, `offmap-${tag}`);
    await page.close();
  });

  test(`first scene ${tag}: every optimizer stays in view, none diverges`, async () => {
    const page = await open(lang === 'ko' ? '#lang=ko' : '', viewport);
    await waitState(page, ['done']);
    await seekEnd(page);
    const paths = await drawnPaths(page);
    assert.equal(paths.length, FIRST_RACE.length);
    for (const p of paths) assert.ok(p.d.split('L').length > 50, `${p.optimizer} draws its path`);
    // Every point of every path lies on the map (its clip rectangle).
    const outside = await page.$eval('#landscape', (svg) => {
      const r = svg.querySelector('clipPath rect');
      const [x0, y0] = [+r.getAttribute('x'), +r.getAttribute('y')];
      const [x1, y1] = [x0 + +r.getAttribute('width'), y0 + +r.getAttribute('height')];
      return [...svg.querySelectorAll('[data-trajectory]')].filter((e) => [...e.getAttribute('d')
        .matchAll(/([\d.-]+),([\d.-]+)/g)].some(([, x, y]) => x < x0 || x > x1 || y < y0 || y > y1))
        .map((e) => e.dataset.optimizer);
    });
    assert.deepEqual(outside, []);
    assert.equal(await page.$$eval('#landscape [data-offmap]', (e) => e.length), 0);
    assert.equal(await page.$$eval('#landscape [data-diverged]', (e) => e.length), 0);
    assert.match(await page.$eval('#preset-note', (e) => e.textContent), lang === 'en' ? /^Learning rates changed for rosenbrock/ : /^rosenbrock에 맞게/);
    await shot(page, `first-scene-${tag}`);
    await page.close();
  });

  test(`keyboard ${tag}: Space and Enter on Run run; arrows move the start on the map, Enter adds one; the menu runs on commit; ? opens help`, async () => {
    const page = await open(lang === 'ko' ? '#lang=ko' : '', viewport);
    await waitState(page, ['done']);
    const posts = [];
    page.on('request', (r) => { if (r.method() === 'POST') posts.push(r.url()); });
    const playing = await page.evaluate(() => document.getElementById('play').textContent);
    await page.focus('#run');
    await page.keyboard.press('Space');
    await until(() => posts.length === 1);
    await waitState(page, ['done']);
    assert.equal(await page.evaluate(() => document.getElementById('play').textContent), playing,
      'Space on Run runs, it does not pause');
    await page.keyboard.press('Enter');
    await until(() => posts.length === 2);
    await waitState(page, ['done']);
    // The map: arrows move the start, the run follows once the keys settle.
    const before = await page.$eval('#starts', (e) => e.textContent);
    await page.focus('#landscape');
    for (let i = 0; i < 5; i++) await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowDown');
    await page.waitForFunction(() => /start=-1\.1,1\.92(&|$)/.test(location.hash), null, { timeout: 10000 });
    assert.notEqual(await page.$eval('#starts', (e) => e.textContent), before);
    assert.ok(posts.length >= 3, 'the start moved by keys runs');
    await waitState(page, ['done']);
    for (const p of await drawnPaths(page)) assert.match(p.d, /^M/);
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.querySelectorAll('#landscape circle.start').length === 2);
    await page.waitForFunction(() => (location.hash.match(/start=/g) || []).length === 2, null, { timeout: 10000 });
    assert.ok((await page.$eval('#equations', (e) => e.textContent)).includes(T.startOf.split('{x}')[0]),
      'the equations say which start they show');
    await shot(page, `keyboard-map-${tag}`);
    // The function menu: arrows choose, Enter runs.
    const n = posts.length;
    await page.focus('#function');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await page.waitForTimeout(600);
    assert.equal(posts.length, n, 'no run while choosing');
    assert.match(await page.evaluate(() => location.hash), /function=rosenbrock/);
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => /function=himmelblau/.test(location.hash), null, { timeout: 10000 });
    assert.equal(posts.length, n + 1);
    // Arrow keys step through the run, also with the focus on a button.
    await page.waitForFunction(() => document.body.dataset.state === 'done');
    await page.focus('#play');
    await page.keyboard.press('ArrowLeft');
    await page.waitForFunction((play) => document.getElementById('play').textContent === play, T.play);
    const at = await page.$eval('#step-label', (e) => Number(e.textContent.split(' / ')[0]));
    await page.keyboard.press('ArrowRight');
    await page.waitForFunction((n) => document.getElementById('step-label').textContent.startsWith(`${n} /`), at + 1);
    // The help: ? opens it, Escape closes it.
    await page.keyboard.press('?');
    assert.equal(await page.$eval('#keys', (e) => e.matches(':popover-open')), true);
    assert.match(await page.$eval('#keys', (e) => e.textContent), new RegExp(T.keysTitle));
    await shot(page, `keyboard-help-${tag}`);
    await page.keyboard.press('Escape');
    assert.equal(await page.$eval('#keys', (e) => e.matches(':popover-open')), false);
    await page.close();
  });

  test(`loss chart ${tag}: hover shows the step and every value; no axis label cut`, async () => {
    const page = await open(`#function=saddle&opt=adam(lr=0.1)&opt=sgd(lr=0.1)&start=-1.5,0.01&steps=300${lang === 'ko' ? '&lang=ko' : ''}`, viewport);
    await waitState(page, ['done']);
    await seekEnd(page);
    const cut = await page.$eval('#loss', (svg) => {
      const s = svg.getBoundingClientRect();
      return [...svg.querySelectorAll('.tick text')].filter((t) => {
        const r = t.getBoundingClientRect();
        return r.left < s.left - 0.5 || r.right > s.right + 0.5 || r.top < s.top - 0.5 || r.bottom > s.bottom + 0.5;
      }).map((t) => t.textContent);
    });
    assert.deepEqual(cut, []);
    assert.ok(await page.$$eval('#loss .tick text', (t) => t.some((e) => /^[-−]\d/.test(e.textContent))), 'negative labels are there, whole');
    const box = await page.$eval('#loss', (e) => e.getBoundingClientRect().toJSON());
    await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.5);
    await page.waitForFunction(() => !document.getElementById('loss-tip').hidden);
    const tip = await page.$eval('#loss-tip', (e) => ({ step: e.querySelector('.tip-step').textContent,
      rows: [...e.querySelectorAll('[data-tip-trajectory]')].map((r) => r.textContent) }));
    assert.match(tip.step, new RegExp(`^${T.step} \\d+$`));
    assert.equal(tip.rows.length, 2);
    for (const r of tip.rows) assert.match(r, /^(Adam|SGD)\(lr=0\.1\)([-\d.e+]+|—)$/);
    // each value is f at that step of the same run through `clopt run`, to the 4 digits shown
    const k = Number(tip.step.match(/\d+$/)[0]);
    const cli = JSON.parse(execFileSync(binary, ['run', '--function', 'saddle', '--optimizer', 'adam(lr=0.1)',
      '--optimizer', 'sgd(lr=0.1)', '--start', '-1.5,0.01', '--steps', '300'], { encoding: 'utf8' }));
    tip.rows.forEach((r, i) => {
      const shown = Number(r.replace(/^(Adam|SGD)\(lr=0\.1\)/, ''));
      const f = cli.trajectories[i].points[k][2];
      assert.ok(Math.abs(shown - f) <= 5e-4 * Math.abs(f), `${r}: f at step ${k} is ${f}`);
    });
    await shot(page, `loss-hover-${tag}`);
    await page.mouse.move(box.x - 20, box.y - 20);
    await page.waitForFunction(() => document.getElementById('loss-tip').hidden);
    await page.close();
  });

  test(`playback ${tag}: Computing/Playing/Done say what is true, 500 steps take seconds at 1×`, async () => {
    const page = await open(lang === 'ko' ? '#lang=ko' : '', viewport);
    await page.waitForFunction(() => document.getElementById('status').dataset.phase === 'playing', null, { timeout: 60000 });
    const t0 = Date.now();
    assert.equal(await page.$eval('#status', (e) => e.textContent), T.playing);
    await page.waitForTimeout(1000);
    const mid = await page.$eval('#step-label', (e) => Number(e.textContent.split(' / ')[0]));
    assert.ok(mid > 20 && mid < 250, `after 1 s at 1×: step ${mid}`);
    await page.waitForFunction(() => document.getElementById('status').dataset.phase === 'done', null, { timeout: 30000 });
    assert.ok(Date.now() - t0 >= 3500, `500 steps took ${Date.now() - t0} ms`);
    assert.equal(await page.$eval('#status', (e) => e.textContent), T.done);
    await page.click('#back');
    // The status is redrawn with the next frame: wait for it, a loaded machine may be late.
    await page.waitForFunction((paused) => document.getElementById('status').textContent === paused, T.paused);
    await page.close();
  });
}

test('Korean throughout: both views, hash changes switch the whole page, keep-all line breaks', async () => {
  for (const viewport of SCREENS) {
    const page = await open('', viewport);
    await waitState(page, ['done']);
    await page.click('#lang');
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'ko');
    assert.equal(await page.evaluate(() => document.title), TEXT.ko.title);
    assert.equal(await page.$eval('.subtitle', (e) => getComputedStyle(e).wordBreak), 'keep-all');
    assert.deepEqual(await englishOnScreen(page), [], 'race view');
    await page.click('#view-train');
    assert.deepEqual(await englishOnScreen(page), [], 'training view');
    assert.equal(await page.evaluate(() => location.hash), '#training&lang=ko');
    await page.click('#view-explore');
    await page.fill('#explore-grid', '16');
    await page.click('#explore-start');
    await explorePass(page, 1);
    await hover(page, 0.5, 0.5);
    assert.deepEqual(await englishOnScreen(page), [], 'explore view, basins');
    await page.click('[data-explore-kind="sweep"]');
    await page.click('#explore-start');
    await page.waitForFunction(() => document.body.dataset.explorePass === '1'
      && document.querySelectorAll('#explore-maps figure').length === 1);
    assert.deepEqual(await englishOnScreen(page), [], 'explore view, sweep');
    assert.match(await page.evaluate(() => location.hash), /^#explore=sweep&.*&lang=ko&vary=/);
    await page.click('[data-explore-kind="trainability"]');
    await page.fill('#explore-train-grid', '16');
    await page.fill('#explore-train-steps', '20');
    await page.click('#explore-start');
    await page.waitForFunction(() => document.body.dataset.explorePass === '1' && location.hash.startsWith('#explore=trainability'));
    await hover(page, 0.5, 0.5);
    assert.deepEqual(await englishOnScreen(page), [], 'explore view, trainability');
    await page.click('#view-race');
    // A refused value, in Korean.
    await page.fill('[data-entry="0"] input[data-param="lr"]', 'x');
    await page.click('#run');
    await page.waitForFunction(() => document.body.dataset.state === 'error');
    assert.deepEqual(await englishOnScreen(page), [], 'a refusal');
    await page.close();
    // A Korean link pasted into an open English tab, then an English one.
    const tab = await open('', viewport);
    await waitState(tab, ['done']);
    await tab.evaluate(() => { location.hash = '#function=booth&opt=adam(lr=0.1)&steps=100&lang=ko'; });
    await tab.waitForFunction(() => document.getElementById('formula').textContent.startsWith('booth')
      && document.querySelectorAll('#legend button').length === 1 && document.body.dataset.state === 'done');
    assert.equal(await tab.evaluate(() => document.documentElement.lang), 'ko');
    assert.deepEqual(await englishOnScreen(tab), []);
    await shot(tab, `korean-link-${viewport.width}`);
    await tab.evaluate(() => { location.hash = '#function=sphere&opt=adam(lr=0.1)&steps=100'; });
    await tab.waitForFunction(() => document.getElementById('formula').textContent.startsWith('sphere')
      && document.body.dataset.state === 'done');
    assert.equal(await tab.evaluate(() => document.documentElement.lang), 'en');
    assert.equal(await tab.$eval('#run', (e) => e.textContent), 'Run');
    assert.doesNotMatch(await tab.evaluate(() => location.hash), /lang=ko/);
    await tab.close();
  }
});

test('Reset view puts the default view back in the URL', async () => {
  const page = await open();
  await waitState(page, ['done']);
  const box = await page.$eval('#landscape', (e) => e.getBoundingClientRect().toJSON());
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.wheel(0, -400);
  await page.waitForFunction(() => /view=/.test(location.hash));
  await page.click('#reset-view');
  await page.waitForFunction(() => !/view=/.test(location.hash));
  const hash = await page.evaluate(() => location.hash);
  const again = await open(hash);
  await waitState(again, ['done']);
  assert.doesNotMatch(await again.evaluate(() => location.hash), /view=/);
  await again.close();
  await page.close();
});

// Issue 35, the second student test: a phone, a first screen, a chart, settings that stay.
const PHONE = { viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true };

const openTouch = (hash = '') => s.open(hash, PHONE);

/** A one-finger swipe up over the point (x, y) of the window, as chromium's touch input makes it. */
async function swipeUp(page, x, y) {
  const cdp = await page.context().newCDPSession(page);
  const at = (dy) => [{ x: Math.round(x), y: Math.round(y - dy) }];
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: at(0) });
  for (let k = 1; k <= 10; k++) await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: at(25 * k) });
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
  await cdp.detach();
}

const mapBox = (page) => page.$eval('#landscape', (e) => e.getBoundingClientRect().toJSON());
const inWindow = (page) => page.$eval('#landscape', (e) => {
  const r = e.getBoundingClientRect();
  return r.top >= -1 && r.bottom <= window.innerHeight + 1;
});

test('student, phone: one finger over the map scrolls the page; "move map" pans it', async () => {
  const page = await openTouch('#function=sphere&opt=adam(lr=0.05)&steps=100');
  assert.equal(await waitState(page, ['done', 'error']), 'done');
  assert.equal(await page.evaluate(() => document.body.dataset.touch), 'true');
  const box = await mapBox(page);
  await swipeUp(page, box.x + box.width / 2, box.y + box.height / 2);
  await page.waitForFunction(() => window.scrollY > 100, null, { timeout: 5000 });
  assert.doesNotMatch(await page.evaluate(() => location.hash), /view=/, 'the map did not move');
  // let the swipe's fling end before going back up
  await page.waitForFunction(() => new Promise((done) => {
    const y = window.scrollY;
    setTimeout(() => done(window.scrollY === y), 400);
  }), null, { timeout: 10000 });
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.tap('#map-pan');
  assert.equal(await page.getAttribute('#map-pan', 'aria-pressed'), 'true');
  const again = await mapBox(page);
  await swipeUp(page, again.x + again.width / 2, again.y + again.height / 2);
  await page.waitForFunction(() => /view=/.test(location.hash), null, { timeout: 20000 });
  assert.equal(await page.evaluate(() => window.scrollY), 0, 'the page stayed');
  await page.close();
});

test('student, phone: Run scrolls the map into view; a lesson plays on its own view', async () => {
  const page = await openTouch('#function=sphere&opt=adam(lr=0.05)&steps=100&lang=ko');
  assert.equal(await waitState(page, ['done', 'error']), 'done');
  await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
  assert.equal(await inWindow(page), false);
  await page.tap('#run');
  await waitState(page, ['done', 'error']);
  assert.equal(await inWindow(page), true, 'the run plays where it is seen');
  await page.close();
  // A lesson whose map was moved: its run puts the lesson's view back, on screen.
  const lesson = await open('#lesson=3', { width: 1280, height: 800 });
  await lesson.waitForSelector('[data-lesson-open="3"] [data-choice="0"]');
  await lesson.waitForFunction(() => document.querySelectorAll('#landscape .axis .tick').length > 4);
  const ticks = () => lesson.$eval('#landscape', (e) => [...e.querySelectorAll('.axis .tick text')].map((x) => x.textContent).join());
  const first = await ticks();
  const box = await mapBox(lesson);
  await lesson.mouse.move(box.x + box.width / 3, box.y + box.height / 3);
  await lesson.mouse.wheel(0, -600);
  await lesson.waitForFunction((f) => [...document.querySelectorAll('#landscape .axis .tick text')]
    .map((x) => x.textContent).join() !== f, first);
  await lesson.click('[data-choice="0"]');
  await lesson.waitForFunction((f) => [...document.querySelectorAll('#landscape .axis .tick text')]
    .map((x) => x.textContent).join() === f, first, { timeout: 20000 });
  assert.equal(await ticks(), first);
  await lesson.close();
});

test('student, first screen: what this is at every width, the lessons, three optimizers, ko-KR honoured', async () => {
  for (const [viewport, lang] of [[PHONE, 'ko'], [{ viewport: { width: 1280, height: 800 } }, 'en']]) {
    const page = await s.open('', { ...viewport, locale: lang === 'ko' ? 'ko-KR' : 'en-US' });
    assert.equal(await waitState(page, ['done', 'error']), 'done');
    assert.equal(await page.evaluate(() => document.documentElement.lang), lang, 'the browser\'s language');
    const sub = await page.$eval('.subtitle', (e) => ({ text: e.firstElementChild.textContent,
      visible: e.getBoundingClientRect().height > 0 && e.getBoundingClientRect().right <= window.innerWidth }));
    assert.deepEqual(sub, { text: TEXT[lang].subtitle, visible: true });
    assert.equal(await page.$eval('#start-lessons', (e) => e.textContent), TEXT[lang].startLessons);
    assert.equal(await page.$$eval('#legend button', (b) => b.length), 3);
    await seekEnd(page);
    await shot(page, `student-first-screen-${page.viewportSize().width}-${lang}`);
    const strokes = await page.$$eval('#landscape [data-trajectory]', (els) => els.map((e) => e.getAttribute('stroke')));
    assert.equal(new Set(strokes).size, 3);
    // "?" says what this is too, not only the keys.
    await page.click('#keys-button');
    assert.ok((await page.$eval('#keys', (e) => e.textContent)).includes(TEXT[lang].helpAbout));
    await page.keyboard.press('Escape');
    await page.click('#start-lessons');
    await page.waitForFunction(() => document.body.dataset.view === 'lessons'
      && document.querySelector('[data-lesson-open="1"]'));
    // the browser's language is what a hash without lang= means: neither link names one
    assert.equal(await page.evaluate(() => location.hash), '#lesson=1');
    await page.close();
  }
});

test('student, colours: every optimizer its own, variants of one optimizer apart', async () => {
  const page = await open();
  await waitState(page, ['done']);
  const n = (await catalogue(page)).length;
  await page.click('#all-seven');
  assert.equal(await runAndWait(page), 'done');
  const all = await page.$$eval('#landscape [data-trajectory]', (els) => els.map((e) => e.getAttribute('stroke')));
  assert.equal(all.length, n);
  assert.equal(new Set(all).size, Math.min(n, 12), all.join());
  await page.evaluate(() => { location.hash = '#function=quadratic&opt=sgd(lr=0.01,momentum=0.9)&opt=sgd(lr=0.01,momentum=0.99)&steps=100'; });
  await page.waitForFunction(() => document.querySelectorAll('#landscape [data-trajectory]').length === 2
    && document.body.dataset.state === 'done');
  const two = await page.$$eval('#landscape [data-trajectory]', (els) => els.map((e) => e.getAttribute('stroke')));
  assert.notEqual(two[0], two[1]);
  const boxes = await page.$$eval('#entries .entry', (els) => els.map((e) => getComputedStyle(e).borderLeftColor));
  assert.notEqual(boxes[0], boxes[1]);
  await page.close();
});

test('student, loss chart: a log axis also when a run lands on 0 exactly; the diverging run shows', async () => {
  const page = await open('#function=sphere&opt=sgd(lr=0.5)&opt=sgd(lr=1.5)&opt=sgd(lr=0.05)&start=1.5,1&steps=40');
  assert.equal(await waitState(page, ['done', 'error']), 'done');
  await seekEnd(page);
  const ticks = await page.$$eval('#loss .axis:nth-of-type(2) .tick text, #loss .axis .tick text', (t) => t.map((e) => e.textContent));
  assert.ok(ticks.some((x) => /e[+-−]?\d/.test(x)), `log ticks: ${ticks}`);
  assert.equal(await page.$eval('#loss [data-floor]', (e) => getComputedStyle(e).display !== 'none' && e.textContent),
    TEXT.en.lossFloor);
  const d = await page.$$eval('#loss path[data-loss]', (els) => els.map((e) => e.getAttribute('d')));
  assert.ok(d[1].split('L').length > 3, 'the diverging lr = 1.5 is drawn');
  const ys = d[1].split(/[ML]/).filter(Boolean).map((p) => Number(p.split(',')[1]));
  assert.ok(new Set(ys.map(Math.round)).size > 3, 'and climbs visibly');
  await page.close();
});

test('student, Korean on a phone: 최솟점, 보기 초기화, touch wording, N스텝에서 발산, 스윕, parameters in Korean', async () => {
  const page = await openTouch('#function=rosenbrock&opt=sgd(lr=0.01)&opt=adam(lr=0.1)&steps=200&lang=ko');
  assert.equal(await waitState(page, ['done', 'error']), 'done');
  await seekEnd(page);
  assert.equal(await page.$eval('#reset-view', (e) => e.textContent), '보기 초기화');
  assert.match(await page.$eval('#landscape .minimum + title', (e) => e.textContent), /^최솟점 /);
  const help = await page.$eval('#race .settings .note', (e) => e.textContent)
    + await page.$eval('#race figcaption .hint', (e) => e.textContent);
  assert.doesNotMatch(help, /클릭|Shift|스크롤하면/);
  assert.match(help, /누르면/);
  assert.match(await page.$eval('#legend [data-legend="0"]', (e) => e.textContent), /✕ \d+스텝에서 발산/);
  const labels = await page.$$eval('[data-entry="0"] .param-name', (els) => els.map((e) => e.textContent));
  assert.ok(labels.includes('학습률 lr') && labels.includes('모멘텀 momentum'), labels.join());
  assert.match(await page.$eval('[data-explore-kind="sweep"]', (e) => e.textContent), /스윕/);
  await shot(page, 'student-korean-phone');
  await page.close();
});

test('student, keyboard: a visible focus ring on the views, focus kept after answer, try-this and remove; Enter runs', async () => {
  const page = await open('#function=sphere&opt=adam(lr=0.05)&opt=sgd(lr=0.1)&opt=rmsprop(lr=0.01)&steps=100');
  assert.equal(await waitState(page, ['done', 'error']), 'done');
  await page.focus('#view-race');
  await page.keyboard.press('Tab');
  const ring = await page.evaluate(() => {
    const b = document.activeElement;
    const cs = getComputedStyle(b);
    const clipped = getComputedStyle(b.parentElement).overflow === 'hidden'
      && parseFloat(cs.outlineOffset) + parseFloat(cs.outlineWidth) > 0;
    return { id: b.id, style: cs.outlineStyle, clipped };
  });
  assert.deepEqual(ring, { id: 'view-train', style: 'solid', clipped: false });
  // Enter in a field runs, with what was typed.
  const posts = [];
  page.on('request', (r) => { if (r.method() === 'POST') posts.push(r.postData()); });
  await page.fill('[data-entry="1"] input[data-param="lr"]', '0.2');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => /opt=sgd\(lr=0\.2\)/.test(location.hash), null, { timeout: 20000 });
  assert.equal(posts.length, 1);
  await waitState(page, ['done']);
  // Remove: the keyboard stays in the list.
  await page.focus('[data-entry="1"] header button');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.querySelectorAll('#entries .entry').length === 2);
  assert.equal(await page.evaluate(() => document.activeElement.closest('#entries') !== null), true);
  // A lesson: an answer by keyboard, then a try-this, keep the focus in the card.
  await page.evaluate(() => { location.hash = '#lesson=1'; });
  await page.waitForSelector('[data-lesson-open="1"] [data-choice="1"]');
  await page.focus('[data-choice="1"]');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.querySelector('#lesson-card').dataset.phase === 'explain', null, { timeout: 30000 });
  assert.equal(await page.evaluate(() => document.activeElement.closest('#lesson-card') !== null), true, 'after the answer');
  await page.focus('[data-try="0"]');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.querySelector('#lesson-card').dataset.phase === 'run');
  assert.equal(await page.evaluate(() => document.activeElement.dataset.try), '0', 'while it runs');
  await page.waitForFunction(() => document.querySelector('#lesson-card').dataset.phase === 'explain', null, { timeout: 30000 });
  assert.equal(await page.evaluate(() => document.activeElement.dataset.try), '0', 'after it ran');
  await page.close();
});

test('student, settings that stay: Back through the views, lessons leave the race alone, the step in the link, "changed"', async () => {
  const context = await s.browser.newContext({ viewport: { width: 1280, height: 800 }, permissions: ['clipboard-read', 'clipboard-write'] });
  const page = await context.newPage();
  page.on('pageerror', (e) => problems.push(`page: ${e.message}`));
  const race = '#function=sphere&opt=adam(lr=0.05)&opt=sgd(lr=0.1)&start=-4,3&steps=100';
  await page.goto(s.url + race);
  assert.equal(await waitState(page, ['done', 'error']), 'done');
  const legend = () => page.$$eval('#legend button', (b) => b.map((e) => e.textContent).join());
  const ours = await legend();
  await page.click('#view-train');
  await page.click('#view-lessons');
  await page.waitForSelector('[data-lesson-open] [data-choice="0"]');
  await page.click('[data-choice="0"]');
  await page.waitForFunction(() => document.querySelector('#lesson-card').dataset.phase === 'explain', null, { timeout: 30000 });
  await page.goBack();
  await page.waitForFunction(() => document.body.dataset.view === 'train');
  await page.goBack();
  await page.waitForFunction(() => document.body.dataset.view === 'race');
  assert.equal(await page.evaluate(() => location.hash), race);
  await page.waitForFunction((l) => [...document.querySelectorAll('#legend button')].map((e) => e.textContent).join() === l
    && document.body.dataset.state === 'done', ours, { timeout: 20000 });
  // Lessons, then the Race button: the race's own optimizers, not the lesson's.
  await page.click('#view-lessons');
  await page.waitForSelector('[data-lesson-open] [data-choice="0"]');
  await page.click('#view-race');
  await page.waitForFunction((l) => [...document.querySelectorAll('#legend button')].map((e) => e.textContent).join() === l
    && document.body.dataset.state === 'done', ours, { timeout: 20000 });
  assert.match(await page.$eval('#formula', (e) => e.textContent), /^sphere/);
  // The step a student paused at travels in the link.
  await page.evaluate(() => {
    const s = document.getElementById('scrub');
    s.value = '37';
    s.dispatchEvent(new Event('input'));
  });
  await page.click('#share');
  const link = await page.evaluate(() => navigator.clipboard.readText());
  assert.match(link, /&step=37(&|$)/);
  const shared = await context.newPage();
  await shared.goto(link);
  await waitState(shared, ['done']);
  await shared.waitForFunction(() => document.getElementById('step-label').textContent.startsWith('37 /'));
  await shared.close();
  // An edit after a run says the paths on show are the old ones until Run.
  assert.equal(await page.isVisible('#changed-note'), false);
  await page.fill('[data-entry="0"] input[data-param="lr"]', '0.2');
  assert.equal(await page.isVisible('#changed-note'), true);
  assert.equal(await runAndWait(page), 'done');
  assert.equal(await page.isVisible('#changed-note'), false);
  await context.close();
});

test('student, own function: the map grows to where the runs went (Himmelblau typed)', async () => {
  const own = encodeURIComponent('(x^2+y-11)^2+(x+y^2-7)^2');
  const page = await open(`#function=${own}&opt=adam(lr=0.1)&start=1,1&steps=300`);
  assert.equal(await waitState(page, ['done', 'error']), 'done');
  await page.waitForFunction(() => /view=/.test(location.hash), null, { timeout: 20000 });
  const view = /view=([^&]+)/.exec(await page.evaluate(() => location.hash))[1].split(',').map(Number);
  assert.ok(view[1] > 3 && view[3] > 2, `the minimum (3, 2) is on the map: ${view}`);
  await seekEnd(page);
  assert.equal(await page.$$eval('#landscape [data-offmap]', (e) => e.length), 0);
  await page.close();
  // On a phone the formula field takes a row of its own: the title and the buttons keep theirs.
  const phone = await openTouch(`#function=${own}&opt=adam(lr=0.1)&start=1,1&steps=300&lang=ko`);
  assert.equal(await waitState(phone, ['done', 'error']), 'done');
  const boxes = await phone.evaluate(() => ['h1', '#share', '#own-function'].map((q) => document.querySelector(q)
    .getBoundingClientRect().toJSON()));
  assert.ok(boxes[0].width > 40, `the title: ${JSON.stringify(boxes[0])}`);
  assert.ok(boxes[1].height < 40 && boxes[1].width > boxes[1].height, `Copy link lies flat: ${JSON.stringify(boxes[1])}`);
  assert.ok(boxes[2].width > 300, 'the formula field spans the header');
  assert.equal(await phone.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), true);
  await shot(phone, 'student-own-function-390-ko');
  await phone.close();
});

test('no console errors on any page', () => {
  assert.deepEqual(problems, []);
});
