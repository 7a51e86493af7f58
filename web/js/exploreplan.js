// The Explore view's plans and numbers: the request it sends, its URL, the colours of its
// cells, the spec a click opens, the CSV it saves. Pure: no DOM, tested with node's test
// runner (web/test/).

import { parseTrainParts, trainHashParts, trainProblem, trainRequest } from './trainplan.js';
import { formatHash, langParam, parseHash } from './urlstate.js';
import { hsl } from './scales.js';
import { formatSpec, parseSpec } from './spec.js';

const HUES = [210, 20, 130, 280, 50, 330]; // minimum 0 .. 5, then again

/**
 * A basin cell's colour as [r, g, b] (0 .. 255): hue = which known minimum the run reached,
 * lightness = how soon it converged (light: early; dark: late or never), black = diverged,
 * grey = no known minimum within reach.
 */
export function cellColour(minimum, convergedAt, divergedAt, steps) {
  if (divergedAt >= 0) return [0, 0, 0];
  if (minimum < 0) return [150, 150, 150];
  const speed = convergedAt >= 0 ? 1 - convergedAt / steps : 0;
  return hsl(HUES[minimum % HUES.length], 0.7, 0.25 + 0.5 * speed);
}

/** The colour of minimum m at full speed and at none: the legend's two ends. */
export function minimumColours(m) {
  return [hsl(HUES[m % HUES.length], 0.7, 0.75), hsl(HUES[m % HUES.length], 0.7, 0.25)];
}

/**
 * The number a sweep cell is coloured by: log10 of how far its final f is above the best
 * known value fStar (the function's global minimum, or the sweep's own best), with an offset
 * that keeps a run at the minimum finite. null for a diverged run.
 */
export function sweepValue(f, fStar) {
  if (!Number.isFinite(f)) return null;
  return Math.log10(Math.max(f - fStar, 0) + 1e-12);
}

/** The row-major index of the cell under a point (px, py) of a w x h picture, y0 at the bottom. */
export function cellAt(px, py, w, h, nx, ny) {
  const i = Math.min(nx - 1, Math.max(0, Math.floor((px / w) * nx)));
  const j = Math.min(ny - 1, Math.max(0, Math.floor((1 - py / h) * ny)));
  return [i, j];
}

/** Where cell (i, j) of a basin map starts: the grid of `clopt landscape`. */
export function startOf(view, nx, ny, i, j) {
  const [x0, x1, y0, y1] = view;
  return [x0 + (i * (x1 - x0)) / (nx - 1), y0 + (j * (y1 - y0)) / (ny - 1)];
}

/** The numeric hyperparameters of a catalogue entry: those a sweep can vary. */
export function numericHyperparameters(info) {
  return info.hyperparameters.filter((h) => !(h.range && h.range.type === 'boolean'));
}

const tidy = (v) => Number(v.toPrecision(3));

/**
 * The first range a sweep axis of hyperparameter `name` takes, n points: the learning rate
 * on a log scale from 1/100 to 10 times its value; a bounded hyperparameter over its range
 * (below an exclusive upper end: 0.99 of it; above an exclusive lower end: 1/100 of the
 * way); another positive one from 1/10 to 10 times its value, log; else 0 to 1.
 */
export function axisDefault(info, params, name, n = 64) {
  const h = info.hyperparameters.find((p) => p.name === name);
  const v = params[name] ?? h.default ?? 0;
  if (name === 'lr') return { name, lo: tidy((v || 1e-3) / 100), hi: tidy((v || 1e-3) * 10), n, log: true };
  if (h.range && h.range.max !== undefined) {
    const hi = h.range.max_inclusive ? h.range.max : tidy(h.range.max * 0.99);
    const min = h.range.min ?? 0;
    const lo = h.range.min_inclusive ? min : tidy(min + (hi - min) / 100);
    return { name, lo, hi, n, log: false };
  }
  return v > 0 ? { name, lo: tidy(v / 10), hi: tidy(v * 10), n, log: true } : { name, lo: 0, hi: 1, n, log: false };
}

/**
 * A sweep's first axes for optimizer `info` with the entry's values `params`: the learning
 * rate, and as the second the hyperparameter `second` names ({name, lo, hi}) or else the
 * first other one with an upper bound, over its range (axisDefault). n points each.
 */
export function sweepDefaults(info, params, second, n = 64) {
  const numeric = numericHyperparameters(info);
  const first = axisDefault(info, params, 'lr', n);
  if (second && numeric.some((h) => h.name === second.name)) return [first, { ...second, n, log: false }];
  const h = numeric.find((p) => p.name !== 'lr' && p.range && p.range.max !== undefined);
  return h ? [first, axisDefault(info, params, h.name, n)] : [first];
}

