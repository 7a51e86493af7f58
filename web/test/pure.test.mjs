// Unit tests of the page's pure modules: node --test web/test/
import assert from 'node:assert/strict';
import test from 'node:test';

import { formulaHtml, isExpression } from '../js/ownfunction.js';
import { colour, contourLevels, landscapeTransform, lossScaleKind, PALETTE } from '../js/scales.js';
import { ema, epochPosition, percent } from '../js/series.js';
import { formatNumber, formatSpec, parseSpec } from '../js/spec.js';
import { formatHash, parseHash } from '../js/urlstate.js';

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
  assert.deepEqual(back, { ...view });
});

test('bad parts of a hash are ignored, not fatal', () => {
  const v = parseHash('#function=sphere&start=1,x&start=1,2,3&steps=-4&view=3,1,0,1&noise=nan'
    + '&lang=fr&opt=%E0%A4%A');
  assert.deepEqual(v, { function: 'sphere', opts: [], starts: [] });
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
    { key: 'sgd', params: { lr: 0.1, momentum: 0.9, nesterov: true } });
  assert.deepEqual(parseSpec('rmsprop'), { key: 'rmsprop', params: {} });
  assert.equal(parseSpec('adam(lr)'), null);
  assert.equal(parseSpec('1adam()'), null);
});

test('loss scale: log for positive losses, linear once one is zero or negative', () => {
  assert.equal(lossScaleKind([3, 1, 0.5, null, NaN]), 'log');
  assert.equal(lossScaleKind([3, 0]), 'linear');
  assert.equal(lossScaleKind([-39, 2]), 'linear');
  assert.equal(lossScaleKind([]), 'linear');
});

test('landscape transform: log keeps the minimum finite and is monotonic', () => {
  const t = landscapeTransform(0, 2500, true);
  assert.ok(Number.isFinite(t(0)));
  assert.ok(t(0) < t(1) && t(1) < t(2500));
  assert.equal(landscapeTransform(-5, 5, false)(3), 3);
  assert.deepEqual(contourLevels(0, 10, 4), [2, 4, 6, 8]);
});

test('colours: seven optimizers get seven distinct colours', () => {
  const seven = new Set([0, 1, 2, 3, 4, 5, 6].map(colour));
  assert.equal(seven.size, 7);
  assert.equal(colour(PALETTE.length), colour(0));
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
