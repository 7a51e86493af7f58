// The Explore view's pictures: a figure per map (a canvas of cells under an SVG of axes,
// contours and the outlined cell), basin maps and sweep heatmaps drawn into them, the
// pointer and keyboard on a map (zooming: explorezoom.js), the legends, and the PNG of what
// is shown. Trainability maps (trainmap.js) are drawn with the same figures.
/* global d3 */

import { download, svgImage } from './exporter.js';
import { cellAt, cellColour, extent, minimumColours, startOf, sweepValue } from './exploreplan.js';
import { zoomable } from './explorezoom.js';
import { t } from './i18n.js';
import { contourLevels, landscapeTransform, readable } from './scales.js';

export const M = { left: 50, right: 10, top: 8, bottom: 38 }; // the axes around each map
const SVG_NS = 'http://www.w3.org/2000/svg';

export const short = (v) => (Number.isFinite(v) ? Number(v.toPrecision(4)) : '–');
export const fmt = (v) => (Number.isFinite(v) ? readable(v) : '–');

/** Width and height of each of `count` maps of nx x ny cells in a host `width` px wide (left: the axis's margin). */
export function mapSize(width, count, nx, ny, left = M.left) {
  const chrome = left + M.right + 16; // axes, and the figure's padding and border
  const perRow = Math.max(1, Math.min(count, Math.floor((width + 12) / (240 + chrome))));
  const w = Math.max(160, Math.min(count === 1 ? 640 : 420, Math.floor((width - 12 * (perRow - 1)) / perRow) - chrome));
  if (ny === 1) return [w, 48];
  return [w, Math.max(48, Math.min(560, Math.round(count === 1 ? (w * ny) / nx : w)))];
}

function svgEl(name, attrs = {}) {
  const el = document.createElementNS(SVG_NS, name);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  return el;
}

/** One figure: a canvas of nx x ny cells under an SVG of axes (and contours); left: the y axis's margin. */
export function figure(nx, ny, w, h, caption, m, left = M.left) {
  const fig = document.createElement('figure');
  const frame = document.createElement('div');
  frame.className = 'explore-frame';
  frame.style.width = `${w + left + M.right}px`;
  frame.style.height = `${h + M.top + M.bottom}px`;
  const canvas = document.createElement('canvas');
  canvas.width = nx;
  canvas.height = ny;
  canvas.dataset.map = String(m);
  canvas.dataset.caption = caption;
  canvas.setAttribute('aria-label', `${caption}: ${t('exploreKeys')}`);
  Object.assign(canvas.style, { left: `${left}px`, top: `${M.top}px`, width: `${w}px`, height: `${h}px` });
  const svg = svgEl('svg', { width: w + left + M.right, height: h + M.top + M.bottom, 'aria-hidden': 'true' });
  const cap = document.createElement('figcaption');
  cap.textContent = caption;
  frame.append(canvas, svg);
  fig.append(frame, cap);
  return { fig, canvas, svg };
}

