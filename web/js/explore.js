// The Explore view: basin maps (one run from every cell of the map per optimizer of the
// race) and hyperparameter sweeps (one run per value of one or two hyperparameters), from
// POST /api/v1/explorations. The coarse pass is drawn at once and the full grid when it
// arrives. Basins: hue = which known minimum a run reached, lighter = sooner, black =
// diverged, grey = neither, the function's contour lines over it. Sweeps: final f above the
// minimum on a log colour scale, diverged cells black and crossed. Pointing at a cell shows
// its run's numbers; a click opens the race from that cell (basins) or with those values
// (sweeps). The plan is in the URL (#explore=...); the pass can be saved as PNG or CSV.
/* global d3 */

import { getLandscape } from './api.js';
import { download } from './exporter.js';
import {
  cellAt, cellColour, explorationCsv, explorationRequest, minimumColours, numericHyperparameters,
  planProblem, specWith, startOf, sweepDefaults, sweepValue,
} from './exploreplan.js';
import { t, words } from './i18n.js';
import { contourLevels, landscapeTransform } from './scales.js';
import { parseSpec } from './spec.js';

const M = { left: 50, right: 10, top: 8, bottom: 38 }; // the axes around each map
const FIELDS = { basins: ['x', 'y', 'f', 'converged_at', 'minimum', 'diverged_at'],
  sweep: ['x', 'y', 'f', 'converged_at', 'diverged_at'] };
const SVG_NS = 'http://www.w3.org/2000/svg';

const short = (v) => (Number.isFinite(v) ? Number(v.toPrecision(4)) : '–');
const fmt = (v) => {
  if (!Number.isFinite(v)) return '–';
  const a = Math.abs(v);
  return a !== 0 && (a < 1e-3 || a >= 1e5) ? v.toExponential(2) : String(short(v));
};

async function field(url) {
  const r = await fetch(url);
  if (!r.ok) throw new Error((await r.json()).error || `${url}: HTTP ${r.status}`);
  return new Float32Array(await r.arrayBuffer());
}

/**
 * The view in element ids explore-*. getScene() gives the race's {fn, functions, view, opts
 * (spec texts), starts, steps}; info(key) a catalogue entry of /api/v1/optimizers;
 * sweepSecond(key) the second axis a sweep of that optimizer starts with; onOpen(spec,
 * start, fn, steps) opens the race; onPlan(plan) is told each plan that starts (for the URL).
 */
