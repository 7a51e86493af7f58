// Unit tests of the page's pure modules: node --test web/test/
import assert from 'node:assert/strict';
import test from 'node:test';

import { TEXT, particles, setLanguage, t } from '../js/i18n.js';
import { formulaHtml, isExpression } from '../js/ownfunction.js';
import {
  colour, contourLevels, dash, equalScales, landscapeTransform, lossFloor, lossScaleKind, PALETTE, repeats, setKinds,
} from '../js/scales.js';
import { checkSpec, checkValue } from '../js/validate.js';
import { evaluate } from '../js/equations.js';
import { ema, epochPosition, percent } from '../js/series.js';
import { formatNumber, formatSchedule, formatSpec, parseSpec } from '../js/spec.js';
import { formatHash, parseHash } from '../js/urlstate.js';
import {
  cellAt, cellColour, explorationCsv, explorationRequest, formatExploreHash, parseExploreHash, planProblem,
  specWith, startOf, sweepDefaults, sweepValue,
} from '../js/exploreplan.js';

// GET /api/v1/limits's explorations, as the server answers today.
const EXPLORE_LIMITS = { maps: 16, side: 4096, runs: 1048576, steps: 100000, run_steps: 4000000000 };

const adam = {
  key: 'adam',
  hyperparameters: [
    { name: 'lr', default: 0.001 }, { name: 'beta_1', default: 0.9 },
    { name: 'beta_2', default: 0.999 }, { name: 'epsilon', default: 1e-8 },
    { name: 'decay', default: 0 }],
};
const sgd = {
  key: 'sgd',
  hyperparameters: [
    { name: 'lr', default: 0.01 }, { name: 'momentum', default: 0 }, { name: 'decay', default: 0 },
    { name: 'nesterov', default: false, range: { type: 'boolean' } }],
};

test('the hash of the issue restores function, optimizers, start and steps', () => {
  const v = parseHash('#function=rosenbrock&opt=adam(lr=0.01)&opt=sgd(lr=0.001,momentum=0.9)'
    + '&start=-1.5,2&steps=500');
  assert.equal(v.function, 'rosenbrock');
  assert.deepEqual(v.opts, ['adam(lr=0.01)', 'sgd(lr=0.001, momentum=0.9)']);
  assert.deepEqual(v.starts, [[-1.5, 2]]);
  assert.equal(v.steps, 500);
});

test('format then parse gives the same view back', () => {
  const view = {
    function: 'beale', opts: ['adam(lr=0.05)', 'sgd(momentum=0.9, nesterov=True)'],
    starts: [[1, 1.5], [-2.25, 0.125]], steps: 300, noise: 0.5, seed: 7,
    view: [-4.5, 4.5, -4.5, 4.5], lang: 'ko',
  };
  const back = parseHash(formatHash(view));
  assert.deepEqual(back, { ...view, ignored: [] });
});

test('bad parts of a hash are left out and listed, not fatal', () => {
  const v = parseHash('#function=sphere&start=1,x&start=1,2,3&steps=-4&view=3,1,0,1&noise=nan'
    + '&lang=fr&opt=%E0%A4%A');
  assert.deepEqual(v, {
    function: 'sphere', opts: [], starts: [],
    ignored: ['start=1,x', 'start=1,2,3', 'steps=-4', 'view=3,1,0,1', 'noise=nan', 'lang=fr', 'opt=%E0%A4%A'],
  });
});

test('the catalogue\'s equation numbers: names, powers, sqrt, comparisons, booleans', () => {
  const vars = { lr: 0.01, beta_1: 0.9, beta_2: 0.999, t: 2, amsgrad: 0, momentum: 0.5, nesterov: 1 };
  assert.equal(evaluate('1-beta_1', vars), 1 - 0.9);
  assert.equal(evaluate('beta_2^t', vars), 0.999 ** 2);
  assert.equal(evaluate('2^3^2', vars), 512); // right-associative
  assert.equal(evaluate('-2^2', vars), -4);
  assert.equal(evaluate('lr*sqrt(1-beta_2^t)/(1-beta_1^t)', vars), 0.01 * Math.sqrt(1 - 0.999 ** 2) / (1 - 0.9 ** 2));
  assert.equal(evaluate('(momentum>0)*!nesterov', vars), 0);
  assert.equal(evaluate('!amsgrad', vars), 1);
  assert.equal(evaluate('1e-3 < lr', vars), 1);
  assert.throws(() => evaluate('beta_3', vars), /unknown beta_3/);
  assert.throws(() => evaluate('1 +', vars));
});

