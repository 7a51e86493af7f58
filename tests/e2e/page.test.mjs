// The page end to end: Debian's chromium, headless, driven by playwright-core, against a
// `clopt serve` on a free loopback port. Clicks and checks what a person would see.
//   node tests/e2e/page.test.mjs CLOPT_BINARY ARTIFACT_DIR
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { chromium } from 'playwright-core';

const [binary, artifacts] = process.argv.slice(2);
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
let server;
let url;
let browser;
const problems = []; // console errors and page errors, from every page

function startServer() {
  return new Promise((resolve, reject) => {
    server = spawn(binary, ['serve', '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
    server.stdout.once('data', (d) => resolve(d.toString().trim()));
    server.once('exit', (code) => reject(new Error(`clopt serve exited with ${code}`)));
  });
}

async function open(hash = '') {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`page: ${e.message}`));
  await page.goto(url + hash);
  return page;
}

const state = (page) => page.evaluate(() => document.body.dataset.state);

async function waitState(page, wanted, timeout = 60000) {
  await page.waitForFunction((w) => w.includes(document.body.dataset.state), wanted, { timeout });
  return state(page);
}

/**
 * Clicks Run and waits for the run to end. The click handler sets "running" before it
 * returns, so a "done" seen afterwards belongs to this run.
 */
async function runAndWait(page, button = '#run') {
  await page.click(button);
  return waitState(page, ['done', 'error']);
}

/** Seeks to the last step: every trajectory is drawn whole. */
async function seekEnd(page) {
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

const trajectoryPaths = (page) => page.$$eval('#landscape [data-trajectory]', (els) => els.map((e) => ({
  i: e.dataset.trajectory, optimizer: e.dataset.optimizer, d: e.getAttribute('d'),
})));

before(async () => {
  url = await startServer();
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
});

after(async () => {
  await browser?.close();
  server?.kill('SIGTERM');
});

test('the page loads, races seven optimizers on Rosenbrock and draws them all', async () => {
  const page = await open();
  assert.notEqual(await waitState(page, ['ready', 'running', 'done']), 'error');
  assert.equal(await page.$eval('#function', (s) => s.value), 'rosenbrock');
  // What a visitor sees first: the seven with learning rates for Rosenbrock, racing.
  assert.equal(await waitState(page, ['done', 'error']), 'done');
  assert.match(await page.$eval('#preset-note', (e) => e.textContent), /rosenbrock/);
  await seekEnd(page);
  mkdirSync(artifacts, { recursive: true });
  await page.screenshot({ path: path.join(artifacts, 'first-view.png') });
  await page.click('#all-seven');
  assert.equal(await runAndWait(page), 'done');
  await seekEnd(page);
  const paths = await trajectoryPaths(page);
  assert.equal(paths.length, 7);
  assert.deepEqual(paths.map((p) => p.optimizer),
    ['SGD', 'RMSprop', 'Adagrad', 'Adadelta', 'Adam', 'Adamax', 'Nadam']);
  for (const p of paths) assert.match(p.d, /^M[\d.-]+,[\d.-]+(L[\d.-]+,[\d.-]+)+$/, p.optimizer);
  const losses = await page.$$eval('#loss path[data-loss]', (els) => els.map((e) => e.getAttribute('d')));
  assert.equal(losses.length, 7);
  // With the Keras defaults SGD (lr 0.01) explodes on Rosenbrock: marked, and its curve ends.
  const diverged = await page.$$eval('#landscape [data-diverged]', (els) => els.map((e) => +e.dataset.diverged));
  assert.deepEqual(diverged, [0]);
  losses.forEach((d, i) => {
    assert.match(d, /^M/, `loss curve ${i}`);
    if (!diverged.includes(i)) assert.ok(d.split('L').length > 100, `loss curve ${i} has its points`);
  });
  assert.equal(await page.$$eval('#legend button', (b) => b.length), 7);
  assert.match(await page.$eval('#equations', (e) => e.textContent), /diverged at step \d+/);
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
  for (const p of await trajectoryPaths(page)) {
    const [x, y] = /^M([\d.-]+),([\d.-]+)/.exec(p.d).slice(1).map(Number);
    assert.ok(Math.abs(x - start[0]) < 1 && Math.abs(y - start[1]) < 1, `${p.optimizer} starts at the click`);
  }
  await page.close();
});

test('a rejected hyperparameter shows the server\'s message next to it', async () => {
  const page = await open();
  await waitState(page, ['done']);
  await page.fill('[data-entry="0"] input[data-param="momentum"]', '-1');
  await page.dispatchEvent('[data-entry="0"] input[data-param="momentum"]', 'change');
  assert.equal(await runAndWait(page), 'error');
  const message = await page.$eval('[data-entry-error="0"]', (e) => e.textContent);
  assert.match(message, /momentum/);
  assert.match(message, />= 0/);
  assert.equal(await page.evaluate(() => document.body.dataset.error), message);
  // Chrome logs the refused POST itself; that one is expected.
  const i = problems.findIndex((p) => /status of 400/.test(p));
  assert.ok(i >= 0);
  problems.splice(i, 1);
  assert.equal(await page.$$eval('[data-entry="0"] input.rejected', (els) => els.map((e) => e.dataset.param)).then((p) => p[0]), 'momentum');
  await page.close();
});

test('a share URL reproduces the same run', async () => {
  const hash = '#function=rosenbrock&opt=adam(lr=0.01)&opt=sgd(lr=0.001,momentum=0.9)&start=-1.5,2&steps=300';
  const first = await open(hash);
  assert.equal(await waitState(first, ['done', 'error']), 'done');
  await seekEnd(first);
  const a = await trajectoryPaths(first);
  assert.deepEqual(a.map((p) => p.optimizer), ['Adam', 'SGD']);
  const shared = await first.evaluate(() => location.hash);
  const second = await open(shared);
  assert.equal(await waitState(second, ['done', 'error']), 'done');
  await seekEnd(second);
  assert.deepEqual(await trajectoryPaths(second), a);
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
  const paths = await trajectoryPaths(page);
  assert.equal(paths.length, 1);
  const hash = await page.evaluate(() => location.hash);
  assert.match(decodeURIComponent(hash), /function=x\^2\+10\*y\^2/);
  await page.screenshot({ path: `${artifacts}/own-function.png` });
  const shared = await open(hash);
  assert.equal(await waitState(shared, ['done', 'error']), 'done');
  await seekEnd(shared);
  assert.deepEqual(await trajectoryPaths(shared), paths);
  assert.equal(await shared.$eval('#own-function', (e) => e.value), 'x^2+10*y^2');
  await page.close();
  await shared.close();
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
    if (button === '#export-json') assert.equal(JSON.parse(bytes).trajectories.length, 7);
    if (button === '#export-csv') assert.match(bytes.toString(), /^trajectory,optimizer,step,x,y,f\n0,/);
  }
  await page.selectOption('#function', 'himmelblau');
  await page.waitForFunction(() => /function=himmelblau/.test(location.hash));
  assert.equal(await waitState(page, ['done', 'error']), 'done');
  assert.equal((await trajectoryPaths(page)).length, 7);
  assert.equal(await page.$$eval('#landscape .minimum', (m) => m.length), 4);
  await page.close();
});