export function paint(canvas, nx, ny, colourOf) {
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

/** A linear scale that puts lo at the centre of the first of n cells from `from` to `to`, hi at the last's. */
export function cellScale(lo, hi, n, from, to) {
  const half = (to - from) / (2 * n);
  return d3.scaleLinear().domain([lo, hi]).range([from + half, to - half]);
}

/** The scale of a sweep axis over its cells: log or linear, each value at its cell's centre. */
function axisScale(axis, n, from, to) {
  const vs = axis.values;
  const s = (axis.log && vs[0] > 0 ? d3.scaleLog() : d3.scaleLinear()).domain([vs[0], vs[n - 1]]);
  const half = (to - from) / (2 * n);
  return s.range([from + half, to - half]);
}

/**
 * An axis of `count` ticks on scale s: a log scale over a decade or more as powers (1e-3), a
 * narrower one (a zoomed window) with a linear scale's ticks and digits, placed by s.
 */
function ticked(axis, s, count) {
  const [lo, hi] = s.domain();
  if (!s.base) return axis.ticks(count);
  if (hi / lo >= 10) return axis.ticks(count, '.0e');
  const lin = d3.scaleLinear().domain([lo, hi]);
  return axis.tickValues(lin.ticks(count)).tickFormat(lin.tickFormat(count));
}

function axes(svg, sx, sy, w, h, xLabel, yLabel) {
  const root = d3.select(svg);
  root.append('g').attr('transform', `translate(0,${M.top + h})`).call(ticked(d3.axisBottom(sx), sx, Math.max(2, w / 90)));
  if (sy) root.append('g').attr('transform', `translate(${M.left},0)`).call(ticked(d3.axisLeft(sy), sy, Math.max(2, h / 50)));
  root.append('text').attr('x', M.left + w / 2).attr('y', M.top + h + 32).attr('text-anchor', 'middle')
    .attr('font-size', 12).attr('font-family', 'sans-serif').attr('fill', 'currentColor').text(xLabel);
  if (yLabel) {
    root.append('text').attr('transform', `translate(12,${M.top + h / 2}) rotate(-90)`).attr('text-anchor', 'middle')
      .attr('font-size', 12).attr('font-family', 'sans-serif').attr('fill', 'currentColor').text(yLabel);
  }
}

/** The function's contour lines (data: a landscape of the map's view) and known minima over a map. */
function drawContours(svg, data, fn, sx, sy, w, h) {
  const view = data.view;
  const tf = landscapeTransform(data.min, data.max, fn.log_scale);
  const hi = tf(data.max);
  const lo = tf(data.min);
  const values = data.values.map((v) => (v === null ? hi : tf(v)));
  const dx = (view[1] - view[0]) / (data.nx - 1);
  const dy = (view[3] - view[2]) / (data.ny - 1);
  const toScreen = d3.geoTransform({
    point(x, y) { this.stream.point(sx(view[0] + (x - 0.5) * dx), sy(view[2] + (y - 0.5) * dy)); },
  });
  const shapes = d3.contours().size([data.nx, data.ny]).thresholds(contourLevels(lo, hi, 10))(values);
  const clip = `explore-clip-${Math.random().toString(36).slice(2)}`;
  d3.select(svg).insert('defs', ':first-child').append('clipPath').attr('id', clip)
    .append('rect').attr('x', M.left).attr('y', M.top).attr('width', w).attr('height', h);
  const g = d3.select(svg).insert('g', 'defs + *').attr('class', 'explore-contours').attr('clip-path', `url(#${clip})`);
  g.selectAll('path').data(shapes).join('path').attr('d', d3.geoPath(toScreen))
    .attr('fill', 'none').attr('stroke', 'rgba(255,255,255,0.55)').attr('stroke-width', 0.8);
  g.selectAll('path.explore-minimum').data(fn.minima).join('path').attr('class', 'explore-minimum')
    .attr('d', d3.symbol().type(d3.symbolStar).size(90))
    .attr('transform', (m) => `translate(${sx(m.x)},${sy(m.y)})`)
    .attr('fill', 'none').attr('stroke', '#fff').attr('stroke-width', 1.6);
}

/**
 * A mouse (or pen) pointing at a cell shows its numbers and a click opens it; on a touch
 * screen the first tap shows the numbers and a second tap on that cell opens it. A tap also
 * sends the mouse's events (mousemove, then click), so a tap is known by its pointerdown.
 */
function pointAndTap(canvas, { cell, show, hide, showAt, shown, open }) {
  let touched = false;
  canvas.addEventListener('pointerdown', (e) => { touched = e.pointerType === 'touch'; });
  canvas.addEventListener('pointermove', (e) => { if (e.pointerType !== 'touch') show(...cell(e), e.clientX, e.clientY); });
  canvas.addEventListener('pointerleave', (e) => { if (e.pointerType !== 'touch') hide(); });
  canvas.addEventListener('focus', () => { if (!touched) showAt(); }); // a tap shows its own cell
  canvas.addEventListener('blur', hide);
  canvas.addEventListener('click', (e) => {
    const [i, j] = cell(e);
    const tap = touched || e.pointerType === 'touch';
    touched = false;
    if (tap && shown() !== `${i},${j}`) show(i, j, e.clientX, e.clientY);
    else open(i, j);
  });
}

/**
 * Pointing at a cell outlines it and shows its numbers in `tip`; a click opens the race (on
 * a touch screen the first tap shows the numbers, a second tap on that cell opens it). With
 * the map focused (Tab), the arrow keys move the outlined cell (Shift: 8 cells), Enter
 * opens it, + and - zoom in and out about it (zoom: the view's {onWheel}, or null). left:
 * the figure's margin left of the map.
 */
export function hoverAndClick({ canvas, svg, nx, ny, w, h, tip, host, text, open, zoom, left = M.left }) {
  const mark = d3.select(svg).append('rect').attr('class', 'explore-cell').attr('fill', 'none')
    .attr('stroke', '#fff').attr('stroke-width', 1.5).style('display', 'none');
  let at = [Math.floor(nx / 2), Math.floor(ny / 2)];
  let shownAt = null;
  const cell = (e) => {
    const box = canvas.getBoundingClientRect();
    return cellAt(e.clientX - box.left, e.clientY - box.top, box.width, box.height, nx, ny);
  };
  /** Outlines cell (i, j) and shows its numbers beside the point (px, py) of the page. */
  const show = (i, j, px, py) => {
    at = [i, j];
    shownAt = `${i},${j}`;
    const cw = Math.max(w / nx, 3);
    const ch = Math.max(h / ny, 3);
    mark.style('display', null).attr('x', left + (i + 0.5) * (w / nx) - cw / 2)
      .attr('y', M.top + (ny - j - 0.5) * (h / ny) - ch / 2).attr('width', cw).attr('height', ch);
    tip.replaceChildren(...text(i, j).map((line) => Object.assign(document.createElement('div'), { textContent: line })));
    tip.dataset.cell = shownAt;
    tip.hidden = false;
    const box = host.getBoundingClientRect();
    tip.style.left = `${Math.max(0, Math.min(px - box.left + 14, box.width - tip.offsetWidth - 4))}px`;
    tip.style.top = `${py - box.top + 14}px`;
  };
  const showAt = ([i, j]) => {
    const box = canvas.getBoundingClientRect();
    show(i, j, box.left + ((i + 0.5) / nx) * box.width, box.top + (1 - (j + 0.5) / ny) * box.height);
  };
  const hide = () => {
    mark.style('display', 'none');
    tip.hidden = true;
    shownAt = null;
  };
  canvas.tabIndex = 0;
  canvas.setAttribute('role', 'img');
  pointAndTap(canvas, { cell, show, hide, showAt: () => showAt(at), shown: () => shownAt, open });
  canvas.addEventListener('keydown', (e) => {
    const moves = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, 1], ArrowDown: [0, -1] };
    if (e.key === 'Enter') {
      e.preventDefault();
      open(...at);
      return;
    }
    const wheel = { '+': 0.5, '=': 0.5, '-': 2 }[e.key];
    if (wheel && zoom) {
      e.preventDefault();
      zoom.onWheel({ u: (at[0] + 0.5) / nx, v: (at[1] + 0.5) / ny, factor: wheel });
      return;
    }
    if (!moves[e.key]) return;
    e.preventDefault();
    const k = e.shiftKey ? 8 : 1;
    showAt([Math.min(nx - 1, Math.max(0, at[0] + k * moves[e.key][0])),
      Math.min(ny - 1, Math.max(0, at[1] + k * moves[e.key][1]))]);
  });
}

