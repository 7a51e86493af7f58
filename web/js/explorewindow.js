// The Explore view's windows: what a zoom asks for. A plan's window is its axes (a basin
// map's view, a sweep's from–to per hyperparameter, a trainability map's decades of the two
// layers' rates); a rectangle dragged or a wheel turned
// on a map gives the next window, never outside the one the trail started from; the
// precision a window needs (double once neighbouring cells are closer than float32
// resolves); the breadcrumb's labels; the bounded cache that makes going back instant.
// Pure: no DOM, tested with node's test runner (web/test/).

/**
 * Float32 resolves a window axis while its neighbouring cells are at least 2^-20 of the
 * axis's largest magnitude apart: float's epsilon is 2^-23, so that keeps 8 float steps
 * between cells (docs/page.md, docs/trainability.md). Double's epsilon is 2^-52: the same 8
 * steps give 2^-49, below which no zoom goes.
 */
export const FLOAT_RESOLVES = 2 ** -20;
export const DOUBLE_RESOLVES = 2 ** -49;

/**
 * The axes of a plan's window: [{name, lo, hi, n, log, decades}], x then y (a one-axis
 * sweep: x only). A trainability map's axes hold decades (log10 of layer 1's and layer 2's
 * rates), evenly spaced: `decades` says so (a zoom treats them as linear, precision as rates).
 */
export function planWindow(plan) {
  if (plan.kind === 'trainability') {
    const [x0, x1, y0, y1] = plan.window;
    return [{ name: 'lr1', lo: x0, hi: x1, n: plan.grid, log: false, decades: true },
      { name: 'lr2', lo: y0, hi: y1, n: plan.grid, log: false, decades: true }];
  }
  if (plan.kind === 'basins') {
    const [x0, x1, y0, y1] = plan.view;
    return [{ name: 'x', lo: x0, hi: x1, n: plan.grid, log: false }, { name: 'y', lo: y0, hi: y1, n: plan.grid, log: false }];
  }
  return plan.vary.map(({ name, lo, hi, n, log }) => ({ name, lo, hi, n, log: !!log }));
}

/**
 * The plan with window `axes` (planWindow's shape) and the precision that window needs, or
 * double where the plan's form chose it (plan.chosen, a trainability map's).
 */
export function withWindow(plan, axes) {
  const corners = [axes[0].lo, axes[0].hi, axes[1] && axes[1].lo, axes[1] && axes[1].hi];
  let next;
  if (plan.kind === 'trainability') next = { ...plan, window: corners };
  else if (plan.kind === 'basins') next = { ...plan, view: corners };
  else next = { ...plan, vary: plan.vary.map((v, a) => ({ ...v, lo: axes[a].lo, hi: axes[a].hi })) };
  return { ...next, precision: plan.chosen === 'double' ? 'double' : precisionFor(axes) };
}

/** The smallest distance between neighbouring cells of an axis (a log axis: its first two). */
export function axisGap({ lo, hi, n, log }) {
  if (log && lo > 0) return lo * ((hi / lo) ** (1 / (n - 1)) - 1);
  return (hi - lo) / (n - 1);
}

/** A linear axis's gap against its largest magnitude: how many of its values' own steps apart its cells are. */
function linearSpacing(axis) {
  const scale = Math.max(Math.abs(axis.lo), Math.abs(axis.hi));
  return scale > 0 ? axisGap(axis) / scale : Infinity;
}

/**
 * How finely an axis's cells are spaced against its largest magnitude (the ratio the
 * thresholds bound). A decades axis: what the kernel sees is the rate 10^e, computed in
 * double on the host (src/trainability.c) and rounded once to the kernel's precision, so
 * what counts is how far apart neighbouring rates are relative to their size,
 * 10^gap - 1, the same at every centre of the window (float's epsilon at the rate 10^c is
 * 2^-23 10^c, log10(1 + 2^-23) decades wherever c is). Float32 therefore resolves a window
 * while its cells are at least log10(1 + 2^-20) = 4.1e-7 decades apart.
 */
export function axisSpacing(axis) {
  return axis.decades ? Math.expm1(axisGap(axis) * Math.LN10) : linearSpacing(axis);
}

/** 'double' when an axis's cells are closer than float32 resolves, else 'float'. */
export function precisionFor(axes) {
  return axes.some((a) => axisSpacing(a) < FLOAT_RESOLVES) ? 'double' : 'float';
}

/**
 * The first axis float32 does not resolve, with its gap and scale (for the page's line), or
 * null; a decades axis with its gap in decades and `relative`, how far apart its
 * neighbouring rates are relative to their size.
 */
export function unresolvedAxis(axes) {
  const a = axes.find((x) => axisSpacing(x) < FLOAT_RESOLVES);
  if (!a) return null;
  if (a.decades) return { name: a.name, gap: axisGap(a), relative: axisSpacing(a) };
  return { name: a.name, gap: axisGap(a), at: Math.max(Math.abs(a.lo), Math.abs(a.hi)) };
}

const toSpace = (a, v) => (a.log ? Math.log10(v) : v);
const fromSpace = (a, s) => (a.log ? 10 ** s : s);