/**
 * The request POST /api/v1/explorations takes for a plan: basins {kind, function,
 * optimizers, grid, view, steps}, sweeps {kind, function, optimizer, start, vary, steps},
 * trainability maps trainplan.js's; "precision": "double" when the plan's window needs it
 * (explorewindow.js).
 */
export function explorationRequest(plan) {
  if (plan.kind === 'trainability') return trainRequest(plan);
  const precision = plan.precision === 'double' ? { precision: 'double' } : {};
  if (plan.kind === 'basins') {
    return {
      kind: 'basins', function: plan.function, optimizers: plan.opts, grid: plan.grid,
      view: plan.view, steps: plan.steps, ...precision,
    };
  }
  return {
    kind: 'sweep', function: plan.function, optimizer: plan.opts[0], start: plan.starts[0],
    vary: plan.vary.map(({ name, lo, hi, n, log }) => ({ name, lo, hi, n, log: !!log })),
    steps: plan.steps, ...precision,
  };
}

/**
 * What is wrong with a plan before the server is asked: {field, key, args} naming the
 * field (an i18n key and its arguments), or null. limits: GET /api/v1/limits's
 * explorations {maps, side, runs, steps, run_steps}. The server checks every value again.
 */
export function planProblem(plan, limits) {
  if (plan.kind === 'trainability') return trainProblem(plan, limits);
  if (plan.kind === 'basins') {
    const g = plan.grid;
    if (plan.opts.length > limits.maps) return { field: 'optimizers', key: 'exploreTooManyMaps', args: { n: plan.opts.length, max: limits.maps } };
    if (!Number.isInteger(g) || g < 2 || g > limits.side) return { field: 'grid', key: 'exploreBadGrid', args: { max: limits.side } };
    if (g * g * plan.opts.length > limits.runs) {
      return { field: 'grid', key: 'exploreTooMany', args: { runs: g * g * plan.opts.length, max: limits.runs } };
    }
    return workProblem(g * g * plan.opts.length, plan.steps, limits);
  }
  let runs = 1;
  for (const [a, v] of plan.vary.entries()) {
    if (!v.name) return { field: `vary${a}`, key: 'exploreBadName', args: {} };
    if (!Number.isFinite(v.lo) || !Number.isFinite(v.hi) || !(v.lo < v.hi)) {
      return { field: `vary${a}`, key: 'exploreBadRange', args: { name: v.name } };
    }
    if (v.log && !(v.lo > 0)) return { field: `vary${a}`, key: 'exploreBadLog', args: { name: v.name } };
    if (!Number.isInteger(v.n) || v.n < 2 || v.n > limits.side) {
      return { field: `vary${a}`, key: 'exploreBadCount', args: { name: v.name, max: limits.side } };
    }
    runs *= v.n;
  }
  if (plan.vary.length === 2 && plan.vary[0].name === plan.vary[1].name) {
    return { field: 'vary1', key: 'exploreSameName', args: { name: plan.vary[0].name } };
  }
  if (runs > limits.runs) return { field: 'vary0', key: 'exploreTooMany', args: { runs, max: limits.runs } };
  return workProblem(runs, plan.steps, limits);
}

function workProblem(runs, steps, limits) {
  if (!(runs * steps > limits.run_steps)) return null;
  return { field: 'steps', key: 'exploreTooMuchWork', args: { runs, steps, max: limits.run_steps.toLocaleString('en-US') } };
}

/** The spec `text` of optimizer `info` with the hyperparameters in `values` ({name: v}) set, its schedule kept. */
export function specWith(info, text, values) {
  const spec = parseSpec(text);
  return formatSpec(info, { ...(spec ? spec.params : {}), ...values }, spec ? spec.schedule : null);
}

/**
 * The hash of an exploration, so that a link opens the view and computes it:
 * #explore=basins&function=himmelblau&opt=adam(lr=0.05)&grid=256&view=...&steps=500
 * #explore=sweep&function=rosenbrock&opt=sgd(lr=0.001)&start=-1.5,2
 *  &vary=lr:1e-05:0.01:64:log&vary=momentum:0:0.99:64&steps=500
 * #explore=trainability&width=8&activation=tanh&steps=100&grid=256&window=-2,3,-2,3&seed=0
 */
export function formatExploreHash(plan) {
  if (plan.kind === 'trainability') {
    return `#explore=trainability&${[...trainHashParts(plan), langParam(plan.lang)].filter(Boolean).join('&')}`;
  }
  const race = formatHash({
    function: plan.function, opts: plan.opts, starts: plan.kind === 'sweep' ? plan.starts.slice(0, 1) : [],
    steps: plan.steps, view: null, lang: plan.lang,
  }).slice(1);
  // every digit of a zoomed window: a view 1e-9 wide needs more than the race's 6
  const extra = plan.kind === 'basins' ? [`view=${plan.view.join(',')}`, `grid=${plan.grid}`]
    : plan.vary.map((v) => `vary=${v.name}:${v.lo}:${v.hi}:${v.n}${v.log ? ':log' : ''}`);
  return `#explore=${plan.kind}&${[race, ...extra].join('&')}`;
}

