// The Explore view's zoom windows, precision switch and cache (web/js/explorewindow.js):
// node --test web/test/
import assert from 'node:assert/strict';
import test from 'node:test';

import { explorationRequest, formatExploreHash, parseExploreHash } from '../js/exploreplan.js';
import {
  axisGap, DOUBLE_RESOLVES, doubleResolves, FLOAT_RESOLVES, magnification, magnificationText, planWindow, precisionFor,
  rectWindow, ResultCache, unresolvedAxis, valueAt, wheelWindow, withWindow,
} from '../js/explorewindow.js';

const basins = { kind: 'basins', function: 'himmelblau', opts: ['adam'], view: [-5, 5, -4, 4], grid: 128, steps: 500 };
const sweep = { kind: 'sweep', function: 'rosenbrock', opts: ['sgd'], starts: [[-1.5, 2]], steps: 300,
  vary: [{ name: 'lr', lo: 1e-5, hi: 0.01, n: 64, log: true }, { name: 'momentum', lo: 0, hi: 0.99, n: 64, log: false }] };
const close = (a, b, rel = 1e-12) => assert.ok(Math.abs(a - b) <= rel * Math.max(Math.abs(a), Math.abs(b), 1e-300), `${a} vs ${b}`);

/** Float32 steps between two numbers (both rounded to float32 first). */
function floatSteps(a, b) {
  const f = new Float32Array([a, b]);
  const i = new Int32Array(f.buffer);
  return Math.abs(i[1] - i[0]);
}

test('a window is a basin map\'s view or a sweep\'s from–to, and goes back into the plan', () => {
  assert.deepEqual(planWindow(basins).map((a) => [a.lo, a.hi, a.n]), [[-5, 5, 128], [-4, 4, 128]]);
  const b = withWindow(basins, [{ lo: 1, hi: 2, n: 128 }, { lo: 3, hi: 4, n: 128 }]);
  assert.deepEqual(b.view, [1, 2, 3, 4]);
  assert.equal(b.precision, 'float');
  const s = withWindow(sweep, [{ lo: 1e-3, hi: 2e-3, n: 64, log: true }, { lo: 0.5, hi: 0.6, n: 64 }]);
  assert.deepEqual(s.vary.map((v) => [v.name, v.lo, v.hi, v.n, v.log]), [['lr', 1e-3, 2e-3, 64, true], ['momentum', 0.5, 0.6, 64, false]]);
});

test('double once neighbouring cells are closer than 2^-20 of the axis\'s largest value: 8 float32 steps', () => {
  // 64 cells from 1: just above and just below the threshold
  const above = { name: 'x', lo: 1, hi: 1 + 63 * 2 ** -19, n: 64 };
  const below = { name: 'x', lo: 1, hi: 1 + 63 * 2 ** -21, n: 64 };
  assert.equal(precisionFor([above]), 'float');
  assert.equal(precisionFor([below]), 'double');
  assert.equal(precisionFor([{ name: 'x', lo: -1, hi: 1, n: 4096 }]), 'float');
  // what the threshold means: below it, neighbouring cells are at most 8 float32 steps apart
  const cells = (a) => Array.from({ length: a.n }, (_, i) => a.lo + (i * (a.hi - a.lo)) / (a.n - 1));
  const steps = (a) => Math.min(...cells(a).slice(1).map((v, i) => floatSteps(cells(a)[i], v)));
  assert.ok(steps(above) >= 8, `${steps(above)} float steps apart`);
  assert.ok(steps(below) < 8, `${steps(below)} float steps apart`);
  // a log axis: its first gap is its smallest
  const lr = { name: 'lr', lo: 0.01, hi: 0.01 * (1 + 1e-5), n: 64, log: true };
  close(axisGap(lr), 0.01 * ((1 + 1e-5) ** (1 / 63) - 1));
  assert.equal(precisionFor([lr]), 'double');
  assert.deepEqual(Object.keys(unresolvedAxis([{ name: 'y', lo: 0, hi: 1, n: 8 }, lr])), ['name', 'gap', 'at']);
  assert.equal(unresolvedAxis([lr]).name, 'lr');
  assert.equal(unresolvedAxis([above]), null);
  assert.ok(doubleResolves([below]));
  assert.ok(!doubleResolves([{ name: 'x', lo: 1, hi: 1 + 63 * DOUBLE_RESOLVES / 2, n: 64 }]));
  assert.equal(FLOAT_RESOLVES, 2 ** -20);
});

test('the request names precision only when the window needs double', () => {
  assert.equal(explorationRequest(withWindow(basins, planWindow(basins))).precision, undefined);
  const deep = withWindow(sweep, [{ lo: 0.002, hi: 0.002 * (1 + 1e-6), n: 64, log: true }, { lo: 0.9, hi: 0.95, n: 64 }]);
  assert.equal(explorationRequest(deep).precision, 'double');
});