/**
 * The value at fraction u (0 .. 1) across an axis's picture: cell i spans [i/n, (i+1)/n] and
 * its centre holds lo + i (hi - lo) / (n - 1) (in log10 for a log axis).
 */
export function valueAt(a, u) {
  const s0 = toSpace(a, a.lo);
  const s1 = toSpace(a, a.hi);
  return fromSpace(a, s0 + ((u * a.n - 0.5) * (s1 - s0)) / (a.n - 1));
}

/** [s0, s1] of an axis in its own space, put inside root's (shifted, then cut). */
function inside(a, s0, s1, root) {
  const r0 = toSpace(root, root.lo);
  const r1 = toSpace(root, root.hi);
  let lo = s0;
  let hi = s1;
  if (hi - lo >= r1 - r0) return [root.lo, root.hi];
  if (lo < r0) [lo, hi] = [r0, hi + (r0 - lo)];
  if (hi > r1) [lo, hi] = [lo - (hi - r1), r1];
  return [fromSpace(a, lo), fromSpace(a, hi)];
}

/**
 * Whether double still resolves every axis (a zoom that would not is refused). A decades
 * axis twice: its rates (axisSpacing), and the exponents themselves, which the host holds in
 * double too (at |e| > 1 / ln 10 their own steps are the coarser).
 */
export function doubleResolves(axes) {
  return axes.every((a) => axisSpacing(a) >= DOUBLE_RESOLVES && (!a.decades || linearSpacing(a) >= DOUBLE_RESOLVES));
}

/**
 * The window of a rectangle dragged on the picture: fractions u0 < u1 across (from the left)
 * and v0 < v1 up (from the bottom). An axis the rectangle hardly spans (under `least` of the
 * picture) keeps its range: a flat drag zooms x alone. keepAspect (basin maps): both axes
 * shrink by the same factor, the larger one, about the rectangle's centre. root: the window
 * the trail started from, which no zoom leaves.
 */
export function rectWindow(axes, { u0, u1, v0, v1 }, root, { keepAspect = false, least = 0.01 } = {}) {
  const spans = [[u0, u1], [v0, v1]].slice(0, axes.length);
  if (keepAspect) {
    const k = Math.max(...spans.map(([a, b]) => b - a));
    spans.forEach((s, i) => {
      const c = (s[0] + s[1]) / 2;
      spans[i] = [c - k / 2, c + k / 2];
    });
  }
  return axes.map((a, i) => {
    const [f0, f1] = spans[i];
    if (f1 - f0 < least) return { ...a };
    const [lo, hi] = inside(a, toSpace(a, valueAt(a, f0)), toSpace(a, valueAt(a, f1)), root[i]);
    return { ...a, lo, hi };
  });
}

/** The window of a wheel turn: every axis scaled by `factor` (< 1 zooms in) about the point (u, v) of the picture. */
export function wheelWindow(axes, { u, v, factor }, root) {
  return axes.map((a, i) => {
    const c = toSpace(a, valueAt(a, i === 0 ? u : v));
    const s0 = toSpace(a, a.lo);
    const s1 = toSpace(a, a.hi);
    const [lo, hi] = inside(a, c - (c - s0) * factor, c + (s1 - c) * factor, root[i]);
    return { ...a, lo, hi };
  });
}

/** How much a window is magnified against the trail's root: the largest ratio of widths (log axes in decades). */
export function magnification(axes, root) {
  return Math.max(...axes.map((a, i) => (toSpace(root[i], root[i].hi) - toSpace(root[i], root[i].lo))
    / (toSpace(a, a.hi) - toSpace(a, a.lo))));
}

/** A breadcrumb's short label for a magnification: 1, 2.5, 64, 4,064, 2.6e5 (×, the page adds it). */
export function magnificationText(m) {
  if (m < 10) return String(Number(m.toFixed(1)));
  if (m < 1e5) return Math.round(m).toLocaleString('en-US');
  return m.toExponential(1).replace('e+', 'e');
}

/**
 * The last windows' results, so that going back is instant: at most `entries` results and
 * `values` numbers in all (a large basin map is evicted sooner); the least recently used goes first.
 */
export class ResultCache {
  constructor({ entries = 8, values = 1 << 24 } = {}) {
    this.limit = { entries, values };
    this.map = new Map(); // key -> {result, size}, oldest first
    this.size = 0;
  }

  get(key) {
    const e = this.map.get(key);
    if (!e) return null;
    this.map.delete(key);
    this.map.set(key, e);
    return e.result;
  }

  /** Keeps result (its `size`: numbers it holds) under key. */
  set(key, result, size) {
    if (this.map.has(key)) this.drop(key);
    if (size > this.limit.values) return;
    this.map.set(key, { result, size });
    this.size += size;
    for (const k of this.map.keys()) {
      if (this.map.size <= this.limit.entries && this.size <= this.limit.values) break;
      this.drop(k);
    }
  }

  drop(key) {
    this.size -= this.map.get(key).size;
    this.map.delete(key);
  }

  has(key) {
    return this.map.has(key);
  }
}
