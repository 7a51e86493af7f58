// "Tune fairly" end to end: Debian's chromium, headless, driven by playwright-core, against a
// `clopt serve` on a free loopback port. In English and in Korean: the race's three optimizers
// tuned on Rosenbrock (coarse plan, then full), each one's curve drawn, the ranking and the
// sentence about fairness shown, the tuned race run from the shared starts; the link to the
// fair race opened in a new page gives the same ranking. Screenshots in ARTIFACT_DIR.
//   node tests/e2e/tune.test.mjs CLOPT_BINARY ARTIFACT_DIR
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { NOISE_SEEDS, RACE_STARTS, TUNE_STARTS, TUNE_TEXT } from '../../web/js/tunefair.js';
import { session } from './harness.mjs';

const [binary, artifacts] = process.argv.slice(2);
const RACE = '#function=rosenbrock&opt=adam&opt=sgd(momentum=0.9)&opt=rmsprop&steps=300';
const s = session(binary, artifacts);
const { problems } = s; // console errors and page errors, from every page

const open = (hash) => s.open(hash, { viewport: { width: 1280, height: 1100 } });

const { shot } = s;
const tuned = (page, phase) => page.waitForFunction((p) => document.body.dataset.tune === p, phase,
  { timeout: 120000 });

/** What the panel shows once the full plan is in: curves, ranking, sentence, link. */
async function panel(page) {
  return page.evaluate(() => ({
    curves: [...document.querySelectorAll('#tune-curves .tune-curve')].map((g) => ({
      optimizer: g.dataset.optimizer,
      median: g.querySelector('path.median').getAttribute('d') || '',
      band: g.querySelector('path.band').getAttribute('d') || '',
      diverged: g.querySelector('path.diverged').getAttribute('d') || '',
      best: !!g.querySelector('circle.best'),
    })),
    ranking: [...document.querySelectorAll('#tune-ranking li')].map((li) => li.textContent),
    fair: document.getElementById('tune-fair').textContent,
    progress: document.getElementById('tune-progress').textContent,
    link: document.getElementById('tune-link').getAttribute('href'),
    caption: document.querySelector('#tune-panel figcaption').textContent,
  }));
}

for (const lang of ['en', 'ko']) {
  test(`Tune fairly on Rosenbrock (${lang}): curves, ranking, the tuned race, its link`, async () => {
    const text = TUNE_TEXT[lang];
    const page = await open(RACE + (lang === 'ko' ? '&lang=ko' : ''));
    await page.waitForFunction(() => ['done', 'running'].includes(document.body.dataset.state), null,
      { timeout: 60000 });
    assert.equal(await page.$eval('#tune-fairly', (b) => b.textContent), text.tuneFairly);
    await page.click('#tune-fairly');
    await tuned(page, 'full'); // the coarse pass came first (the stream's order)
    const p = await panel(page);
    assert.equal(p.caption, text.tuneCaption);
    assert.deepEqual(p.curves.map((c) => c.optimizer), ['adam', 'sgd', 'rmsprop']);
    for (const c of p.curves) {
      assert.match(c.median, /^M[\d.]+,[\d.]+(L[\d.]+,[\d.]+){2,}/, `${c.optimizer}: a median curve`);
      assert.ok(c.band.length > 0 && c.diverged.length > 0 && c.best, `${c.optimizer}: band, share, best`);
    }
    assert.equal(p.ranking.length, 3);
    assert.ok(p.ranking.every((r) => /^(Adam|SGD|RMSprop)\(lr=/.test(r)), p.ranking.join(' | '));
    assert.ok(p.fair.includes(String(TUNE_STARTS)) && p.fair.includes(String(RACE_STARTS)), p.fair);
    assert.equal(p.fair.startsWith(lang === 'ko' ? '여기서' : 'Fair here means'), true, p.fair);
    assert.ok(p.progress.includes('rosenbrock') && p.progress.includes('25'), p.progress);
    // The tuned race: the ranking's specs from the first shared starts, then the plan's URL.
    await page.waitForFunction(() => location.hash.startsWith('#tune&'), null, { timeout: 60000 });
    await page.waitForFunction(() => document.body.dataset.state === 'done', null, { timeout: 120000 });
    const drawn = await page.$$eval('#landscape [data-trajectory]', (t) => t.length);
    assert.equal(drawn, 3 * RACE_STARTS);
    const legend = await page.$eval('#legend', (e) => e.textContent);
    for (const r of p.ranking) assert.ok(legend.includes(r.split(':')[0].split('(')[0]), `${r} in ${legend}`);
    assert.equal(p.link, await page.evaluate(() => location.hash));
    assert.ok(p.link.includes('opt=adam') && p.link.includes('steps=300'), p.link);
    await shot(page, `tune-${lang}`);
    // The link to the fair race, in a new page: the same tuning (the same request), the same ranking.
    const again = await open(p.link);
    await tuned(again, 'full');
    assert.deepEqual((await panel(again)).ranking, p.ranking);
    await again.waitForFunction(() => document.body.dataset.state === 'done', null, { timeout: 120000 });
    await shot(again, `tune-link-${lang}`);
    await again.close();
    await page.close();
    assert.deepEqual(problems, []);
  });
}

test('Tune fairly with gradient noise: four seeds per start, said so, and the race keeps the noise', async () => {
  const page = await open('#function=rosenbrock&opt=adam&opt=sgd(momentum=0.9)&steps=200&noise=0.5&seed=3');
  await page.waitForFunction(() => ['done', 'running'].includes(document.body.dataset.state), null,
    { timeout: 60000 });
  await page.click('#tune-fairly');
  await tuned(page, 'full');
  const p = await panel(page);
  assert.ok(p.fair.includes('σ = 0.5') && p.fair.includes(`${NOISE_SEEDS} noise seeds`), p.fair);
  await page.waitForFunction(() => location.hash.startsWith('#tune&'), null, { timeout: 60000 });
  assert.ok(p.link.includes('noise=0.5') && p.link.includes('seed=3'), p.link);
  assert.equal(await page.$eval('#noise', (e) => e.value), '0.5');
  assert.equal(await page.$eval('#seed', (e) => e.value), '3');
  await page.close();
  assert.deepEqual(problems, []);
});
