// The Explore view's trainability maps (Sohl-Dickstein 2024, "The boundary of neural
// network trainability is fractal"): the plan of one, the request and the link it makes, the
// form's checks, the colours of its cells and the words of a cell. The network is the
// paper's (docs/trainability.md): depth 2, `width` units, no biases, full-batch gradient
// descent with layer 1's rate on x and layer 2's on y, both in decades (log10 of the rate).
// Pure: no DOM, tested with node's test runner (web/test/).

import { hsl } from './scales.js';

/** The activations the library knows, the form's menu in this order. */
export const ACTIVATIONS = ['tanh', 'relu', 'identity'];

/** A new map's settings: `clopt explore trainability`'s defaults (docs/trainability.md's figures are of this map). */
export const TRAIN_DEFAULTS = Object.freeze({
  width: 8, activation: 'tanh', steps: 100, grid: 256, window: Object.freeze([-2, 3, -2, 3]), seed: 0, chosen: 'float',
});

/**
 * The request POST /api/v1/explorations takes for a trainability plan {width, activation,
 * steps, grid, window, seed, precision}: "precision" named only when double, as for the
 * other kinds (a float request is the same request with or without it).
 */
export function trainRequest(plan) {
  return {
    kind: 'trainability', width: plan.width, activation: plan.activation, steps: plan.steps, grid: plan.grid,
    window: plan.window, seed: plan.seed, ...(plan.precision === 'double' ? { precision: 'double' } : {}),
  };
}

/**
 * What is wrong with a trainability plan before the server is asked: {field, key, args} or
 * null. limits: GET /api/v1/limits's trainability {width, steps, side, log_rate, work}. The
 * work a map takes (cells x steps x the width's cost) is the server's to refuse
 * (refusals.js words it).
 */
export function trainProblem(plan, limits) {
  const whole = (v, lo, hi) => Number.isInteger(v) && v >= lo && v <= hi;
  if (!whole(plan.width, 1, limits.width)) return { field: 'width', key: 'exploreBadWidth', args: { max: limits.width } };
  if (!ACTIVATIONS.includes(plan.activation)) return { field: 'activation', key: 'exploreBadActivation', args: { names: ACTIVATIONS.join(', ') } };
  if (!whole(plan.steps, 1, limits.steps)) return { field: 'steps', key: 'exploreBadSteps', args: { max: limits.steps } };
  if (!whole(plan.grid, 2, limits.side)) return { field: 'grid', key: 'exploreBadGrid', args: { max: limits.side } };
  if (!Number.isSafeInteger(plan.seed) || plan.seed < 0) return { field: 'seed', key: 'exploreBadSeed', args: {} };
  const [x0, x1, y0, y1] = plan.window;
  if (!plan.window.every((v) => Math.abs(v) <= limits.log_rate) || !(x0 < x1) || !(y0 < y1)) {
    return { field: 'window', key: 'exploreBadWindow', args: { max: limits.log_rate } };
  }
  return null;
}

/** The hash's parts after #explore=trainability: every digit of the window (a zoom needs them). */
export function trainHashParts(plan) {
  return [`width=${plan.width}`, `activation=${plan.activation}`, `steps=${plan.steps}`, `grid=${plan.grid}`,
    `window=${plan.window.join(',')}`, `seed=${plan.seed}`, ...(plan.chosen === 'double' ? ['precision=double'] : [])];
}

/**
 * Reads the trainability parts of a hash's `parts` ("key=value") into out (width,
 * activation, window, precision; steps, seed and grid are read with the other kinds'); a
 * bad one is pushed to out.ignored.
 */
