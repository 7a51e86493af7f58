// The Lessons view end to end: Debian's chromium, headless, driven by playwright-core, against
// a `clopt serve` on a free loopback port. Walks every lesson in English and in Korean
// (predict, run, explain, one try-this) on one page, and saves screenshots of three lessons.
//   node tests/e2e/lessons.test.mjs CLOPT_BINARY ARTIFACT_DIR
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';

import { TEXT } from '../../web/js/i18n.js';
import { LESSONS } from '../../web/js/lessondata.js';
import { session } from './harness.mjs';

const [binary, artifacts] = process.argv.slice(2);
const s = session(binary, artifacts);
const { problems } = s; // console errors and page errors, from every page

const open = (hash, viewport) => s.open(hash, { viewport });

const card = '#lesson-card';
const waitPhase = (page, n, wanted) => page.waitForFunction(([k, w]) => {
  const e = document.querySelector('[data-lesson-open]');
  return e && e.dataset.lessonOpen === String(k) && e.dataset.phase === w;
}, [n, wanted], { timeout: 60000 });
const shot = (page, name) => s.shot(page, name, false);

/** No part of the page is wider than the window (no sideways scrolling). */
const fits = (page) => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);

/**
 * One lesson, from predict to a try-this, in the page's current language: the texts are the
 * lesson's, the choice is made (by keyboard when `keys`), the run plays to its end, the
 * explanation and the try-this buttons appear, one try-this reruns and ends in explain again.
 */
async function walk(page, lesson, lang, keys) {
  const x = lesson[lang];
  await waitPhase(page, lesson.n, 'predict');
  assert.match(await page.$eval('#lesson-title', (e) => e.textContent), new RegExp(x.title.replace(/[()]/g, '.')));
  const choices = await page.$$eval(`${card} [data-choice]`, (bs) => bs.map((b) => b.textContent));
  assert.deepEqual(choices, x.choices);
  assert.equal(await page.$(`${card} [data-try]`), null, 'no try-this before the prediction');
  // The scene is on the map before the run: its function and starts, no trajectory yet.
  await page.waitForFunction(() => document.body.dataset.state === 'ready');
  assert.equal(await page.$$eval('#landscape [data-trajectory]', (p) => p.length), 0);
  const choice = (lesson.answer + 1) % x.choices.length; // a wrong answer: the right one is shown
  if (keys) {
    await page.focus(`${card} [data-choice="0"]`);
    for (let i = 0; i < choice; i++) await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
  } else {
    await page.click(`${card} [data-choice="${choice}"]`);
  }
  await page.waitForFunction(() => ['run', 'explain'].includes(document.querySelector('[data-lesson-open]').dataset.phase));
  assert.equal(await page.$eval(`${card} [data-choice="${lesson.answer}"]`, (b) => b.className), 'right');
  assert.equal(await page.$eval(`${card} [data-choice="${choice}"]`, (b) => b.className), 'wrong');
  await waitPhase(page, lesson.n, 'explain');
  assert.equal(await page.evaluate(() => document.body.dataset.state), 'done');
  const drawn = await page.$$eval('#landscape [data-trajectory]', (p) => p.length);
  assert.equal(drawn, lesson.scene.opts.length * lesson.scene.starts.length);
  assert.equal(await page.$eval(`${card} .lesson-explain`, (e) => e.textContent), x.explain);
  if (lesson.focus) {
    assert.ok(await page.$('#equations .eq.focus'), `lesson ${lesson.n}: the equation line it is about is highlighted`);
  }
  const labels = await page.$$eval(`${card} [data-try]`, (bs) => bs.map((b) => b.textContent));
  assert.deepEqual(labels, lesson.tries.map((tr) => tr[lang].label));
  const k = lesson.tries.length - 1;
  await page.click(`${card} [data-try="${k}"]`);
  // the try's run, or already its end (a short scene at 20x can pass 'run' between polls)
  await page.waitForFunction(([n, sel]) => {
    const e = document.querySelector('[data-lesson-open]');
    return e && e.dataset.lessonOpen === String(n) && (e.dataset.phase === 'run'
      || (e.dataset.phase === 'explain' && document.querySelector(sel)?.getAttribute('aria-pressed') === 'true'));
  }, [lesson.n, `${card} [data-try="${k}"]`], { timeout: 60000 });
  await waitPhase(page, lesson.n, 'explain');
  assert.equal(await page.$eval(`${card} .lesson-try-note`, (e) => e.textContent), lesson.tries[k][lang].note);
  assert.equal(await page.$eval(`${card} [data-try="${k}"]`, (b) => b.getAttribute('aria-pressed')), 'true');
}

