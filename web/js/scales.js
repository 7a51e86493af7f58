// Colours and scale choices. Pure: no DOM, tested with node's test runner (web/test/).

/** [r, g, b] (0 .. 255) of hue h (degrees), saturation s and lightness l (0 .. 1). */
export function hsl(h, s, l) {
  const a = s * Math.min(l, 1 - l);
  const f = (n) => {
    const k = (n + h / 30) % 12;
    return Math.round(255 * (l - a * Math.max(-1, Math.min(k - 3, 9 - k, 1))));
  };
  return [f(0), f(8), f(4)];
}

// Okabe & Ito's palette (distinguishable with every common colour-vision deficiency), then
// four darker hues of Paul Tol's and ColorBrewer's: twelve kinds before a colour repeats.
export const PALETTE = ['#E69F00', '#56B4E9', '#009E73', '#F0E442', '#0072B2', '#D55E00',
  '#CC79A7', '#000000', '#882255', '#999933', '#6A3D9A', '#8C564B'];

// The n-th entry of one kind (0.9 and 0.99 of one optimizer): its kind's colour, darker,
// lighter, darker still, ... (negative: towards black, positive: towards white).
const SHADES = [0, -0.45, 0.5, -0.7, 0.7];

function shade(hex, amount) {
  if (!amount) return hex;
  const to = amount < 0 ? 0 : 255;
  const a = Math.abs(amount);
  const parts = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16))
    .map((c) => Math.round(c + (to - c) * a).toString(16).padStart(2, '0'));
  return `#${parts.join('')}`.toUpperCase();
}

// The one map from optimizer to colour: its kind's position in /api/v1/optimizers (setKinds),
// so Adam has the same colour in every link, whatever its place in the list.
const kinds = new Map();

/** Registers the catalogue's order of optimizers (/api/v1/optimizers). */
export function setKinds(optimizers) {
  kinds.clear();
  optimizers.forEach((o, i) => kinds.set(o.key.toLowerCase(), i));
}

/**
 * The colour of an optimizer kind, by its key or name ('adam', 'Adam'); n: the entry's place
 * among the entries of that kind (repeats), each a shade of its own.
 */
export function colour(kind, n = 0) {
  const i = kinds.get(String(kind).toLowerCase()) ?? 0;
  return shade(PALETTE[i % PALETTE.length], SHADES[n % SHADES.length]);
}

// Two entries of one kind: the second, third, ... are dashed too. The palette has twelve
// colours: the thirteenth kind and later repeat one, dashed.
const DASHES = ['', '7 4', '2 3', '9 3 2 3'];

/** The stroke-dasharray of the n-th entry (0-based) of a kind ('adam', 'Adam'). */
export function dash(n, kind = '') {
  const round = Math.floor((kinds.get(String(kind).toLowerCase()) ?? 0) / PALETTE.length);
  return DASHES[(n + round) % DASHES.length];
}

/** For each entry key, how many entries of the same kind come before it: [0, 0, 1, ...]. */
export function repeats(keys) {
  const seen = new Map();
  return keys.map((k) => {
    const n = seen.get(k) ?? 0;
    seen.set(k, n + 1);
    return n;
  });
}

/**
 * 'log' unless a finite value is negative (a function unbounded below, the saddle): a loss
 * that reaches 0 exactly stays on the log axis, drawn at its floor (lossFloor).
 */
export function lossScaleKind(values) {
  for (const v of values) {
    if (v !== null && Number.isFinite(v) && v < 0) return 'linear';
  }
  return 'log';
}

/**
 * Where a log loss axis ends below: a tenth of the smallest positive value (1e-12 when there
 * is none); an exact 0 is drawn there, on a line labelled f = 0.
 */
export function lossFloor(values) {
  let least = Infinity;
  for (const v of values) {
    if (v !== null && Number.isFinite(v) && v > 0 && v < least) least = v;
  }
  return Number.isFinite(least) ? least / 10 : 1e-12;
}

/**
 * The value a landscape cell is coloured and contoured by: log10(f - min + offset) for
 * functions the catalogue marks log-scaled (their interesting detail is near the minimum),
 * f itself otherwise. The offset keeps the minimum finite: 1e-3 of the range, at least 1e-12.
 */
export function landscapeTransform(min, max, log) {
  if (!log) return (f) => f;
  const offset = Math.max((max - min) * 1e-3, 1e-12);
  return (f) => Math.log10(f - min + offset);
}

/** A number as the page shows it beside a formula or a cell: 4 digits, or 3 in e-notation below 1e-3 and from 1e5; null (the server's "not finite") and NaN (not known) as a dash. */
export function readable(v) {
  if (v === null || v === undefined || Number.isNaN(v)) return '—'; // not finite, or not known
  if (v === 0) return '0';
  const a = Math.abs(v);
  return a >= 1e-3 && a < 1e5 ? String(Number(v.toPrecision(4))) : v.toExponential(2);
}

/**
 * The view [x0, x1, y0, y1] grown about its centre to a plot of width x height pixels with
 * equal scales on both axes (a bowl x^2 + y^2 is drawn round): the axis that would be
 * stretched gets the other's units per pixel. A view already of that shape comes back as is.
 */
export function equalScales(view, width, height) {
  const [x0, x1, y0, y1] = view;
  const unit = Math.max((x1 - x0) / width, (y1 - y0) / height);
  const half = [(unit * width) / 2, (unit * height) / 2];
  const cx = (x0 + x1) / 2;
  const cy = (y0 + y1) / 2;
  // the axis that already fits keeps its ends exactly (no binary noise in the URL)
  const wide = (x1 - x0) / width >= (y1 - y0) / height;
  const tidy = (v) => Number(v.toPrecision(8));
  return wide ? [x0, x1, tidy(cy - half[1]), tidy(cy + half[1])] : [tidy(cx - half[0]), tidy(cx + half[0]), y0, y1];
}

/** n contour thresholds spread evenly over the transformed range [lo, hi], ends excluded. */
export function contourLevels(lo, hi, n) {
  const out = [];
  for (let i = 1; i <= n; i++) out.push(lo + ((hi - lo) * i) / (n + 1));
  return out;
}
