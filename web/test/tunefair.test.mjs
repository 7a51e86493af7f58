// Unit tests of tunefair.js's pure parts: node --test web/test/
import assert from 'node:assert/strict';
import test from 'node:test';

import { TEXT } from '../js/i18n.js';
import { parseHash } from '../js/urlstate.js';
import {
  curvePoints, isTuneHash, rankingRows, TUNE_STARTS, TUNE_TEXT, tuneHash, tuningRequest,
} from '../js/tunefair.js';

// The shape of a pass's "tuning" (clopt tune --json), two optimizers, three values each.
const TUNING = {
  function: 'rosenbrock', score: 'final', steps: 300, starts: [[0.1, 2.8], [-1, 0.4]], seeds: 1, noise: 0,
  optimizers: [
    { optimizer: 'first', vary: 'lr', values: [1e-7, 1e-5, 0.01], median: [2, 1, null], q1: [1.5, 0.5, -1],
      q3: [2.5, 1.5, null], diverged: [0, 0.25, 0.75], best: 1e-5, tuned: 'SGD(lr=1e-05, momentum=0.9)' },
    { optimizer: 'second', vary: 'lr', values: [1e-4, 0.01, 10], median: [0, -3, -1], q1: [-1, -4, -2],
      q3: [1, -2, 0], diverged: [0, 0, 0], best: 0.01, tuned: 'Adam(lr=0.01)' },
  ],
  ranking: ['second', 'first'],
};

test('every text of the view in English and Korean, added to the page table', () => {
  assert.deepEqual(Object.keys(TUNE_TEXT.ko).sort(), Object.keys(TUNE_TEXT.en).sort());
  for (const lang of ['en', 'ko']) {
    for (const [k, v] of Object.entries(TUNE_TEXT[lang])) assert.equal(TEXT[lang][k], v);
  }
});

test('a fair race hash is the race hash after "#tune&", and parses as the race', () => {
  const race = '#function=rosenbrock&opt=adam&steps=300&lang=ko';
  const hash = tuneHash(race);
  assert.equal(hash, '#tune&function=rosenbrock&opt=adam&steps=300&lang=ko');
  assert.ok(isTuneHash(hash) && isTuneHash('#tune') && !isTuneHash(race) && !isTuneHash('#tuned=1'));
  const v = parseHash(hash);
  assert.deepEqual([v.function, v.opts, v.steps, v.lang, v.ignored], ['rosenbrock', ['adam'], 300, 'ko', []]);
});

test('the request: the race\'s function, specs, steps and noise, 64 starts, score final', () => {
  assert.deepEqual(tuningRequest('beale', ['adam'], 200),
    { function: 'beale', optimizers: ['adam'], steps: 200, starts: TUNE_STARTS, score: 'final' });
  assert.deepEqual(tuningRequest('beale', ['adam'], 200, 0.5),
    { function: 'beale', optimizers: ['adam'], steps: 200, starts: TUNE_STARTS, score: 'final', noise: 0.5, seeds: 4 });
});

test('curve points: the rate over the race\'s own, gaps where the median is infinite, the best marked', () => {
  const p = curvePoints(TUNING.optimizers[0]);
  const want = [1e-4, 1e-2, 10]; // the race's lr is values[0] / 1e-4 = 0.001
  p.forEach((q, i) => assert.ok(Math.abs(q.x / want[i] - 1) < 1e-12, `${q.x} ~ ${want[i]}`));
  assert.deepEqual(p.map((q) => q.median), [2, 1, null]);
  assert.deepEqual(p.map((q) => q.best), [false, true, false]);
  assert.equal(p[2].diverged, 0.75);
});

test('the ranking in the server\'s order, each at its tuned value', () => {
  assert.deepEqual(rankingRows(TUNING), [
    { spec: 'Adam(lr=0.01)', key: 'adam', median: -3, diverged: 0 },
    { spec: 'SGD(lr=1e-05, momentum=0.9)', key: 'sgd', median: 1, diverged: 0.25 },
  ]);
});