test('specs keep only the hyperparameters that differ from the defaults', () => {
  assert.equal(formatSpec(adam, { lr: 0.05, beta_1: 0.9 }), 'adam(lr=0.05)');
  assert.equal(formatSpec(adam, {}), 'adam()');
  assert.equal(formatSpec(sgd, { lr: 0.01, momentum: 0.9, nesterov: true }),
    'sgd(momentum=0.9, nesterov=True)');
  assert.equal(formatSpec(adam, { epsilon: 1e-7 }), 'adam(epsilon=1e-07)');
  assert.equal(formatNumber(2), '2.0');
});

test('specs parse back, and garbage is refused', () => {
  assert.deepEqual(parseSpec('SGD(lr=0.1, momentum=0.9, nesterov=True)'),
    { key: 'sgd', params: { lr: 0.1, momentum: 0.9, nesterov: true }, schedule: null });
  assert.deepEqual(parseSpec('rmsprop'), { key: 'rmsprop', params: {}, schedule: null });
  assert.equal(parseSpec('adam(lr)'), null);
  assert.equal(parseSpec('1adam()'), null);
});

// GET /api/v1/schedules' cosine and wsd, as the server answers today (the parts used here).
const COSINE = { name: 'cosine', parameters: [{ name: 'steps', default: null, required: true },
  { name: 'alpha', default: 0.0, required: false }, { name: 'warmup', default: 0, required: false }] };
const WSD = { name: 'wsd', parameters: [{ name: 'steps', default: null, required: true },
  { name: 'decay', default: 0.2, required: false }, { name: 'shape', default: 'linear', required: false, choices: ['linear', 'sqrt'] },
  { name: 'warmup', default: 0, required: false }] };

test('a schedule goes into the spec as schedule=name(...) and parses back, commas inside and all', () => {
  const text = formatSpec(adam, { lr: 0.05 }, { name: 'cosine', params: { steps: 500, warmup: 50, alpha: 0 } }, COSINE);
  assert.equal(text, 'adam(lr=0.05, schedule=cosine(steps=500, warmup=50))');
  assert.deepEqual(parseSpec(text), { key: 'adam', params: { lr: 0.05 },
    schedule: { name: 'cosine', params: { steps: 500, warmup: 50 } } });
  // a word is quoted; a default left out; a link's spec (no spaces) reads the same
  assert.equal(formatSchedule(WSD, { name: 'wsd', params: { steps: 100, shape: 'sqrt', decay: 0.2 } }),
    'wsd(steps=100, shape="sqrt")');
  assert.deepEqual(parseSpec('sgd(lr=0.1,schedule=wsd(steps=100,shape="sqrt"))').schedule,
    { name: 'wsd', params: { steps: 100, shape: 'sqrt' } });
  assert.equal(parseSpec('adam(schedule=cosine(steps=5)'), null, 'unbalanced');
  assert.equal(parseSpec('adam(schedule=cosine(schedule=step(every=2)))'), null, 'a schedule in a schedule');
});

test('loss scale: log always, also when a run reaches 0 exactly (its floor); linear below 0', () => {
  assert.equal(lossScaleKind([3, 1, 0.5, null, NaN]), 'log');
  assert.equal(lossScaleKind([3, 0]), 'log');
  assert.equal(lossScaleKind([0, 0]), 'log');
  assert.equal(lossScaleKind([-39, 2]), 'linear');
  assert.equal(lossScaleKind([]), 'log');
  assert.equal(lossFloor([3, 0, 0.02, NaN]), 0.002);
  assert.equal(lossFloor([0, 0]), 1e-12);
});

