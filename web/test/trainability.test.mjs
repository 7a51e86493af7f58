// The Explore view's trainability maps (web/js/trainplan.js and their windows in
// explorewindow.js): the colour scale, the request and the link, the form's checks, and
// where float32 stops telling the rates of neighbouring cells apart.
// node --test web/test/
import assert from 'node:assert/strict';
import test from 'node:test';

import { explorationCsv, explorationRequest, formatExploreHash, parseExploreHash, planProblem } from '../js/exploreplan.js';
import {
  axisSpacing, doubleResolves, FLOAT_RESOLVES, magnification, planWindow, precisionFor, rectWindow, unresolvedAxis,
  withWindow,
} from '../js/explorewindow.js';
import {
  dimensionText, exponentDigits, rateText, TRAIN_DEFAULTS, trainColour, trainProblem, trainScale,
} from '../js/trainplan.js';

// GET /api/v1/limits's trainability group, as a server publishes it
const LIMITS = { width: 16, steps: 1000, side: 1024, log_rate: 10, work: 1e12 };
const plan = { kind: 'trainability', ...TRAIN_DEFAULTS, window: [...TRAIN_DEFAULTS.window], grid: 64, steps: 50 };

/** Float32 steps between two numbers (both rounded to float32 first; same sign). */
function floatSteps(a, b) {
  const f = new Float32Array([a, b]);
  const i = new Int32Array(f.buffer);
  return Math.abs(i[1] - i[0]);
}

const lightness = ([r, g, b]) => (Math.max(r, g, b) + Math.min(r, g, b)) / 2;

test('converged cells blue, diverged orange; lighter the faster, by rank within each colour', () => {
  // converged: -sum of loss ratios (small |m|: trained fast); diverged: sum of reciprocals
  const measure = Float32Array.from([-3, -50, -1e6, -50, 1.2, 40, 7, NaN]);
  const converged = Float32Array.from([1, 1, 1, 1, 0, 0, 0, 0]);
  const s = trainScale(measure, converged);
  assert.deepEqual([s.trained, s.diverged], [4, 3], 'counts leave out a measure that is not a number');
  const c = Array.from(measure, (_, r) => s.colourOf(r));
  for (const r of [0, 1, 2]) assert.ok(c[r][2] > c[r][0], `cell ${r} blue: ${c[r]}`);
  for (const r of [4, 5, 6]) assert.ok(c[r][0] > c[r][2], `cell ${r} orange: ${c[r]}`);
  assert.deepEqual(c[7], [150, 150, 150]);
  // ranks, not values: -1e6 is the darkest blue, no darker for being 20000 times -50
  assert.ok(lightness(c[0]) > lightness(c[1]) && lightness(c[1]) > lightness(c[2]));
  assert.deepEqual(c[1], c[3], 'ties share a colour');
  assert.deepEqual(c[0], trainColour('trained', 0));
  assert.deepEqual(c[2], trainColour('trained', 1));
  assert.deepEqual(c[4], trainColour('diverged', 0));
  assert.deepEqual(c[5], trainColour('diverged', 1));
  assert.deepEqual(c[6], trainColour('diverged', 0.5));
  // a deep zoom's measures differ in the fifth digit and still span the whole scale
  const deep = trainScale(Float32Array.from([-20.001, -20.002, -20.003]), Float32Array.from([1, 1, 1]));
  assert.deepEqual([deep.colourOf(0), deep.colourOf(2)], [trainColour('trained', 0), trainColour('trained', 1)]);
  // one cell of a kind: its lightest
  assert.deepEqual(trainScale([5], [0]).colourOf(0), trainColour('diverged', 0));
});

test('the request is the contract\'s, precision named only when double', () => {
  const whole = withWindow(plan, planWindow(plan));
  assert.deepEqual(explorationRequest(whole), {
    kind: 'trainability', width: 8, activation: 'tanh', steps: 50, grid: 64, window: [-2, 3, -2, 3], seed: 0,
  });
  const chosen = withWindow({ ...plan, chosen: 'double' }, planWindow(plan));
  assert.equal(explorationRequest(chosen).precision, 'double', 'double when the form chose it, on any window');
});