function runText(fields, r) {
  if (fields.diverged_at[r] >= 0) return [t('exploreHoverDiverged', { step: fields.diverged_at[r] })];
  return [t('exploreHoverEnd', { x: short(fields.x[r]), y: short(fields.y[r]), f: fmt(fields.f[r]) }),
    fields.converged_at[r] >= 0 ? t('exploreHoverConverged', { step: fields.converged_at[r] })
      : t('exploreHoverNotConverged')];
}

/**
 * The basin maps of a pass (one figure per optimizer) in `host`, numbers in `tip`;
 * contours: a promise of the landscape of the pass's view (or null); open(m, [x, y]) races
 * map m's optimizer from there; stale() tells a drawing that came too late; zoom:
 * {touchZoom, onRect, onWheel} (explorezoom.js) or null.
 */
export function drawBasins({ host, tip, pass, plan, fields, fn, contours, open, stale, zoom }) {
  const [k, ny, nx] = pass.shape;
  const [w, h] = mapSize(host.getBoundingClientRect().width || 600, k, nx, ny);
  const view = pass.view;
  const figs = [];
  for (let m = 0; m < k; m++) {
    const { fig, canvas, svg } = figure(nx, ny, w, h, plan.opts[m], m);
    const base = m * nx * ny;
    paint(canvas, nx, ny, (r) => cellColour(fields.minimum[base + r], fields.converged_at[base + r],
      fields.diverged_at[base + r], plan.steps));
    // run i starts at x0 + i (x1 - x0) / (nx - 1): the centre of cell i
    const sx = cellScale(view[0], view[1], nx, M.left, M.left + w);
    const sy = cellScale(view[2], view[3], ny, M.top + h, M.top);
    axes(svg, sx, sy, w, h, 'x', 'y');
    contours.then((data) => { if (data && !stale()) drawContours(svg, data, fn, sx, sy, w, h); });
    const text = (i, j) => {
      const r = base + j * nx + i;
      const [x0, y0] = startOf(view, nx, ny, i, j);
      const lines = [plan.opts[m], t('exploreHoverStart', { x: short(x0), y: short(y0) }), ...runText(fields, r)];
      const min = fields.minimum[r];
      if (fields.diverged_at[r] < 0) {
        lines.push(min >= 0 ? t('exploreHoverMinimum', { n: min + 1, x: fn.minima[min].x, y: fn.minima[min].y })
          : t('exploreHoverNoMinimum', { steps: plan.steps }));
      }
      return lines;
    };
    hoverAndClick({ canvas, svg, nx, ny, w, h, tip, host, text, zoom, open: (i, j) => open(m, startOf(view, nx, ny, i, j)) });
    if (zoom) zoomable({ canvas, svg, left: M.left, top: M.top, w, h, oneAxis: false, keepAspect: true, ...zoom });
    figs.push(fig);
  }
  return figs;
}