test('landscape transform: log keeps the minimum finite and is monotonic', () => {
  const t = landscapeTransform(0, 2500, true);
  assert.ok(Number.isFinite(t(0)));
  assert.ok(t(0) < t(1) && t(1) < t(2500));
  assert.equal(landscapeTransform(-5, 5, false)(3), 3);
  assert.deepEqual(contourLevels(0, 10, 4), [2, 4, 6, 8]);
});

test('colours follow the optimizer kind, not its place in the list', () => {
  const keys = ['sgd', 'rmsprop', 'adagrad', 'adadelta', 'adam', 'adamax', 'nadam'];
  setKinds(keys.map((key) => ({ key })));
  assert.equal(new Set(keys.map(colour)).size, 7);
  assert.equal(colour('Adam'), colour('adam'));
  assert.equal(colour('adam'), PALETTE[4]);
  setKinds([...keys].reverse().map((key) => ({ key })));
  assert.equal(colour('adam'), PALETTE[2]);
  assert.deepEqual(repeats(['adam', 'sgd', 'adam', 'adam']), [0, 0, 1, 2]);
  assert.equal(dash(0), '');
  assert.notEqual(dash(1), '');
  // Twelve kinds, twelve colours; the thirteenth shares the first one's, dashed.
  const twelve = [...keys, 'adamw', 'lamb', 'radam', 'lion', 'k12'];
  setKinds([...twelve, 'k13'].map((key) => ({ key })));
  assert.equal(new Set(twelve.map((k) => colour(k))).size, 12);
  assert.equal(colour('k13'), colour('sgd'));
  assert.equal(dash(0, 'sgd'), '');
  assert.notEqual(dash(0, 'k13'), '');
  // Variants of one kind: a shade each, none the colour of another kind.
  const adams = [0, 1, 2, 3].map((n) => colour('adam', n));
  assert.equal(new Set(adams).size, 4);
  for (const c of adams.slice(1)) assert.ok(!twelve.some((k) => colour(k) === c), c);
  assert.match(colour('adam', 1), /^#[0-9A-F]{6}$/);
});

test('training series: epoch positions, bias-corrected moving average, percentages', () => {
  assert.equal(epochPosition(1, 1, 4), 0.25);
  assert.equal(epochPosition(3, 4, 4), 3);
  assert.deepEqual(ema([2, 2, 2], 0.5), [2, 2, 2]); // a constant stays put from the start
  const s = ema([4, 0], 0.5); // m: 2, then 1; weights 0.5, 0.75
  assert.equal(s[0], 4);
  assert.ok(Math.abs(s[1] - 4 / 3) < 1e-12);
  assert.deepEqual(ema([]), []);
  assert.equal(percent(0.87139), '87.1%');
  assert.equal(percent(undefined), '—');
});

test('ownfunction: a bare word is a name, anything else an expression', () => {
  assert.equal(isExpression('rosenbrok'), false);
  assert.equal(isExpression(' sphere '), false);
  for (const e of ['x', 'y', 'x^2', '2', '(x)', 'sin(x)', 'x y']) assert.equal(isExpression(e), true, e);
});

test('ownfunction: the canonical formula as HTML, exponents raised and text escaped', () => {
  assert.equal(formulaHtml('(1-x)^2+100*(y-x^2)^2'),
    '(1 − <i>x</i>)<sup>2</sup> + 100 · (<i>y</i> − <i>x</i><sup>2</sup>)<sup>2</sup>');
  assert.equal(formulaHtml('2^3^2'), '2<sup>3<sup>2</sup></sup>');
  assert.equal(formulaHtml('x^-2+e^(x*y)'), '<i>x</i><sup>−2</sup> + <i>e</i><sup><i>x</i> · <i>y</i></sup>');
  assert.equal(formulaHtml('pi*x<y&"'), 'π · <i>x</i>&lt;<i>y</i>&amp;&quot;');
});

test('typed values are checked against the catalogue\'s ranges', () => {
  const lr = { min: 0, min_inclusive: true };
  assert.deepEqual(checkValue('0.05', lr), { value: 0.05 });
  assert.deepEqual(checkValue(' 1e-3 ', lr), { value: 0.001 });
  assert.deepEqual(checkValue('abc', lr).problem, { kind: 'number', text: 'abc' });
  assert.equal(checkValue('0x10', lr).problem.kind, 'number');
  assert.equal(checkValue('Infinity', lr).problem.kind, 'number');
  assert.deepEqual(checkValue('-1', lr).problem, { kind: 'min', bound: 0, inclusive: true, text: '-1' });
  assert.deepEqual(checkValue('', lr, { optional: true }), { value: undefined });
  assert.equal(checkValue('', lr).problem.kind, 'number');
  const rho = { min: 0, min_inclusive: true, max: 1, max_inclusive: false };
  assert.deepEqual(checkValue('1', rho).problem, { kind: 'max', bound: 1, inclusive: false, text: '1' });
  assert.equal(checkValue('0.999', rho).value, 0.999);
  assert.equal(checkValue('0', { min: 0, min_inclusive: false }).problem.kind, 'min');
  assert.equal(checkValue('2.5', { min: 1 }, { integer: true }).problem.kind, 'integer');
});

test('optimizer specs are checked against the catalogue', () => {
  const infos = [sgd, { ...adam, hyperparameters: adam.hyperparameters.map((h) => ({ ...h, range: { min: 0 } })) }];
  assert.equal(checkSpec('adam(lr=0.01)', infos), null);
  assert.equal(checkSpec('adam(learning_rate=0.01)', infos), null);
  assert.equal(checkSpec('sgd(nesterov=True)', infos), null);
  assert.equal(checkSpec('adam(lr)', infos).kind, 'spec');
  assert.deepEqual(checkSpec('admx', infos), { kind: 'optimizer', text: 'admx' });
  assert.equal(checkSpec('adam(rho=0.9)', infos).kind, 'param');
  const r = checkSpec('adam(lr=-1)', infos);
  assert.equal(r.kind, 'range');
  assert.equal(r.h.name, 'lr');
  assert.equal(r.problem.kind, 'min');
  assert.equal(checkSpec('sgd(nesterov=3)', infos).kind, 'range');
});

test('explore colours: black diverged, grey neither, one hue per minimum, lighter when sooner', () => {
  assert.deepEqual(cellColour(2, 10, 5, 100), [0, 0, 0]);
  assert.deepEqual(cellColour(-1, -1, -1, 100), [150, 150, 150]);
  const hues = [0, 1, 2, 3].map((m) => cellColour(m, 50, -1, 100).join());
  assert.equal(new Set(hues).size, 4);
  const sum = (c) => c[0] + c[1] + c[2];
  assert.ok(sum(cellColour(0, 1, -1, 100)) > sum(cellColour(0, 90, -1, 100)));
  assert.ok(sum(cellColour(0, 90, -1, 100)) > sum(cellColour(0, -1, -1, 100)));
});

const sgdRanged = {
  key: 'sgd',
  hyperparameters: [
    { name: 'lr', default: 0.01, range: { min: 0, min_inclusive: true } },
    { name: 'momentum', default: 0, range: { min: 0, min_inclusive: true } },
    { name: 'nesterov', default: false, range: { type: 'boolean' } }],
};
const adamRanged = {
  key: 'adam',
  hyperparameters: [
    { name: 'lr', default: 0.001, range: { min: 0, min_inclusive: true } },
    { name: 'beta_1', default: 0.9, range: { min: 0, min_inclusive: true, max: 1, max_inclusive: false } },
    { name: 'amsgrad', default: false, range: { type: 'boolean' } }],
};

test('an explore link round-trips: basins with grid and view, sweeps with two axes', () => {
  const basins = { kind: 'basins', function: 'himmelblau', opts: ['adam(lr=0.05)', 'sgd(lr=0.01, momentum=0.9)'],
    starts: [[0, 0]], view: [-5, 5, -4, 4], steps: 500, grid: 512, vary: [], lang: 'ko' };
  const h = formatExploreHash(basins);
  assert.match(h, /^#explore=basins&function=himmelblau&opt=adam\(lr=0\.05\)&opt=sgd\(lr=0\.01,momentum=0\.9\)/);
  const b = parseExploreHash(h);
  assert.equal(b.kind, 'basins');
  assert.deepEqual([b.function, b.grid, b.steps, b.lang], ['himmelblau', 512, 500, 'ko']);
  assert.deepEqual(b.view, [-5, 5, -4, 4]);
  assert.deepEqual(b.opts, ['adam(lr=0.05)', 'sgd(lr=0.01, momentum=0.9)']);
  assert.deepEqual(b.starts, [], 'a basin map starts everywhere');
  const sweep = { kind: 'sweep', function: 'rosenbrock', opts: ['sgd(lr=0.001)'], starts: [[-1.5, 2]],
    steps: 300, vary: [{ name: 'lr', lo: 1e-5, hi: 0.01, n: 64, log: true }, { name: 'momentum', lo: 0, hi: 0.99, n: 64, log: false }] };
  const s = parseExploreHash(formatExploreHash(sweep));
  assert.deepEqual(s.vary, sweep.vary);
  assert.deepEqual(s.starts, [[-1.5, 2]]);
  assert.equal(s.view, undefined);
  assert.equal(parseExploreHash('#function=rosenbrock'), null, 'a race link is not an exploration');
  const bad = parseExploreHash('#explore=sweep&function=booth&vary=lr:1:x:3&vary=lr:1:2:3:lin&grid=1');
  assert.deepEqual(bad.vary, []);
  assert.deepEqual(bad.ignored, ['vary=lr:1:x:3', 'vary=lr:1:2:3:lin', 'grid=1']);
});

test('an exploration request has the fields POST /api/v1/explorations takes', () => {
  assert.deepEqual(explorationRequest({ kind: 'basins', function: 'booth', opts: ['adam'], view: [0, 1, 0, 1], steps: 9, grid: 32 }),
    { kind: 'basins', function: 'booth', optimizers: ['adam'], grid: 32, view: [0, 1, 0, 1], steps: 9 });
  assert.deepEqual(explorationRequest({ kind: 'sweep', function: 'booth', opts: ['sgd'], starts: [[1, 2]], steps: 9,
    vary: [{ name: 'lr', lo: 0.1, hi: 1, n: 3, log: undefined, extra: 1 }] }),
  { kind: 'sweep', function: 'booth', optimizer: 'sgd', start: [1, 2], steps: 9, vary: [{ name: 'lr', lo: 0.1, hi: 1, n: 3, log: false }] });
});

test('a plan is checked before it is sent, naming the field', () => {
  const basins = (grid, opts = ['adam']) => planProblem({ kind: 'basins', grid, opts }, EXPLORE_LIMITS);
  assert.equal(basins(512, ['a', 'b', 'c']), null, 'the issue\'s 512 x 512 x 3');
  assert.equal(basins(1).field, 'grid');
  assert.deepEqual(planProblem({ kind: 'basins', grid: 1024, opts: ['adam'], steps: 100000 }, EXPLORE_LIMITS),
    { field: 'steps', key: 'exploreTooMuchWork', args: { runs: 1048576, steps: 100000, max: '4,000,000,000' } });
  assert.equal(planProblem({ kind: 'basins', grid: 1024, opts: ['adam'], steps: 3814 }, EXPLORE_LIMITS), null, '4.0e9 runs x steps');
  assert.equal(planProblem({ kind: 'sweep', vary: [{ name: 'lr', lo: 0.1, hi: 1, n: 4096 }], steps: 1000000 }, EXPLORE_LIMITS).key, 'exploreTooMuchWork');
  assert.deepEqual(basins(8, Array(17).fill('adam')), { field: 'optimizers', key: 'exploreTooManyMaps', args: { n: 17, max: 16 } });
  assert.equal(basins(2.5).key, 'exploreBadGrid');
  assert.equal(basins(NaN).key, 'exploreBadGrid');
  assert.deepEqual(basins(1024, ['a', 'b']), { field: 'grid', key: 'exploreTooMany', args: { runs: 2097152, max: 1048576 } });
  const sweep = (...vary) => planProblem({ kind: 'sweep', vary }, EXPLORE_LIMITS);
  const lr = { name: 'lr', lo: 1e-4, hi: 0.1, n: 64, log: true };
  assert.equal(sweep(lr, { name: 'momentum', lo: 0, hi: 0.99, n: 64 }), null);
  assert.equal(sweep({ ...lr, lo: 0 }).key, 'exploreBadLog');
  assert.equal(sweep({ ...lr, lo: 0.2 }).key, 'exploreBadRange');
  assert.equal(sweep({ ...lr, n: 1 }).key, 'exploreBadCount');
  assert.equal(sweep(lr, { ...lr, lo: 0.1, hi: 1 }).key, 'exploreSameName');
  assert.equal(sweep(lr, { name: 'rho', lo: NaN, hi: 1, n: 2 }).field, 'vary1');
  assert.equal(sweep({ ...lr, n: 2048 }, { name: 'rho', lo: 0, hi: 1, n: 2048 }).key, 'exploreTooMany');
});

test('a sweep starts on the learning rate around its value, then the named or first bounded hyperparameter', () => {
  assert.deepEqual(sweepDefaults(sgdRanged, { lr: 0.001 }, { name: 'momentum', lo: 0, hi: 0.99 }),
    [{ name: 'lr', lo: 0.00001, hi: 0.01, n: 64, log: true }, { name: 'momentum', lo: 0, hi: 0.99, n: 64, log: false }]);
  assert.deepEqual(sweepDefaults(sgdRanged, {}, null, 8), [{ name: 'lr', lo: 0.0001, hi: 0.1, n: 8, log: true }],
    'momentum has no upper bound: one axis');
  assert.deepEqual(sweepDefaults(adamRanged, { lr: 0.05 }, null)[1], { name: 'beta_1', lo: 0, hi: 0.99, n: 64, log: false });
});

test('a click on a sweep cell races with those values, the rest of the spec kept', () => {
  assert.equal(specWith(sgd, 'sgd(lr=0.001, nesterov=True)', { lr: 0.0123, momentum: 0.9 }),
    'sgd(lr=0.0123, momentum=0.9, nesterov=True)');
  assert.equal(specWith(sgd, 'sgd', { momentum: 0 }), 'sgd()');
  // a sweep of a scheduled optimizer opens its cell with the schedule kept
  assert.equal(specWith(sgd, 'sgd(lr=0.1, schedule=cosine(steps="all", warmup=10))', { lr: 0.02 }),
    'sgd(lr=0.02, schedule=cosine(steps="all", warmup=10))');
});

test('cells: the point under the pointer, the start of a cell, a sweep cell\'s value', () => {
  assert.deepEqual(cellAt(0, 99.9, 100, 100, 10, 10), [0, 0], 'bottom left is cell (0, 0)');
  assert.deepEqual(cellAt(99.9, 0, 100, 100, 10, 10), [9, 9]);
  assert.deepEqual(cellAt(-5, 120, 100, 100, 10, 10), [0, 0], 'clamped');
  assert.deepEqual(startOf([-5, 5, 0, 4], 11, 5, 10, 2), [5, 2]);
  assert.equal(sweepValue(NaN, 0), null);
  assert.ok(Math.abs(sweepValue(10.5, 0.5) - 1) < 1e-12);
  assert.ok(sweepValue(0, 0) < -11, 'the minimum itself stays finite');
});

test('an exploration pass as CSV: a row per run, empty x, y, f where it diverged', () => {
  const basins = explorationCsv({ shape: [2, 2, 2], grid: [2, 2], view: [0, 1, 10, 20] }, {
    x: [1, 2, 3, 4, 5, 6, 7, NaN], y: [0, 0, 0, 0, 0, 0, 0, NaN], f: [9, 9, 9, 9, 9, 9, 9, NaN],
    converged_at: [3, -1, -1, -1, -1, -1, -1, -1], minimum: [0, -1, -1, -1, -1, -1, -1, -1], diverged_at: [-1, -1, -1, -1, -1, -1, -1, 7],
  }, ['a', 'sgd(lr=0.1, momentum=0.9)']).trim().split('\n');
  assert.equal(basins.length, 9);
  assert.equal(basins[0], 'map,optimizer,i,j,x0,y0,x,y,f,converged_at,minimum,diverged_at');
  assert.equal(basins[1], '0,a,0,0,0,10,1,0,9,3,0,-1');
  assert.equal(basins[8], '1,"sgd(lr=0.1, momentum=0.9)",1,1,1,20,,,,-1,-1,7');
  const sweep = explorationCsv({ shape: [1, 1, 2], axes: [{ name: 'lr', values: [0.1, 1] }] }, {
    x: [1, 2], y: [3, 4], f: [5, 6], converged_at: [-1, 2], diverged_at: [-1, -1],
  }).trim().split('\n');
  assert.deepEqual(sweep, ['i,j,lr,x,y,f,converged_at,diverged_at', '0,0,0.1,1,3,5,-1,-1', '1,0,1,2,4,6,2,-1']);
});

test('Korean: one particle per word, never "은(는)"; the terms a Korean student expects', () => {
  assert.equal(particles('"adam"은(는) 숫자가 아닙니다'), '"adam"은 숫자가 아닙니다');
  assert.equal(particles('"sgd"은(는) 숫자가 아닙니다'), '"sgd"는 숫자가 아닙니다');
  assert.equal(particles('{x}'.replace('{x}', '학습률') + '이(가) 큽니다'), '학습률이 큽니다');
  assert.equal(particles('모멘텀이(가) 큽니다'), '모멘텀이 큽니다');
  assert.equal(particles('베타을(를) 바꿉니다'), '베타를 바꿉니다');
  assert.equal(particles('3(으)로, 2(으)로, 1(으)로'), '3으로, 2로, 1로');
  setLanguage('ko');
  const sentences = Object.keys(TEXT.ko).map((k) => t(k, { name: '모멘텀', value: 'adam', param: 'lr', suggestion: 'sin',
    found: "'#'", field: 'steps', n: 1, who: 'Adam', bound: 1 }));
  for (const s of sentences) assert.doesNotMatch(s, /은\(는\)|이\(가\)|을\(를\)|\(을\)를|과\(와\)/, s);
  assert.equal(t('minimum'), '최솟점');
  assert.equal(t('resetView'), '보기 초기화');
  assert.equal(t('diverged', { step: 48 }), '48스텝에서 발산');
  assert.match(t('exploreSweep'), /스윕/);
  assert.equal(t('examplesPerSecond'), '샘플/초');
  setLanguage('en');
  assert.equal(t('diverged', { step: 48 }), 'diverged at step 48');
});

test('the step a playback was paused at travels in the hash', () => {
  const v = { function: 'sphere', opts: ['adam(lr=0.05)'], starts: [[1, 2]], steps: 100, step: 37, view: null, lang: 'en' };
  assert.match(formatHash(v), /&step=37$/);
  assert.equal(parseHash(formatHash(v)).step, 37);
  assert.doesNotMatch(formatHash({ ...v, step: null }), /step=\d/);
  assert.deepEqual(parseHash('#function=sphere&step=-1').ignored, ['step=-1']);
});

test('equalScales grows the view about its centre to the plot\'s shape, equal units per pixel', () => {
  // [-2, 2] x [-1, 3] on 400 x 200 px: x needs 0.01 per px, y 0.02: x grows to [-4, 4]
  assert.deepEqual(equalScales([-2, 2, -1, 3], 400, 200), [-4, 4, -1, 3]);
  // on 200 x 400 px y grows about its centre 1: [-3, 5]
  assert.deepEqual(equalScales([-2, 2, -1, 3], 200, 400), [-2, 2, -3, 5]);
  // a view of the plot's shape comes back as it was
  assert.deepEqual(equalScales([0, 3, 10, 11], 300, 100), [0, 3, 10, 11]);
  for (const [view, w, h] of [[[-4.5, 4.5, -4.5, 4.5], 326, 274], [[0.1, 0.3, -7, 2], 1200, 380]]) {
    const [x0, x1, y0, y1] = equalScales(view, w, h);
    assert.ok(Math.abs((x1 - x0) / w - (y1 - y0) / h) < 1e-7 * ((x1 - x0) / w), `${view} on ${w} x ${h}`);
    assert.ok(x0 <= view[0] && x1 >= view[1] && y0 <= view[2] && y1 >= view[3], 'the view is all on the map');
  }
});