export function createExploreView({ getScene, info, sweepSecond, onOpen, onPlan }) {
  const $ = (id) => document.getElementById(id);
  let kind = 'basins';
  let source = null;
  let shown = null; // {pass, plan, fields, fn}
  let plan = null; // the plan last started (the URL holds it)
  let linkView = null; // {function, view}: a link's view, kept while its function is chosen
  let contourCache = { key: '', data: null };
  let generation = 0; // a newer start makes older passes stale

  // --- the form --------------------------------------------------------------------------
  function setKind(k) {
    kind = k;
    document.body.dataset.exploreKind = k;
    for (const b of document.querySelectorAll('[data-explore-kind]')) {
      b.setAttribute('aria-pressed', String(b.dataset.exploreKind === k));
    }
    $('explore-intro').textContent = t(k === 'basins' ? 'exploreIntroBasins' : 'exploreIntroSweep');
    clearProblem();
    renderScene();
  }

  function fnOf(name) {
    return getScene().functions.find((f) => f.name === name);
  }

  function renderFunctions() {
    const menu = $('explore-function');
    if (menu.options.length) return;
    for (const f of getScene().functions) menu.add(new Option(f.name, f.name));
  }

  function renderOptimizers(opts) {
    const menu = $('explore-optimizer');
    const before = menu.value;
    menu.replaceChildren(...opts.map((o) => new Option(o, o)));
    if (opts.includes(before)) menu.value = before;
  }

  /** The fields of sweep axis a (0, 1): hyperparameter, from, to, points, log scale. */
  function buildAxis(row) {
    const a = row.dataset.axis;
    const id = (part) => `explore-vary${a}-${part}`;
    const text = (part, size, numeric) => `<input id="${id(part)}" type="text" size="${size}"${numeric ? ' inputmode="numeric"' : ''}>`;
    row.innerHTML = `<label><span data-i18n="${a === '0' ? 'exploreVary' : 'exploreAnd'}"></span> <select id="${id('name')}"></select></label>`
      + `<label><span data-i18n="exploreFrom"></span> ${text('lo', 7)}</label>`
      + `<label><span data-i18n="exploreTo"></span> ${text('hi', 7)}</label>`
      + `<label><span data-i18n="explorePoints"></span> ${text('n', 4, true)}</label>`
      + `<label><input id="${id('log')}" type="checkbox"> <span data-i18n="exploreLog"></span></label>`;
  }

  function axisRow(a) {
    return {
      name: $(`explore-vary${a}-name`), lo: $(`explore-vary${a}-lo`), hi: $(`explore-vary${a}-hi`),
      n: $(`explore-vary${a}-n`), log: $(`explore-vary${a}-log`),
    };
  }

  function setAxis(a, v) {
    const row = axisRow(a);
    row.name.value = v ? v.name : '';
    row.lo.value = v ? v.lo : '';
    row.hi.value = v ? v.hi : '';
    row.n.value = v ? v.n : '';
    row.log.checked = !!(v && v.log);
    for (const el of [row.lo, row.hi, row.n, row.log]) el.disabled = !v;
  }

  /** Fills the sweep's axis menus for the chosen optimizer, with its defaults when asked. */
  function renderAxes(defaults) {
    const spec = parseSpec($('explore-optimizer').value);
    const entry = spec && info(spec.key);
    if (!entry) return;
    const numeric = numericHyperparameters(entry);
    for (const a of [0, 1]) {
      const menu = axisRow(a).name;
      const before = menu.value;
      const options = numeric.map((h) => new Option(`${h.name} · ${words(h)}`, h.name));
      if (a === 1) options.unshift(new Option(t('exploreNone'), ''));
      menu.replaceChildren(...options);
      if (!defaults && [...menu.options].some((o) => o.value === before)) menu.value = before;
    }
    if (defaults) {
      const axes = sweepDefaults(entry, spec.params, sweepSecond(entry.key));
      setAxis(0, axes[0]);
      setAxis(1, axes[1] || null);
    }
  }

  /** The defaults of one axis when its hyperparameter is chosen. */
  function onAxisName(a) {
    const spec = parseSpec($('explore-optimizer').value);
    const entry = spec && info(spec.key);
    const name = axisRow(a).name.value;
    if (!entry || !name) {
      setAxis(a, null);
      return;
    }
    const h = entry.hyperparameters.find((p) => p.name === name);
    const n = Number(axisRow(a).n.value) || 64;
    if (name === 'lr') {
      setAxis(a, { ...sweepDefaults(entry, spec.params, null, n)[0] });
    } else if (h.range && h.range.max !== undefined) {
      const hi = h.range.max_inclusive ? h.range.max : Number((h.range.max * 0.99).toPrecision(3));
      const lo = h.range.min_inclusive ? h.range.min : Number((hi / 100).toPrecision(3));
      setAxis(a, { name, lo, hi, n, log: false });
    } else {
      const v = spec.params[name] ?? h.default ?? 0;
      setAxis(a, v > 0 ? { name, lo: Number((v / 10).toPrecision(3)), hi: Number((v * 10).toPrecision(3)), n, log: true }
        : { name, lo: 0, hi: 1, n, log: false });
    }
  }

  /** Takes the race's scene into the form: function, view, optimizers, start, steps. */
  function syncFromRace() {
    const scene = getScene();
    renderFunctions();
    if (scene.fn.own) {
      $('explore-function').value = '';
    } else {
      $('explore-function').value = scene.fn.name;
    }
    $('explore-steps').value = scene.steps;
    $('explore-start-point').value = scene.starts[0].map(short).join(', ');
    const before = $('explore-optimizer').value;
    renderOptimizers(scene.opts);
    renderAxes(before !== $('explore-optimizer').value);
    renderScene();
  }

  function renderScene() {
    const scene = getScene();
    if (!scene.fn) return; // before the catalogue has come
    const name = $('explore-function').value;
    $('explore-own').textContent = !name && scene.fn.own ? t('exploreOwn') : '';
    $('explore-start').disabled = !name;
    $('explore-opts').textContent = kind === 'basins'
      ? t('exploreOpts', { opts: scene.opts.join(', ') }) : '';
  }

  /** The plan the form describes: {kind, function, opts, starts, view, steps, grid, vary}. */
  function formPlan() {
    const scene = getScene();
    const fname = $('explore-function').value;
    const fn = fnOf(fname);
    const sameFunction = fn && scene.fn.name === fn.name;
    const start = $('explore-start-point').value.split(',').map((s) => Number(s.trim()));
    const vary = [];
    for (const a of [0, 1]) {
      const row = axisRow(a);
      if (!row.name.value) continue;
      vary.push({ name: row.name.value, lo: Number(row.lo.value.trim() || NaN), hi: Number(row.hi.value.trim() || NaN),
        n: Number(row.n.value.trim() || NaN), log: row.log.checked });
    }
    return {
      kind, function: fname, fn,
      opts: kind === 'basins' ? scene.opts : [$('explore-optimizer').value],
      view: (linkView && linkView.function === fname && linkView.view) || (sameFunction ? scene.view : fn && fn.view),
      starts: [start.length === 2 && start.every(Number.isFinite) ? start : (fn ? fn.start : [0, 0])],
      steps: Number($('explore-steps').value),
      grid: Number($('explore-grid').value.trim() || NaN),
      vary,
    };
  }

  function clearProblem() {
    $('explore-error').textContent = '';
    for (const el of document.querySelectorAll('#explore [aria-invalid]')) el.removeAttribute('aria-invalid');
  }

  function showProblem(fieldName, text) {
    $('explore-error').textContent = text;
    const target = {
      grid: 'explore-grid', steps: 'explore-steps', start: 'explore-start-point', vary0: 'explore-vary0-lo',
      vary1: 'explore-vary1-lo', optimizer: 'explore-optimizer', optimizers: 'explore-function',
      function: 'explore-function',
    }[fieldName];
    if (target) $(target).setAttribute('aria-invalid', 'true');
  }

  // --- the maps --------------------------------------------------------------------------
  function mapSize(count, nx, ny) {
    const width = $('explore-maps').getBoundingClientRect().width || 600;
    const chrome = M.left + M.right + 16; // axes, and the figure's padding and border
    const perRow = Math.max(1, Math.min(count, Math.floor((width + 12) / (240 + chrome))));
    const w = Math.max(160, Math.min(count === 1 ? 640 : 420, Math.floor((width - 12 * (perRow - 1)) / perRow) - chrome));
    const h = ny === 1 ? 48 : Math.round(Math.min(w, 560) * (count === 1 && nx !== ny ? ny / nx : 1));
    return [w, Math.max(h, 48)];
  }

  function svgEl(name, attrs = {}) {
    const el = document.createElementNS(SVG_NS, name);
    for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
    return el;
  }

  /** One figure: a canvas of nx x ny cells under an SVG of axes (and contours). */
  function figure(nx, ny, w, h, caption) {
    const fig = document.createElement('figure');
    const frame = document.createElement('div');
    frame.className = 'explore-frame';
    frame.style.width = `${w + M.left + M.right}px`;
    frame.style.height = `${h + M.top + M.bottom}px`;
    const canvas = document.createElement('canvas');
    canvas.width = nx;
    canvas.height = ny;
    canvas.setAttribute('aria-label', `${caption}: ${t('exploreKeys')}`);
    Object.assign(canvas.style, { left: `${M.left}px`, top: `${M.top}px`, width: `${w}px`, height: `${h}px` });
    const svg = svgEl('svg', { width: w + M.left + M.right, height: h + M.top + M.bottom, 'aria-hidden': 'true' });
    const cap = document.createElement('figcaption');
    cap.textContent = caption;
    frame.append(canvas, svg);
    fig.append(frame, cap);
    return { fig, canvas, svg };
  }

  function paint(canvas, nx, ny, colourOf) {
    const g = canvas.getContext('2d');
    const img = g.createImageData(nx, ny);
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++) {
        const c = colourOf(j * nx + i);
        img.data.set([c[0], c[1], c[2], 255], 4 * ((ny - 1 - j) * nx + i)); // y0 at the bottom
      }
    }
    g.putImageData(img, 0, 0);
  }

  function axes(svg, sx, sy, w, h, xLabel, yLabel) {
    const root = d3.select(svg);
    root.append('g').attr('transform', `translate(0,${M.top + h})`).call(d3.axisBottom(sx).ticks(Math.max(2, w / 70), sx.base ? '.0e' : undefined));
    if (sy) root.append('g').attr('transform', `translate(${M.left},0)`).call(d3.axisLeft(sy).ticks(Math.max(2, h / 50), sy.base ? '.0e' : undefined));
    root.append('text').attr('x', M.left + w / 2).attr('y', M.top + h + 32).attr('text-anchor', 'middle')
      .attr('font-size', 12).attr('font-family', 'sans-serif').attr('fill', 'currentColor').text(xLabel);
    if (yLabel) {
      root.append('text').attr('transform', `translate(12,${M.top + h / 2}) rotate(-90)`).attr('text-anchor', 'middle')
        .attr('font-size', 12).attr('font-family', 'sans-serif').attr('fill', 'currentColor').text(yLabel);
    }
  }

  async function contourData(fn, view) {
    const key = `${fn.name}|${view.join(',')}`;
    if (contourCache.key !== key) {
      contourCache = { key, data: getLandscape(fn.name, 96, 96, view).catch(() => null) };
    }
    return contourCache.data;
  }

  /** The function's contour lines and known minima over a basin map's SVG. */
  async function drawContours(svg, fn, view, w, h, stale) {
    const data = await contourData(fn, view);
    if (!data || stale()) return;
    const tf = landscapeTransform(data.min, data.max, fn.log_scale);
    const hi = tf(data.max);
    const lo = tf(data.min);
    const values = data.values.map((v) => (v === null ? hi : tf(v)));
    const sx = d3.scaleLinear().domain([view[0], view[1]]).range([M.left, M.left + w]);
    const sy = d3.scaleLinear().domain([view[2], view[3]]).range([M.top + h, M.top]);
    const dx = (view[1] - view[0]) / (data.nx - 1);
    const dy = (view[3] - view[2]) / (data.ny - 1);
    const toScreen = d3.geoTransform({
      point(x, y) { this.stream.point(sx(view[0] + (x - 0.5) * dx), sy(view[2] + (y - 0.5) * dy)); },
    });
    const shapes = d3.contours().size([data.nx, data.ny]).thresholds(contourLevels(lo, hi, 10))(values);
    const g = d3.select(svg).insert('g', ':first-child').attr('class', 'explore-contours')
      .attr('clip-path', null);
    g.selectAll('path').data(shapes).join('path').attr('d', d3.geoPath(toScreen))
      .attr('fill', 'none').attr('stroke', 'rgba(255,255,255,0.55)').attr('stroke-width', 0.8);
    g.selectAll('path.explore-minimum').data(fn.minima).join('path').attr('class', 'explore-minimum')
      .attr('d', d3.symbol().type(d3.symbolStar).size(90))
      .attr('transform', (m) => `translate(${sx(m.x)},${sy(m.y)})`)
      .attr('fill', 'none').attr('stroke', '#fff').attr('stroke-width', 1.6);
    // the lines stay inside the map
    const clip = `explore-clip-${Math.random().toString(36).slice(2)}`;
    d3.select(svg).insert('defs', ':first-child').append('clipPath').attr('id', clip)
      .append('rect').attr('x', M.left).attr('y', M.top).attr('width', w).attr('height', h);
    g.attr('clip-path', `url(#${clip})`);
  }

  function drawBasins(pass, p, fields, fn, stale) {
    const [k, ny, nx] = pass.shape;
    const [w, h] = mapSize(k, nx, ny);
    const figs = [];
    const view = pass.view;
    for (let m = 0; m < k; m++) {
      const { fig, canvas, svg } = figure(nx, ny, w, h, p.opts[m]);
      canvas.dataset.map = String(m);
      const base = m * nx * ny;
      paint(canvas, nx, ny, (r) => cellColour(fields.minimum[base + r], fields.converged_at[base + r],
        fields.diverged_at[base + r], p.steps));
      const sx = d3.scaleLinear().domain([view[0], view[1]]).range([M.left, M.left + w]);
      const sy = d3.scaleLinear().domain([view[2], view[3]]).range([M.top + h, M.top]);
      axes(svg, sx, sy, w, h, 'x', 'y');
      drawContours(svg, fn, view, w, h, stale);
      hoverAndClick(canvas, svg, nx, ny, w, h, (i, j) => basinText(pass, p, fields, fn, m, i, j),
        (i, j) => onOpen(p.opts[m], startOf(view, nx, ny, i, j), fn.name, p.steps, view));
      figs.push(fig);
    }
    return figs;
  }

  function basinText(pass, p, fields, fn, m, i, j) {
    const [, ny, nx] = pass.shape;
    const r = (m * ny + j) * nx + i;
    const [x0, y0] = startOf(pass.view, nx, ny, i, j);
    const lines = [p.opts[m], t('exploreHoverStart', { x: short(x0), y: short(y0) })];
    lines.push(...runText(fields, r));
    const min = fields.minimum[r];
    if (fields.diverged_at[r] < 0) {
      lines.push(min >= 0 ? t('exploreHoverMinimum', { n: min + 1, x: fn.minima[min].x, y: fn.minima[min].y })
        : t('exploreHoverNoMinimum'));
    }
    return lines;
  }

  function runText(fields, r) {
    if (fields.diverged_at[r] >= 0) return [t('exploreHoverDiverged', { step: fields.diverged_at[r] })];
    return [t('exploreHoverEnd', { x: short(fields.x[r]), y: short(fields.y[r]), f: fmt(fields.f[r]) }),
      fields.converged_at[r] >= 0 ? t('exploreHoverConverged', { step: fields.converged_at[r] })
        : t('exploreHoverNotConverged')];
  }

  function bestF(fn, fields) {
    if (fn.minima.length) return Math.min(...fn.minima.map((m) => m.f));
    let best = Infinity;
    for (const v of fields.f) if (Number.isFinite(v) && v < best) best = v;
    return best;
  }

  /** The scale of a sweep axis over its cells: log or linear, each value at its cell's centre. */
  function axisScale(axis, n, from, to) {
    const vs = axis.values;
    const log = axis.log && vs[0] > 0;
    const s = (log ? d3.scaleLog() : d3.scaleLinear()).domain([vs[0], vs[n - 1]]);
    const half = (to - from) / (2 * n);
    return s.range([from + half, to - half]);
  }

  function drawSweep(pass, p, fields, fn) {
    const [, ny, nx] = pass.shape;
    const [w, h] = mapSize(1, nx, ny);
    const spec = p.opts[0];
    const { fig, canvas, svg } = figure(nx, ny, w, h, spec);
    canvas.dataset.map = '0';
    const fStar = bestF(fn, fields);
    const values = Array.from(fields.f, (f) => sweepValue(f, fStar));
    const finite = values.filter((v) => v !== null);
    const lo = finite.length ? Math.min(...finite) : 0;
    const hi = finite.length ? Math.max(...finite) : 1;
    const colourOf = (v) => d3.rgb(d3.interpolateViridis(hi > lo ? 1 - (v - lo) / (hi - lo) : 1));
    paint(canvas, nx, ny, (r) => {
      if (fields.diverged_at[r] >= 0 || values[r] === null) return [0, 0, 0];
      const c = colourOf(values[r]);
      return [c.r, c.g, c.b];
    });
    const vary = pass.axes.map((a, n) => ({ ...a, log: p.vary[n] && p.vary[n].log }));
    const sx = axisScale(vary[0], nx, M.left, M.left + w);
    const sy = vary[1] ? axisScale(vary[1], ny, M.top + h, M.top) : null;
    axes(svg, sx, sy, w, h, vary[0].name, vary[1] && vary[1].name);
    // diverged cells crossed where a cell is big enough to hold a cross
    const cw = w / nx;
    const ch = h / ny;
    if (cw >= 5 && ch >= 5) {
      let d = '';
      for (let j = 0; j < ny; j++) {
        for (let i = 0; i < nx; i++) {
          if (fields.diverged_at[j * nx + i] < 0) continue;
          const x = M.left + i * cw;
          const y = M.top + (ny - 1 - j) * ch;
          d += `M${(x + 1.5).toFixed(1)},${(y + 1.5).toFixed(1)}l${(cw - 3).toFixed(1)},${(ch - 3).toFixed(1)}`
            + `M${(x + cw - 1.5).toFixed(1)},${(y + 1.5).toFixed(1)}l${(3 - cw).toFixed(1)},${(ch - 3).toFixed(1)}`;
        }
      }
      d3.select(svg).append('path').attr('class', 'explore-crosses').attr('d', d)
        .attr('stroke', '#e69f00').attr('stroke-width', 1.2).attr('fill', 'none');
    }
    const entry = info(parseSpec(spec).key);
    const valuesAt = (i, j) => Object.fromEntries(pass.axes.map((a, n) => [a.name, a.values[n === 0 ? i : j]]));
    hoverAndClick(canvas, svg, nx, ny, w, h, (i, j) => {
      const at = valuesAt(i, j);
      return [Object.entries(at).map(([k, v]) => `${k} = ${fmt(v)}`).join(', '), ...runText(fields, j * nx + i)];
    }, (i, j) => onOpen(specWith(entry, spec, valuesAt(i, j)), p.starts[0], fn.name, p.steps, null));
    renderColourBar(lo, hi, colourOf);
    return [fig];
  }

  /**
   * Pointing at a cell outlines it and shows its numbers; a click opens the race. With the
   * map focused (Tab), the arrow keys move the outlined cell (Shift: 8 cells) and Enter opens it.
   */
  function hoverAndClick(canvas, svg, nx, ny, w, h, text, open) {
    const mark = d3.select(svg).append('rect').attr('class', 'explore-cell').attr('fill', 'none')
      .attr('stroke', '#fff').attr('stroke-width', 1.5).style('display', 'none');
    let at = [Math.floor(nx / 2), Math.floor(ny / 2)];
    const cell = (e) => {
      const box = canvas.getBoundingClientRect();
      return cellAt(e.clientX - box.left, e.clientY - box.top, box.width, box.height, nx, ny);
    };
    /** Outlines cell (i, j) and shows its numbers beside the point (px, py) of the page. */
    const show = (i, j, px, py) => {
      at = [i, j];
      const cw = Math.max(w / nx, 3);
      const ch = Math.max(h / ny, 3);
      mark.style('display', null).attr('x', M.left + (i + 0.5) * (w / nx) - cw / 2)
        .attr('y', M.top + (ny - j - 0.5) * (h / ny) - ch / 2).attr('width', cw).attr('height', ch);
      const tip = $('explore-hover');
      tip.replaceChildren(...text(i, j).map((line) => Object.assign(document.createElement('div'), { textContent: line })));
      tip.dataset.cell = `${i},${j}`;
      tip.hidden = false;
      const host = $('explore-maps').getBoundingClientRect();
      tip.style.left = `${Math.min(px - host.left + 14, host.width - tip.offsetWidth - 4)}px`;
      tip.style.top = `${py - host.top + 14}px`;
    };
    const hide = () => {
      mark.style('display', 'none');
      $('explore-hover').hidden = true;
    };
    canvas.tabIndex = 0;
    canvas.setAttribute('role', 'img');
    canvas.addEventListener('mousemove', (e) => show(...cell(e), e.clientX, e.clientY));
    canvas.addEventListener('mouseleave', hide);
    canvas.addEventListener('blur', hide);
    canvas.addEventListener('click', (e) => open(...cell(e)));
    canvas.addEventListener('keydown', (e) => {
      const moves = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, 1], ArrowDown: [0, -1] };
      if (e.key === 'Enter') {
        e.preventDefault();
        open(...at);
        return;
      }
      if (!moves[e.key]) return;
      e.preventDefault();
      const k = e.shiftKey ? 8 : 1;
      const i = Math.min(nx - 1, Math.max(0, at[0] + k * moves[e.key][0]));
      const j = Math.min(ny - 1, Math.max(0, at[1] + k * moves[e.key][1]));
      const box = canvas.getBoundingClientRect();
      show(i, j, box.left + ((i + 0.5) / nx) * box.width, box.top + (1 - (j + 0.5) / ny) * box.height);
    });
  }

  // --- legends ---------------------------------------------------------------------------
  function swatch(colours, label) {
    const item = document.createElement('span');
    item.className = 'explore-key';
    const box = document.createElement('span');
    box.className = 'explore-swatch';
    box.style.background = colours.length > 1
      ? `linear-gradient(to right, rgb(${colours[0]}), rgb(${colours[1]}))` : `rgb(${colours[0]})`;
    item.append(box, document.createTextNode(label));
    return item;
  }

  function renderLegend() {
    const legend = $('explore-legend');
    legend.replaceChildren();
    if (!shown) return;
    if (shown.pass.grid) {
      shown.fn.minima.forEach((m, n) => legend.append(
        swatch(minimumColours(n), t('exploreMinimumKey', { n: n + 1, x: m.x, y: m.y }))));
      legend.append(swatch([[150, 150, 150]], t('exploreNeither')), swatch([[0, 0, 0]], t('exploreDivergedKey')));
      const note = document.createElement('span');
      note.className = 'explore-key';
      note.textContent = t('exploreLighter');
      legend.append(note);
    } else if (shown.bar) {
      renderColourBar(...shown.bar);
    }
  }

  function renderColourBar(lo, hi, colourOf) {
    shown.bar = [lo, hi, colourOf];
    const legend = $('explore-legend');
    legend.replaceChildren();
    const w = 260;
    const svg = svgEl('svg', { width: w + 40, height: 44, role: 'img', 'aria-label': t('exploreBar') });
    const grad = `explore-bar-${Math.random().toString(36).slice(2)}`;
    const root = d3.select(svg);
    const g = root.append('defs').append('linearGradient').attr('id', grad);
    for (let s = 0; s <= 10; s++) g.append('stop').attr('offset', `${s * 10}%`).attr('stop-color', colourOf(lo + ((hi - lo) * s) / 10));
    root.append('rect').attr('x', 20).attr('y', 4).attr('width', w).attr('height', 12).attr('fill', `url(#${grad})`);
    const scale = d3.scaleLinear().domain([lo, hi]).range([20, 20 + w]);
    root.append('g').attr('transform', 'translate(0,16)').call(d3.axisBottom(scale).ticks(5)
      .tickFormat((v) => `1e${Math.round(v)}`).tickValues(d3.range(Math.ceil(lo), Math.floor(hi) + 1,
        Math.max(1, Math.ceil((hi - lo) / 5)))));
    const label = document.createElement('span');
    label.className = 'explore-key';
    label.textContent = t('exploreBar');
    legend.append(label, svg, swatch([[0, 0, 0]], t('exploreDivergedKey')));
  }

  // --- the job ---------------------------------------------------------------------------
  async function onPass(pass, p, fn, mine) {
    const names = FIELDS[p.kind];
    const arrays = await Promise.all(names.map((n) => field(pass.fields[n])));
    if (mine !== generation) return;
    const fields = Object.fromEntries(names.map((n, i) => [n, arrays[i]]));
    shown = { pass, plan: p, fields, fn };
    const stale = () => mine !== generation;
    const figs = p.kind === 'basins' ? drawBasins(pass, p, fields, fn, stale) : drawSweep(pass, p, fields, fn);
    $('explore-maps').replaceChildren(...figs, $('explore-hover'));
    $('explore-hover').hidden = true;
    if (p.kind === 'basins') renderLegend();
    document.body.dataset.explorePass = String(pass.pass);
    $('explore-progress').textContent = progressText();
    for (const id of ['explore-png', 'explore-csv']) $(id).disabled = false;
  }

  function progressText() {
    if (!shown) return '';
    if (shown.pass.coarse) return t('exploreCoarse');
    return t(shown.plan.kind === 'basins' ? 'exploreDoneBasins' : 'exploreDoneSweep');
  }

  async function start() {
    clearProblem();
    const p = formPlan();
    if (!p.fn) {
      showProblem('function', t('exploreOwn'));
      return;
    }
    if (!Number.isInteger(p.steps) || p.steps < 1 || p.steps > 100000) {
      showProblem('steps', t('exploreBadSteps'));
      return;
    }
    const problem = planProblem(p);
    if (problem) {
      showProblem(problem.field, t(problem.key, problem.args));
      return;
    }
    if (source) source.close();
    generation += 1;
    const mine = generation;
    const r = await fetch('/api/v1/explorations', {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(explorationRequest(p)),
    });
    let body;
    try {
      body = await r.json();
    } catch {
      body = { error: `HTTP ${r.status}` };
    }
    if (mine !== generation) return;
    if (!r.ok) {
      showProblem(r.status === 503 ? '' : body.field, r.status === 503 ? t('exploreBusy') : body.error);
      return;
    }
    plan = p;
    onPlan(p); // the URL holds what the server took
    delete document.body.dataset.explorePass;
    $('explore-progress').textContent = t('exploreRunning');
    source = new EventSource(body.events);
    const stream = source;
    source.addEventListener('pass', (e) => {
      onPass(JSON.parse(e.data), p, p.fn, mine).catch((err) => { $('explore-error').textContent = err.message; });
    });
    source.addEventListener('done', () => stream.close());
    source.addEventListener('error', (e) => {
      if (e.data) $('explore-error').textContent = JSON.parse(e.data).error;
      stream.close();
    });
  }

  // --- exports ---------------------------------------------------------------------------
  function fileName(ext) {
    return `clopt-explore-${shown.plan.kind}-${shown.plan.function}.${ext}`;
  }

  function svgImage(svg) {
    const copy = svg.cloneNode(true);
    copy.setAttribute('xmlns', SVG_NS);
    copy.setAttribute('color', '#222');
    const url = URL.createObjectURL(new Blob([new XMLSerializer().serializeToString(copy)], { type: 'image/svg+xml' }));
    return new Promise((resolve, reject) => {
      const img = new Image();
      img.onload = () => { URL.revokeObjectURL(url); resolve(img); };
      img.onerror = reject;
      img.src = url;
    });
  }

  /** The maps as the page shows them (cells, axes, contours, captions) and the legend, as PNG. */
  async function savePng() {
    const host = $('explore-maps').getBoundingClientRect();
    const legend = $('explore-legend');
    const scale = 2;
    const out = document.createElement('canvas');
    out.width = Math.ceil(host.width) * scale;
    out.height = Math.ceil(host.height + 40) * scale;
    const g = out.getContext('2d');
    g.scale(scale, scale);
    g.fillStyle = '#fff';
    g.fillRect(0, 0, out.width, out.height);
    g.imageSmoothingEnabled = false;
    for (const fig of $('explore-maps').querySelectorAll('figure')) {
      const canvas = fig.querySelector('canvas');
      const c = canvas.getBoundingClientRect();
      g.drawImage(canvas, c.left - host.left, c.top - host.top, c.width, c.height);
      const svg = fig.querySelector('svg');
      const s = svg.getBoundingClientRect();
      g.drawImage(await svgImage(svg), s.left - host.left, s.top - host.top, s.width, s.height);
      const cap = fig.querySelector('figcaption').getBoundingClientRect();
      g.fillStyle = '#222';
      g.font = '13px sans-serif';
      g.fillText(fig.querySelector('figcaption').textContent, cap.left - host.left, cap.top - host.top + 13);
    }
    g.fillStyle = '#222';
    g.font = '12px sans-serif';
    g.fillText(legend.textContent.replace(/\s+/g, ' ').trim().slice(0, 200), 4, host.height + 24);
    out.toBlob((blob) => download(blob, fileName('png')), 'image/png');
  }

  function saveCsv() {
    download(new Blob([explorationCsv(shown.pass, shown.fields, shown.plan.opts)], { type: 'text/csv' }), fileName('csv'));
  }

  // --- wiring ----------------------------------------------------------------------------
  for (const row of document.querySelectorAll('#explore [data-axis]')) buildAxis(row);
  for (const b of document.querySelectorAll('[data-explore-kind]')) {
    b.addEventListener('click', () => setKind(b.dataset.exploreKind));
  }
  $('explore-function').addEventListener('change', () => { linkView = null; renderScene(); });
  $('explore-optimizer').addEventListener('change', () => renderAxes(true));
  for (const a of [0, 1]) axisRow(a).name.addEventListener('change', () => onAxisName(a));
  $('explore-form').addEventListener('submit', (e) => {
    e.preventDefault();
    start();
  });
  $('explore-png').addEventListener('click', () => { if (shown) savePng(); });
  $('explore-csv').addEventListener('click', () => { if (shown) saveCsv(); });
  setKind('basins');

  return {
    /** The view is shown: the form takes the race's scene. */
    shown() {
      syncFromRace();
    },
    /** Opens a plan from a link (parseExploreHash) and computes it. */
    load(v) {
      syncFromRace();
      setKind(v.kind);
      if (v.function) $('explore-function').value = v.function;
      if (v.steps) $('explore-steps').value = v.steps;
      if (v.grid) $('explore-grid').value = v.grid;
      if (v.starts.length) $('explore-start-point').value = v.starts[0].join(', ');
      if (v.kind === 'sweep') {
        if (v.opts.length) {
          renderOptimizers(v.opts.slice(0, 1));
          renderAxes(true);
        }
        if (v.vary.length) {
          for (const a of [0, 1]) setAxis(a, v.vary[a] || null);
        }
      }
      linkView = v.view && v.kind === 'basins' ? { function: v.function, view: v.view } : null;
      renderScene();
      if (v.function) start();
    },
    /** The plan last started, or null. */
    plan: () => plan,
    relabel() {
      $('explore-intro').textContent = t(kind === 'basins' ? 'exploreIntroBasins' : 'exploreIntroSweep');
      renderScene();
      renderAxes(false);
      if (shown) {
        $('explore-progress').textContent = progressText();
        renderLegend();
      }
    },
  };
}