/**
 * The heatmap of a sweep's final f in `host` (numbers in `tip`); open(values) races with the
 * hyperparameters {name: value} of a cell; zoom as drawBasins's. Returns {figs, bar}: bar is
 * the colour scale {lo, hi, colourOf} of the legend, or null when no run ended finite.
 */
export function drawSweep({ host, tip, pass, plan, fields, fn, open, zoom }) {
  const [, ny, nx] = pass.shape;
  const [w, h] = mapSize(host.getBoundingClientRect().width || 600, 1, nx, ny);
  const { fig, canvas, svg } = figure(nx, ny, w, h, plan.opts[0], 0);
  // f above the function's best known value, or above the sweep's best run (no known minima)
  let fStar = fn.minima.length ? Math.min(...fn.minima.map((m) => m.f)) : Infinity;
  if (!fn.minima.length) for (const v of fields.f) if (Number.isFinite(v) && v < fStar) fStar = v;
  const values = Array.from(fields.f, (f) => sweepValue(f, fStar));
  const range = extent(values);
  const [lo, hi] = range || [0, 1];
  // as on the landscape: dark purple = low f (near the minimum: good), yellow = high
  const colourOf = (v) => d3.rgb(d3.interpolateViridis(hi > lo ? (v - lo) / (hi - lo) : 0));
  paint(canvas, nx, ny, (r) => {
    if (fields.diverged_at[r] >= 0 || values[r] === null) return [0, 0, 0];
    const c = colourOf(values[r]);
    return [c.r, c.g, c.b];
  });
  const vary = pass.axes.map((a, n) => ({ ...a, log: plan.vary[n] && plan.vary[n].log }));
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
  const valuesAt = (i, j) => Object.fromEntries(pass.axes.map((a, n) => [a.name, a.values[n === 0 ? i : j]]));
  const text = (i, j) => [Object.entries(valuesAt(i, j)).map(([k, v]) => `${k} = ${fmt(v)}`).join(', '),
    ...runText(fields, j * nx + i)];
  hoverAndClick({ canvas, svg, nx, ny, w, h, tip, host, text, zoom, open: (i, j) => open(valuesAt(i, j)) });
  if (zoom) zoomable({ canvas, svg, left: M.left, top: M.top, w, h, oneAxis: pass.axes.length === 1, keepAspect: false, ...zoom });
  return { figs: [fig], bar: range ? { lo, hi, colourOf } : null };
}

export function swatch(colours, label) {
  const item = document.createElement('span');
  item.className = 'explore-key';
  const box = document.createElement('span');
  box.className = 'explore-swatch';
  box.style.background = colours.length > 1
    ? `linear-gradient(to right, rgb(${colours[0]}), rgb(${colours[1]}))` : `rgb(${colours[0]})`;
  item.append(box, document.createTextNode(label));
  return item;
}