test('a cell\'s centre holds its value: the picture\'s fractions map to the grid, log axes in decades', () => {
  const x = { lo: -5, hi: 5, n: 11, log: false };
  close(valueAt(x, 0.5 / 11), -5);
  close(valueAt(x, 10.5 / 11), 5);
  close(valueAt(x, 0.5), 0);
  const lr = { lo: 1e-4, hi: 1, n: 5, log: true };
  close(valueAt(lr, 2.5 / 5), 1e-2);
});

test('a rectangle zooms inside the root; a flat drag zooms across only; basin maps keep their shape', () => {
  const axes = planWindow(basins);
  const mid = rectWindow(axes, { u0: 0.25, u1: 0.75, v0: 0.25, v1: 0.75 }, axes);
  assert.ok(mid[0].lo > -5 && mid[0].hi < 5 && mid[0].lo < 0 && mid[0].hi > 0);
  close(mid[0].hi - mid[0].lo, ((0.5 * 128) * 10) / 127);
  const flat = rectWindow(axes, { u0: 0.1, u1: 0.2, v0: 0.5, v1: 0.5 }, axes);
  assert.deepEqual([flat[1].lo, flat[1].hi], [-4, 4], 'y kept');
  const aspect = rectWindow(axes, { u0: 0.1, u1: 0.2, v0: 0.5, v1: 0.52 }, axes, { keepAspect: true });
  close((aspect[0].hi - aspect[0].lo) / 10, (aspect[1].hi - aspect[1].lo) / 8);
  // past the root's edge: shifted back inside it
  const edge = rectWindow(axes, { u0: 0, u1: 0.1, v0: 0, v1: 0.1 }, axes);
  assert.equal(edge[0].lo, -5);
  assert.equal(edge[1].lo, -4);
  // a log axis zooms in decades
  const w = planWindow(sweep);
  const lr = rectWindow(w, { u0: 0.5, u1: 0.75, v0: 0, v1: 1 }, w)[0];
  close(Math.log10(lr.hi) - Math.log10(lr.lo), (0.25 * 64 * 3) / 63);
});

test('a wheel\'s turn scales about the pointer and never leaves the root', () => {
  const axes = planWindow(basins);
  const half = wheelWindow(axes, { u: 0.5, v: 0.5, factor: 0.5 }, axes);
  close(half[0].hi - half[0].lo, 5);
  close((half[0].lo + half[0].hi) / 2, 0);
  const out = wheelWindow(half, { u: 0.9, v: 0.9, factor: 8 }, axes);
  assert.deepEqual(out.map((a) => [a.lo, a.hi]), [[-5, 5], [-4, 4]]);
});

test('the breadcrumb says how far each window is magnified', () => {
  const root = planWindow(sweep);
  const z = [{ ...root[0], lo: 1e-4, hi: 1e-4 * 10 ** (3 / 64) }, { ...root[1], lo: 0.5, hi: 0.5 + 0.99 / 4096 }];
  close(magnification(z, root), 4096);
  assert.equal(magnificationText(64), '64');
  assert.equal(magnificationText(1), '1');
  assert.equal(magnificationText(2.5), '2.5');
  assert.equal(magnificationText(4096), '4,096');
  assert.equal(magnificationText(262144), '2.6e5');
});

test('a zoomed window survives the share URL digit for digit', () => {
  const view = [1 + 2 ** -40, 1 + 2 ** -39, -2.5, -2.4999999999];
  const h = formatExploreHash({ ...basins, view, lang: 'en' });
  assert.deepEqual(parseExploreHash(h).view, view);
  const vary = [{ name: 'lr', lo: 0.0012345678901234, hi: 0.0012345678901299, n: 64, log: true }];
  assert.deepEqual(parseExploreHash(formatExploreHash({ ...sweep, vary })).vary, vary);
});

test('the cache keeps the last results within its bounds, the least recently used going first', () => {
  const c = new ResultCache({ entries: 3, values: 100 });
  c.set('a', 'A', 10);
  c.set('b', 'B', 10);
  c.set('c', 'C', 10);
  assert.equal(c.get('a'), 'A'); // a is now the most recent
  c.set('d', 'D', 10);
  assert.ok(!c.has('b') && c.has('a') && c.has('c') && c.has('d'));
  c.set('e', 'E', 85); // too many values: the oldest go until it fits
  assert.ok(c.has('e') && c.size <= 100);
  assert.ok(!c.has('c') && !c.has('a'));
  c.set('huge', 'H', 101);
  assert.ok(!c.has('huge'), 'a result larger than the whole cache is not kept');
  assert.equal(c.get('nothing'), null);
});