test('every lesson plays end to end, in English and in Korean', async () => {
  const page = await open('#lesson=1', { width: 1280, height: 800 });
  await page.evaluate(() => localStorage.clear());
  await waitPhase(page, 1, 'predict');
  await page.selectOption('#speed', '20'); // short scenes: the walk stays fast
  assert.equal(await page.$$eval('[data-lesson]', (bs) => bs.length), LESSONS.length);
  assert.equal(await page.$eval('#view-lessons', (b) => b.getAttribute('aria-pressed')), 'true');
  for (const lang of ['en', 'ko']) {
    if (lang === 'ko') {
      await page.click('#lang');
      await page.click('[data-lesson="1"]');
    }
    for (const lesson of LESSONS) {
      await walk(page, lesson, lang, lesson.n % 2 === 0);
      assert.match(page.url(), new RegExp(`#lesson=${lesson.n}${lang === 'ko' ? '&lang=ko' : '$'}`));
      if (lang === 'en' && lesson.n === 1) await shot(page, 'lesson-1-en');
      if (lang === 'ko' && lesson.n === 3) await shot(page, 'lesson-3-ko');
      if (lesson.n < LESSONS.length) {
        // next: by the button, or by the arrow key (focus off the fields)
        if (lesson.n % 2) await page.click('#lesson-next');
        else {
          await page.focus('#lesson-next');
          await page.keyboard.press('ArrowRight');
        }
      }
    }
  }
  // Progress is remembered: every lesson done, and a visit without a number opens the last one.
  const done = await page.$$eval('[data-lesson].done', (bs) => bs.length);
  assert.equal(done, LESSONS.length);
  await page.goto(s.url);
  await page.reload();
  await page.waitForFunction(() => ['done', 'error'].includes(document.body.dataset.state), null, { timeout: 60000 });
  // waited for either so that a failure is quick; only 'done' passes
  assert.equal(await page.evaluate(() => document.body.dataset.state), 'done');
  await page.click('#view-lessons');
  await waitPhase(page, LESSONS.length, 'predict');
  assert.equal(await page.$$eval('[data-lesson].done', (bs) => bs.length), LESSONS.length);
  // The language switches a lesson in place: same lesson, same phase.
  await page.click('[data-lesson="3"]');
  await waitPhase(page, 3, 'predict');
  const lang = await page.evaluate(() => document.documentElement.lang);
  await page.click('#lang');
  await waitPhase(page, 3, 'predict');
  const other = lang === 'ko' ? 'en' : 'ko';
  assert.match(await page.$eval('#lesson-title', (e) => e.textContent), new RegExp(LESSONS[2][other].title));
  assert.equal(await page.$eval('#view-lessons', (b) => b.textContent), TEXT[other].viewLessons);
  assert.ok(await fits(page));
  await page.close();
});

test('a lesson on a phone: readable, no sideways scrolling, the lesson above the map', async () => {
  const page = await open('#lesson=7', { width: 390, height: 844 });
  await waitPhase(page, 7, 'predict');
  await page.selectOption('#speed', '20');
  await page.click(`${card} [data-choice="${LESSONS[6].answer}"]`);
  await waitPhase(page, 7, 'explain');
  assert.equal(await page.$eval(`${card} .lesson-verdict`, (e) => e.className), 'lesson-verdict right');
  assert.ok(await fits(page));
  const [cardTop, mapTop] = await page.evaluate(() => ['#lessons', '#landscape']
    .map((s) => document.querySelector(s).getBoundingClientRect().top));
  assert.ok(cardTop < mapTop, 'the lesson comes before the map');
  await page.screenshot({ path: path.join(artifacts, 'lesson-7-phone.png'), fullPage: true });
  // Step 1's equations, with the bias correction highlighted.
  await page.evaluate(() => {
    const s = document.getElementById('scrub');
    s.value = 1;
    s.dispatchEvent(new Event('input'));
  });
  await page.waitForFunction(() => document.querySelector('#equations .eq.focus'));
  assert.match(await page.$eval('#equations .eq.focus', (e) => e.textContent), /lrt/);
  await page.close();
});

test('#lesson=N opens lesson N from the race, and no errors were logged', async () => {
  const page = await open('', { width: 1280, height: 800 });
  await page.waitForFunction(() => ['done', 'error'].includes(document.body.dataset.state), null, { timeout: 60000 });
  // waited for either so that a failure is quick; only 'done' passes
  assert.equal(await page.evaluate(() => document.body.dataset.state), 'done');
  await page.evaluate(() => { location.hash = '#lesson=5'; });
  await waitPhase(page, 5, 'predict');
  assert.equal(await page.evaluate(() => document.body.dataset.view), 'lessons');
  await page.click('#view-race');
  assert.equal(await page.evaluate(() => document.body.dataset.view), 'race');
  assert.ok(await page.isVisible('#run'));
  await page.close();
  assert.deepEqual(problems, []);
});