export function parseTrainParts(parts, out) {
  for (const part of parts) {
    const [key, raw = ''] = part.split(/=(.*)/s);
    if (key === 'width') { // its upper end is the server's (trainProblem)
      const w = Number(raw);
      if (Number.isInteger(w) && w >= 1) out.width = w;
      else out.ignored.push(part);
    } else if (key === 'activation') {
      if (ACTIVATIONS.includes(raw)) out.activation = raw;
      else out.ignored.push(part);
    } else if (key === 'window') {
      const v = raw.split(',').map(Number);
      if (v.length === 4 && v.every(Number.isFinite) && v[0] < v[1] && v[2] < v[3]) out.window = v;
      else out.ignored.push(part);
    } else if (key === 'precision') {
      if (raw === 'double' || raw === 'float') out.chosen = raw;
      else out.ignored.push(part);
    }
  }
  return out;
}

/** The index of the first of `sorted`'s values that is not below v. */
function lowerBound(sorted, v) {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Trained cells blue, diverged orange (told apart with either colour blindness), light (fast) to deep (slow). */
export const TRAIN_HUES = { trained: { h: 212, s: 0.75 }, diverged: { h: 24, s: 0.9 } };
const LIGHT = [0.86, 0.26]; // lightness at rank 0 and rank 1

/** A cell's colour: `kind` 'trained' or 'diverged', `rank` from 0 (fastest of its kind) to 1 (slowest). */
export function trainColour(kind, rank) {
  const { h, s } = TRAIN_HUES[kind];
  return hsl(h, s, LIGHT[0] + (LIGHT[1] - LIGHT[0]) * rank);
}

/**
 * The colour scale of a pass: measure (the paper's: -sum of the loss ratios when the cell
 * trained, sum of their reciprocals when it diverged) and converged (1 or 0) per cell.
 * Hue says which; lightness is the rank of |measure| among the cells of the same kind
 * (light: fastest, deep: slowest, so both sides darken toward the boundary, where training
 * and divergence are slow), as the paper's figures (its notebook maps each sign's values to
 * their empirical CDF). Rank, not the value or its log: |measure| runs from about 1 to
 * steps x 1e6 (a loss ratio is capped at 1e6) with most cells in a narrow band, and a deep
 * zoom's cells differ in the fifth digit; ranks spread every window's cells over the whole
 * scale. Ties share a rank. Returns {colourOf(r) -> [r, g, b], trained, diverged}: counts;
 * a cell whose measure is not a number is grey.
 */
export function trainScale(measure, converged) {
  const sides = { trained: [], diverged: [] };
  for (let r = 0; r < measure.length; r++) {
    if (Number.isFinite(measure[r])) sides[converged[r] ? 'trained' : 'diverged'].push(Math.abs(measure[r]));
  }
  const sorted = {
    trained: Float64Array.from(sides.trained).sort(),
    diverged: Float64Array.from(sides.diverged).sort(),
  };
  const colourOf = (r) => {
    if (!Number.isFinite(measure[r])) return [150, 150, 150];
    const kind = converged[r] ? 'trained' : 'diverged';
    const s = sorted[kind];
    return trainColour(kind, s.length > 1 ? lowerBound(s, Math.abs(measure[r])) / (s.length - 1) : 0);
  };
  return { colourOf, trained: sorted.trained.length, diverged: sorted.diverged.length };
}

/**
 * The digits after the point that tell apart exponents `gap` decades apart (a deep zoom
 * needs more): at least 2, up to 15.
 */
export function exponentDigits(gap) {
  if (!(gap > 0)) return 2;
  return Math.min(15, Math.max(2, Math.ceil(-Math.log10(gap)) + 1));
}

/** A rate 10^e in a cell's words: "10^0.51 = 3.24", its value with as many significant digits as its exponent has decimals. */
export function rateText(e, digits) {
  const v = 10 ** e;
  return `10^${e.toFixed(digits)} = ${Number(v.toPrecision(Math.min(15, digits + 2)))}`;
}

/** The dimension of a pass as the page shows it: 4 decimals, or "—" when the pass has no boundary (null). */
export function dimensionText(d) {
  return Number.isFinite(d) ? d.toFixed(4) : '—';
}