/** The legend of basin maps of function fn (runs of `steps` steps): a colour per known minimum, neither, diverged. */
export function basinLegend(legend, fn, steps) {
  legend.replaceChildren();
  fn.minima.forEach((m, n) => legend.append(
    swatch(minimumColours(n), t('exploreMinimumKey', { n: n + 1, x: m.x, y: m.y }))));
  const note = document.createElement('span');
  note.className = 'explore-key';
  note.textContent = t('exploreLighter');
  legend.append(swatch([[150, 150, 150]], t('exploreNeither', { steps })), swatch([[0, 0, 0]], t('exploreDivergedKey')), note);
}

/** The legend of a sweep: the colour bar of log10(f - f*) (none when no run ended finite), diverged. */
export function sweepLegend(legend, bar) {
  legend.replaceChildren();
  const diverged = swatch([[0, 0, 0]], t('exploreDivergedKey'));
  if (!bar) {
    legend.append(diverged);
    return;
  }
  const { lo, hi, colourOf } = bar;
  const w = 260;
  const svg = svgEl('svg', { width: w + 40, height: 44, role: 'img', 'aria-label': t('exploreBar') });
  const grad = `explore-bar-${Math.random().toString(36).slice(2)}`;
  const root = d3.select(svg);
  const g = root.append('defs').append('linearGradient').attr('id', grad);
  for (let s = 0; s <= 10; s++) g.append('stop').attr('offset', `${s * 10}%`).attr('stop-color', colourOf(lo + ((hi - lo) * s) / 10));
  root.append('rect').attr('x', 20).attr('y', 4).attr('width', w).attr('height', 12).attr('fill', `url(#${grad})`);
  const scale = d3.scaleLinear().domain([lo, hi]).range([20, 20 + w]);
  // whole powers of ten where the range spans one, else its two ends
  const decades = d3.range(Math.ceil(lo), Math.floor(hi) + 1, Math.max(1, Math.ceil((hi - lo) / 5)));
  const ticks = decades.length ? decades : [lo, hi];
  root.append('g').attr('transform', 'translate(0,16)').call(d3.axisBottom(scale).tickValues(ticks)
    .tickFormat((v) => (Number.isInteger(v) ? `1e${v}` : fmt(10 ** v))));
  const label = document.createElement('span');
  label.className = 'explore-key';
  label.textContent = t('exploreBar');
  legend.append(label, svg, diverged);
}

/** The maps in `host` as the page shows them (cells, axes, contours, captions) and the legend's text, as PNG. */
export async function savePng(host, legend, name) {
  const box = host.getBoundingClientRect();
  const scale = 2;
  const out = document.createElement('canvas');
  out.width = Math.ceil(box.width) * scale;
  out.height = Math.ceil(box.height + 40) * scale;
  const g = out.getContext('2d');
  g.scale(scale, scale);
  g.fillStyle = '#fff';
  g.fillRect(0, 0, out.width, out.height);
  g.imageSmoothingEnabled = false;
  for (const fig of host.querySelectorAll('figure')) {
    const canvas = fig.querySelector('canvas');
    const c = canvas.getBoundingClientRect();
    g.drawImage(canvas, c.left - box.left, c.top - box.top, c.width, c.height);
    const svg = fig.querySelector('svg');
    const s = svg.getBoundingClientRect();
    const copy = svg.cloneNode(true);
    copy.setAttribute('xmlns', SVG_NS);
    copy.setAttribute('color', '#222');
    g.drawImage(await svgImage(new XMLSerializer().serializeToString(copy)), s.left - box.left, s.top - box.top, s.width, s.height);
    const cap = fig.querySelector('figcaption').getBoundingClientRect();
    g.fillStyle = '#222';
    g.font = '13px sans-serif';
    g.fillText(fig.querySelector('figcaption').textContent, cap.left - box.left, cap.top - box.top + 13);
  }
  g.fillStyle = '#222';
  g.font = '12px sans-serif';
  g.fillText(legend.textContent.replace(/\s+/g, ' ').trim().slice(0, 200), 4, box.height + 24);
  out.toBlob((blob) => download(blob, name), 'image/png');
}