const trainState = (page) => page.evaluate(() => document.body.dataset.train);

test('the training view trains optimizers live and fills the accuracy table', async () => {
  const page = await open();
  await waitState(page, ['done']);
  await page.click('#view-train');
  assert.equal(await page.evaluate(() => document.body.dataset.view), 'train');
  assert.equal(await page.evaluate(() => location.hash), '#training');
  assert.equal(await page.isVisible('#landscape'), false);
  assert.equal(await trainState(page), 'idle');
  // A refused optimizer: the server's message under that entry.
  await page.fill('[data-train-spec="1"]', 'sgd(lr=-1)');
  await page.click('#train-start');
  await page.waitForFunction(() => document.body.dataset.train === 'error');
  assert.match(await page.$eval('.spec-row:nth-child(2) .error', (e) => e.textContent), /lr/);
  assert.equal(await page.$eval('input.rejected', (e) => e.dataset.trainSpec), '1');
  const i = problems.findIndex((p) => /status of 400/.test(p));
  assert.ok(i >= 0);
  problems.splice(i, 1);
  // A short real training: 3,000 examples, 2 epochs, two optimizers.
  await page.fill('[data-train-spec="1"]', 'sgd(lr=0.01, momentum=0.9)');
  await page.fill('#train-limit', '3000');
  await page.fill('#train-epochs', '2');
  await page.fill('#train-hidden', '64');
  await page.click('#train-start');
  await page.waitForFunction(() => ['done', 'error'].includes(document.body.dataset.train),
    null, { timeout: 120000 });
  assert.equal(await trainState(page), 'done', await page.evaluate(() => document.body.dataset.trainError));
  const curves = await page.$$eval('#train-loss [data-train-loss] .smooth', (els) => els.map((e) => e.getAttribute('d')));
  assert.equal(curves.length, 2);
  for (const d of curves) assert.equal(d.split('L').length, 2 * 24, 'one point per batch');
  const rows = await page.$$eval('#train-table tbody tr', (trs) => trs.map((tr) => [...tr.cells].map((c) => c.textContent)));
  assert.equal(rows.length, 2);
  assert.match(rows[0][0], /^Adam\(\)$/);
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
  // The hash opens the view directly, in Korean too.
  const direct = await open('#training');
  await direct.waitForFunction(() => document.body.dataset.view === 'train');
  await direct.click('#lang');
  assert.equal(await direct.$eval('#train-start', (e) => e.textContent), '학습');
  await direct.close();
  await page.close();
});

test('no console errors on any page', () => {
  assert.deepEqual(problems, []);
});
