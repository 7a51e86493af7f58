// The race's run and playback (racerun.js) and the router's reading of a hash (router.js),
// without a browser: node --test web/test/
import assert from 'node:assert/strict';
import test from 'node:test';

import { advance, fittedView, label, newRun, seek, specs, STEPS_PER_SECOND, storeRows } from '../js/racerun.js';
import { browserLang, exploreViewHash, lessonHash, routeOf, trainingHash } from '../js/router.js';
import { setKinds } from '../js/scales.js';

const optimizers = [
  { key: 'sgd', name: 'SGD', hyperparameters: [{ name: 'lr', default: 0.01 }, { name: 'momentum', default: 0 }] },
  { key: 'adam', name: 'Adam', hyperparameters: [{ name: 'lr', default: 0.001 }] },
];
setKinds(optimizers);

function raceState() {
  return {
    optimizers,
    entries: [{ key: 'adam', params: { lr: 0.01 } }, { key: 'sgd', params: { momentum: 0.9 } }],
    run: null, step: 0, position: 0, playing: false, speed: 1,
  };
}

/** The server's answer to a run of the state's entries from starts. */
function accepted(state, starts) {
  const trajectories = [];
  for (const e of state.entries) {
    for (const s of starts) trajectories.push({ optimizer: { name: e.key }, start: s });
  }
  return { id: 'r1', events: '/e', trajectories };
}

test('specs and labels say each entry as a spec, labels with the display name', () => {
  const state = raceState();
  assert.deepEqual(specs(state), ['adam(lr=0.01)', 'sgd(momentum=0.9)']);
  assert.equal(label(state, state.entries[1]), 'SGD(momentum=0.9)');
});

test('newRun: trajectories ordered entry by entry, start by start, NaN until rows arrive', () => {
  const state = raceState();
  const starts = [[1, 2], [3, 4], [5, 6]];
  const r = newRun(state, { steps: 10, starts, state: true }, accepted(state, starts));
  assert.equal(r.trajectories.length, 6);
  assert.deepEqual(r.trajectories.map((tr) => [tr.k, tr.s]), [[0, 0], [0, 1], [0, 2], [1, 0], [1, 1], [1, 2]]);
  assert.equal(r.trajectories[4].label, 'SGD(momentum=0.9)');
  assert.equal(r.x[0].length, 11);
  assert.ok(r.x.every((a) => a.every(Number.isNaN)));
  assert.equal(r.available, -1);
  assert.equal(r.points.length, 6);
  assert.equal(newRun(state, { steps: 10, starts, state: false }, accepted(state, starts)).points, null);
});

test('storeRows: each point at its step, a diverged (null) point left NaN, available the last step', () => {
  const state = raceState();
  const r = newRun(state, { steps: 4, starts: [[0, 0]], state: true }, accepted(state, [[0, 0]]));
  storeRows(r, [{ step: 0, points: [[1, 2, 3], [4, 5, 6]] }, { step: 1, points: [[1.5, 2.5, 3.5], null] }]);
  assert.equal(r.available, 1);
  assert.deepEqual([r.x[0][1], r.y[0][1], r.f[0][1]], [1.5, 2.5, 3.5]);
  assert.ok(Number.isNaN(r.x[1][1]));
  assert.deepEqual(r.points[1][0], [4, 5, 6]);
  storeRows(r, [{ step: 0, points: [[1, 2, 3], [4, 5, 6]] }]); // a replayed row does not move available back
  assert.equal(r.available, 1);
});

test('advance: playback moves at STEPS_PER_SECOND × speed, never past what has arrived, stops at the end', () => {
  const state = raceState();
  state.run = { steps: 500, available: 200, finished: false };
  state.playing = true;
  assert.equal(advance(state, 1000), false);
  assert.equal(state.step, STEPS_PER_SECOND);
  state.speed = 4;
  advance(state, 1000);
  assert.equal(state.step, 200, 'held at the last step that arrived');
  assert.equal(state.playing, true, 'still playing: more steps are coming');
  state.run.available = 500;
  state.run.finished = true;
  advance(state, 1000);
  assert.equal(state.step, 500);
  assert.equal(state.playing, false);
  assert.equal(advance(state, 1000), true, 'at the end of a finished run');
  seek(state, 7);
  assert.deepEqual([state.step, state.position, state.playing], [7, 7, false]);
});