test('the link carries the window digit for digit, the settings and a chosen double; bad parts are listed', () => {
  const zoomed = withWindow({ ...plan, width: 5, activation: 'relu', seed: 7 },
    [{ lo: 0.1234567890123, hi: 0.1234567890124, n: 64 }, { lo: -1.5, hi: -1.5 + 1e-13, n: 64 }]);
  const hash = formatExploreHash({ ...zoomed, lang: 'ko' });
  assert.match(hash, /^#explore=trainability&width=5&activation=relu&steps=50&grid=64&window=0\.1234567890123,/);
  const back = parseExploreHash(hash);
  assert.deepEqual([back.kind, back.width, back.activation, back.steps, back.grid, back.seed, back.lang, back.chosen],
    ['trainability', 5, 'relu', 50, 64, 7, 'ko', undefined]);
  assert.deepEqual(back.window, zoomed.window);
  assert.deepEqual(back.ignored, []);
  assert.match(formatExploreHash({ ...plan, chosen: 'double' }), /&precision=double$/);
  assert.equal(parseExploreHash(formatExploreHash({ ...plan, chosen: 'double' })).chosen, 'double');
  const bad = parseExploreHash('#explore=trainability&width=0&activation=sigmoid&window=1,0,0,1&precision=half&grid=1');
  assert.deepEqual(bad.ignored.sort(), ['activation=sigmoid', 'grid=1', 'precision=half', 'width=0', 'window=1,0,0,1']);
  assert.equal(bad.width, undefined);
});

test('the form\'s checks name the field', () => {
  assert.equal(planProblem(plan, LIMITS), null);
  const field = (p) => (trainProblem({ ...plan, ...p }, LIMITS) || {}).field;
  assert.equal(field({ width: 0 }), 'width');
  assert.equal(field({ width: 17 }), 'width');
  assert.equal(field({ width: 2.5 }), 'width');
  assert.equal(field({ width: 16 }), undefined);
  assert.equal(field({ activation: 'sigmoid' }), 'activation');
  assert.equal(field({ steps: 0 }), 'steps');
  assert.equal(field({ steps: LIMITS.steps + 1 }), 'steps');
  assert.equal(field({ grid: 1 }), 'grid');
  assert.equal(field({ grid: NaN }), 'grid');
  assert.equal(field({ grid: LIMITS.side + 1 }), 'grid');
  assert.equal(field({ grid: LIMITS.side }), undefined);
  assert.equal(field({ width: 17 }), 'width');
  assert.equal(trainProblem({ ...plan, width: 17 }, LIMITS).args.max, 16, 'the server\'s limit, in the sentence');
  assert.equal(field({ seed: -1 }), 'seed');
  assert.equal(field({ seed: 0.5 }), 'seed');
  assert.equal(field({ window: [0, 0, 0, 1] }), 'window');
  assert.equal(field({ window: [-11, 0, 0, 1] }), 'window');
  assert.equal(field({ window: [-10, 10, -10, 10] }), undefined);
});

test('float32 resolves a window of decades while its cells are log10(1 + 2^-20) decades apart, at every centre', () => {
  const threshold = Math.log10(1 + FLOAT_RESOLVES);
  assert.ok(Math.abs(threshold - 4.14e-7) < 1e-9, String(threshold));
  const axis = (c, gap) => ({ name: 'lr1', lo: c, hi: c + 63 * gap, n: 64, decades: true });
  const rates = (a) => Array.from({ length: a.n }, (_, i) => 10 ** (a.lo + (i * (a.hi - a.lo)) / (a.n - 1)));
  const fewest = (a) => Math.min(...rates(a).slice(1).map((v, i) => floatSteps(rates(a)[i], v)));
  for (const c of [-2, -0.3, 0, 1.7, 2.99, 9 * Math.log10(2)]) {
    const above = axis(c, threshold * 1.05);
    assert.equal(precisionFor([above]), 'float', `at 10^${c}`);
    assert.equal(precisionFor([axis(c, threshold * 0.95)]), 'double', `at 10^${c}`);
    // what it means: the rates the kernel gets (10^e rounded once to float32) stay at least
    // 8 float steps apart above it (7 after a rounding either side; more where a rate lies
    // higher in its binade, up to 16, as with the other kinds' threshold)
    assert.ok(fewest(above) >= 7, `at 10^${c}: ${fewest(above)} float steps apart`);
  }
  // and below it, rates just above a power of two come closer than 8 float steps
  for (const k of [-6, 0, 3, 9]) {
    const below = axis(k * Math.log10(2), threshold * 0.95);
    assert.ok(fewest(below) < 8, `at 2^${k}: ${fewest(below)} float steps apart`);
  }
  // the exponents' own size does not count in float (the host holds them in double): a
  // linear axis near 3 would switch 7 times sooner, one near 0 never
  assert.equal(precisionFor([{ ...axis(0, threshold * 1.05), decades: false }]), 'float');
  assert.equal(precisionFor([{ ...axis(2.99, threshold * 1.05), decades: false }]), 'double');
  // the page's words: the gap in decades and how far apart the rates are, relative to their size
  const u = unresolvedAxis([axis(1, threshold * 0.5)]);
  assert.equal(u.name, 'lr1');
  assert.ok(Math.abs(u.gap - threshold * 0.5) < 1e-15);
  assert.ok(Math.abs(u.relative - 2 ** -21) < 1e-6 * 2 ** -21, String(u.relative)); // sqrt(1 + 2^-20) - 1
  assert.ok(Math.abs(axisSpacing(axis(0, 1)) - 9) < 1e-12, 'a decade apart: the rate 10 times the last');
});

test('double runs out at 2^-49 of the rates, or of the exponents where they are above 1 / ln 10', () => {
  const axis = (c, gap) => ({ name: 'lr2', lo: c, hi: c + 63 * gap, n: 64, decades: true });
  assert.ok(doubleResolves([axis(0.1, 1e-14)]));
  assert.ok(!doubleResolves([axis(0.1, 2 ** -49 / Math.LN10 / 2)]), 'the rates');
  assert.ok(doubleResolves([axis(0.1, 2 ** -49)]));
  assert.ok(!doubleResolves([axis(2.5, 2 ** -49)]), 'the exponents: 2^-49 of 2.5 is above the gap');
  assert.ok(doubleResolves([axis(2.5, 2 ** -49 * 4)]));
});

test('a zoom keeps the map square in decades, inside the first window; the double switch comes by itself', () => {
  const axes = planWindow(plan);
  assert.deepEqual(axes.map((a) => [a.name, a.lo, a.hi, a.n, a.decades]), [['lr1', -2, 3, 64, true], ['lr2', -2, 3, 64, true]]);
  const next = rectWindow(axes, { u0: 0.5, u1: 0.6, v0: 0.5, v1: 0.55 }, axes, { keepAspect: true });
  assert.ok(Math.abs((next[0].hi - next[0].lo) - (next[1].hi - next[1].lo)) < 1e-12, JSON.stringify(next));
  const zoomed = withWindow(plan, next);
  assert.deepEqual(zoomed.window, [next[0].lo, next[0].hi, next[1].lo, next[1].hi]);
  assert.equal(zoomed.precision, 'float');
  assert.ok(Math.abs(magnification(next, axes) - 5 / (next[0].hi - next[0].lo)) < 1e-9);
  const deep = withWindow(plan, [{ ...axes[0], lo: 1, hi: 1 + 1e-6 }, { ...axes[1], lo: 1, hi: 1 + 1e-6 }]);
  assert.equal(deep.precision, 'double');
  assert.equal(explorationRequest(deep).precision, 'double');
});

test('a pass as CSV: a row per cell with both rates\' exponents, the measure and whether it converged', () => {
  const pass = { kind: 'trainability', shape: [1, 2, 2], grid: [2, 2], window: [-2, 3, 0, 1] };
  const csv = explorationCsv(pass, { measure: [-3, 4, NaN, -1], converged: [1, 0, 0, 1] });
  assert.equal(csv, 'i,j,log10_lr1,log10_lr2,measure,converged\n0,0,-2,0,-3,1\n1,0,3,0,4,0\n0,1,-2,1,,0\n1,1,3,1,-1,1\n');
});

test('a cell\'s words: the rate with the digits its window needs, the dimension or a dash', () => {
  assert.equal(exponentDigits(5 / 63), 3);
  assert.equal(exponentDigits(1e-9), 10);
  assert.equal(exponentDigits(0), 2);
  assert.equal(rateText(0.5, 2), '10^0.50 = 3.162');
  assert.equal(rateText(-2, 2), '10^-2.00 = 0.01');
  assert.equal(dimensionText(1.09561), '1.0956');
  assert.equal(dimensionText(null), '—');
});