/**
 * Parses an explore hash into {kind, grid, vary, ...parseHash's fields} (a trainability
 * map's: width, activation, window, chosen precision too); null if the hash is not one. A
 * bad grid, vary or trainability part is listed in `ignored`.
 */
export function parseExploreHash(hash) {
  const text = hash.replace(/^#/, '');
  const m = /^explore=(basins|sweep|trainability)(?:&|$)/.exec(text);
  if (!m) return null;
  const out = { ...parseHash(text), kind: m[1], vary: [] };
  for (const part of text.split('&')) {
    const [key, raw = ''] = part.split(/=(.*)/s);
    if (key === 'grid') {
      const g = Number(raw);
      if (Number.isInteger(g) && g >= 2) out.grid = g;
      else out.ignored.push(part);
    } else if (key === 'vary') {
      let f;
      try {
        f = decodeURIComponent(raw).split(':');
      } catch {
        continue; // parseHash has listed it in ignored already
      }
      const v = { name: f[0], lo: Number(f[1]), hi: Number(f[2]), n: Number(f[3]), log: f[4] === 'log' };
      const ok = /^[a-z_][a-z0-9_]*$/.test(v.name) && Number.isFinite(v.lo) && Number.isFinite(v.hi)
        && Number.isInteger(v.n) && (f.length === 4 || (f.length === 5 && v.log));
      if (ok && out.vary.length < 2) out.vary.push(v);
      else out.ignored.push(part);
    }
  }
  return out.kind === 'trainability' ? parseTrainParts(text.split('&'), out) : out;
}

function csvCell(v) {
  if (typeof v === 'string') return /[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
  return Number.isNaN(v) ? '' : String(v);
}

/**
 * An exploration's pass as CSV, a row per run; opts: the maps' spec texts. Basins: map,
 * optimizer, i, j, x0, y0 (the
 * start), x, y, f, converged_at, minimum, diverged_at. Sweeps: i, j, one column per axis
 * (its values), x, y, f, converged_at, diverged_at. A diverged run's x, y, f are empty.
 * Trainability: i, j, log10_lr1, log10_lr2, measure, converged (1 or 0).
 */
export function explorationCsv(pass, fields, opts) {
  const [k, ny, nx] = pass.shape;
  const rows = [];
  if (pass.kind === 'trainability') {
    rows.push('i,j,log10_lr1,log10_lr2,measure,converged');
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++) {
        const r = j * nx + i;
        rows.push([i, j, ...startOf(pass.window, nx, ny, i, j), fields.measure[r], fields.converged[r]].map(csvCell).join(','));
      }
    }
  } else if (pass.grid) {
    rows.push('map,optimizer,i,j,x0,y0,x,y,f,converged_at,minimum,diverged_at');
    for (let m = 0; m < k; m++) {
      for (let j = 0; j < ny; j++) {
        for (let i = 0; i < nx; i++) {
          const r = (m * ny + j) * nx + i;
          const [x0, y0] = startOf(pass.view, nx, ny, i, j);
          rows.push([m, opts[m], i, j, x0, y0, fields.x[r], fields.y[r], fields.f[r],
            fields.converged_at[r], fields.minimum[r], fields.diverged_at[r]].map(csvCell).join(','));
        }
      }
    }
  } else {
    rows.push(['i', 'j', ...pass.axes.map((a) => csvCell(a.name)), 'x', 'y', 'f', 'converged_at', 'diverged_at'].join(','));
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++) {
        const r = j * nx + i;
        const values = pass.axes.map((a, n) => a.values[n === 0 ? i : j]);
        rows.push([i, j, ...values, fields.x[r], fields.y[r], fields.f[r], fields.converged_at[r],
          fields.diverged_at[r]].map(csvCell).join(','));
      }
    }
  }
  return `${rows.join('\n')}\n`;
}

/** The smallest and largest of the numbers in `values` that are not null (a loop: a sweep
 * has up to a million cells, too many to spread into Math.min's arguments); null if none. */
export function extent(values) {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (v === null) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return lo <= hi ? [lo, hi] : null;
}

/** The server's name of a refused field ("vary[1]", "optimizers[2]") as the page's ("vary1", "optimizers"). */
export function pageField(field) {
  const m = /^(\w+)(?:\[(\d+)\])?/.exec(field || '');
  if (!m) return '';
  return m[1] === 'vary' ? `vary${m[2] || 0}` : m[1];
}