test('routeOf: each view from its hash, with the language', () => {
  assert.deepEqual(routeOf(''), { view: 'race', lang: 'en' });
  assert.deepEqual(routeOf('#function=beale&steps=9&lang=ko'), { view: 'race', lang: 'ko' });
  assert.deepEqual(routeOf('#lesson=3&lang=ko'), { view: 'lessons', lesson: 3, lang: 'ko' });
  assert.deepEqual(routeOf('#training'), { view: 'train', lang: 'en' });
  assert.deepEqual(routeOf(trainingHash('ko')), { view: 'train', lang: 'ko' });
  const explore = routeOf('#explore=basins&function=himmelblau&opt=adam&steps=200&lang=ko');
  assert.equal(explore.view, 'explore');
  assert.equal(explore.lang, 'ko');
  assert.equal(explore.plan.function, 'himmelblau');
  assert.equal(routeOf(exploreViewHash('en')).view, 'explore');
  assert.deepEqual(routeOf(lessonHash(12, 'en')), { view: 'lessons', lesson: 12, lang: 'en' });
});

test('a URL without lang= follows the browser: ko-KR gets Korean', () => {
  assert.equal(browserLang(['ko-KR', 'ko', 'en-US']), 'ko');
  assert.equal(browserLang(['fr-FR', 'ko']), 'ko');
  assert.equal(browserLang(['en-GB', 'ko']), 'en');
  assert.equal(browserLang(['de']), 'en');
  assert.equal(browserLang(undefined), 'en');
  assert.equal(routeOf('', 'ko').lang, 'ko');
  assert.equal(routeOf('#lesson=2', 'ko').lang, 'ko');
  assert.equal(routeOf('#training', 'ko').lang, 'ko');
  assert.equal(routeOf('#function=sphere&lang=en', 'ko').lang, 'en');
  assert.equal(routeOf('#function=sphere').lang, 'en');
});

test('two entries of one optimizer get two colours', () => {
  const state = { ...raceState(), entries: [{ key: 'adam', params: { lr: 0.01 } }, { key: 'adam', params: { lr: 0.1 } }] };
  const request = { steps: 3, starts: [[0, 0]], state: false };
  const body = { id: 'r', trajectories: [{ optimizer: { name: 'Adam' } }, { optimizer: { name: 'Adam' } }] };
  const r = newRun(state, request, body);
  assert.notEqual(r.trajectories[0].colour, r.trajectories[1].colour);
  assert.notEqual(r.entries[0].colour, r.entries[1].colour);
});

test('an own function\'s map grows to hold its runs (Himmelblau typed: a minimum at (3, 2))', () => {
  const run = { available: 2, x: [new Float64Array([1, 2.5, 3]), new Float64Array([1, NaN, NaN])],
    y: [new Float64Array([1, 1.8, 2]), new Float64Array([1, NaN, NaN])] };
  assert.deepEqual(fittedView([-2, 2, -2, 2], run), [-2.5, 3.5, -2.4, 2.4]);
  assert.equal(fittedView([-4, 4, -4, 4], run), null);
  assert.equal(fittedView([-4, 4, -4, 4], { ...run, x: [run.x[0].map((v) => v * 1e9), run.x[1]], diverged: [2, null] }), null);
});

test('a hash names its language only when the browser\'s differs', async () => {
  const { formatHash, setUnmarkedLang } = await import('../js/urlstate.js');
  const v = { function: 'sphere', opts: [], starts: [], steps: 10 };
  setUnmarkedLang('ko');
  try {
    assert.match(formatHash({ ...v, lang: 'en' }), /&lang=en$/);
    assert.doesNotMatch(formatHash({ ...v, lang: 'ko' }), /lang=/);
    assert.equal(lessonHash(2, 'en'), '#lesson=2&lang=en');
    assert.equal(trainingHash('ko'), '#training');
  } finally {
    setUnmarkedLang('en');
  }
  assert.equal(lessonHash(2, 'ko'), '#lesson=2&lang=ko');
  assert.doesNotMatch(formatHash({ ...v, lang: 'en' }), /lang=/);
});
