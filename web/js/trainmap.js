// The Explore view's trainability map: one figure (exploremaps.js's) of the cells of a pass,
// trained blue and diverged orange by trainplan.js's scale, axes in rates (10^k), the
// pointer's and the keyboard's cell numbers, the zoom, and the legend.
/* global d3 */

import { cellScale, figure, fmt, hoverAndClick, M, mapSize, paint, swatch } from './exploremaps.js';
import { startOf } from './exploreplan.js';
import { zoomable } from './explorezoom.js';
import { t } from './i18n.js';
import { dimensionText, exponentDigits, rateText, trainColour, trainScale } from './trainplan.js';

const SVG_NS = 'http://www.w3.org/2000/svg';

/**
 * The ticks of an axis over the decades lo .. hi, about `count` of them: whole decades where
 * the window spans two or more (10^-2 .. 10^3), else a linear scale's ticks of the exponent
 * with the digits they need (a deep zoom's 10^1.49858). {values, format}.
 */
function decadeTicks(lo, hi, count) {
  if (hi - lo >= 2) {
    return { values: d3.range(Math.ceil(lo), Math.floor(hi) + 1, Math.max(1, Math.ceil((hi - lo) / count))), format: d3.format('d') };
  }
  const s = d3.scaleLinear().domain([lo, hi]);
  return { values: s.ticks(count), format: s.tickFormat(count) };
}

/** The width (px) of the widest of `exponents` as powers: 10 at d3's axis font (10 px sans-serif), the exponent raised at 8 px. */
function powerWidth(exponents) {
  const g = document.createElement('canvas').getContext('2d');
  g.font = '10px sans-serif';
  const ten = g.measureText('10').width;
  g.font = '8px sans-serif';
  return ten + Math.max(0, ...exponents.map((e) => g.measureText(e).width));
}

/** The tick labels of an axis group `g` (exponents as text) as powers: 10 with the exponent raised. */
function powers(g) {
  g.selectAll('.tick text').each(function label() {
    const k = this.textContent;
    this.textContent = '10';
    const sup = document.createElementNS(SVG_NS, 'tspan');
    sup.setAttribute('dy', '-0.5em');
    sup.setAttribute('font-size', '0.8em');
    sup.textContent = k;
    this.append(sup);
  });
}

/** Axes in rates (10^k) on scales of decades sx, sy (yTicks: decadeTicks's of sy), the map `left` px from the figure's edge. */
function rateAxes(svg, { sx, sy, yTicks, w, h, left }) {
  const root = d3.select(svg);
  const x = decadeTicks(...sx.domain(), Math.max(2, w / 110));
  root.append('g').attr('transform', `translate(0,${M.top + h})`).call(d3.axisBottom(sx).tickValues(x.values).tickFormat(x.format))
    .call(powers);
  root.append('g').attr('transform', `translate(${left},0)`).call(d3.axisLeft(sy).tickValues(yTicks.values).tickFormat(yTicks.format))
    .call(powers);
  const title = (sel) => sel.attr('text-anchor', 'middle').attr('font-size', 12).attr('font-family', 'sans-serif')
    .attr('fill', 'currentColor');
  root.append('text').attr('x', left + w / 2).attr('y', M.top + h + 32).call(title).text(t('exploreTrainX'));
  root.append('text').attr('transform', `translate(12,${M.top + h / 2}) rotate(-90)`).call(title).text(t('exploreTrainY'));
}

/**
 * The map of a trainability pass in `host` (numbers in `tip`); open(render) keeps a cell's
 * lines (a click, a second tap, Enter; render() words them in the page's language); zoom
 * as drawBasins's. Returns its figures.
 */
export function drawTrainability({ host, tip, pass, fields, open, zoom }) {
  const [, ny, nx] = pass.shape;
  const win = pass.window;
  // the y axis's labels, 10 with a raised exponent (1.49858 deep in a zoom), take the margin
  // they need beside the axis's title
  const room = host.getBoundingClientRect().width || 600;
  const yTicks = decadeTicks(win[2], win[3], Math.max(2, mapSize(room, 1, nx, ny)[1] / 60));
  const left = Math.max(M.left, Math.ceil(20 + 9 + powerWidth(yTicks.values.map(yTicks.format))));
  const [w, h] = mapSize(room, 1, nx, ny, left);
  const caption = t('exploreTrainCaption', { width: pass.width, activation: pass.activation, steps: pass.steps });
  const { fig, canvas, svg } = figure(nx, ny, w, h, caption, 0, left);
  canvas.setAttribute('aria-label', `${caption}: ${t('exploreKeysTrain')}`);
  const scale = trainScale(fields.measure, fields.converged);
  paint(canvas, nx, ny, scale.colourOf);
  const sx = cellScale(win[0], win[1], nx, left, left + w);
  const sy = cellScale(win[2], win[3], ny, M.top + h, M.top);
  rateAxes(svg, { sx, sy, yTicks, w, h, left });
  const digits = exponentDigits(Math.min((win[1] - win[0]) / (nx - 1), (win[3] - win[2]) / (ny - 1)));
  const text = (i, j) => {
    const r = j * nx + i;
    const [x, y] = startOf(win, nx, ny, i, j);
    const m = fields.measure[r];
    return [t('exploreTrainRate', { layer: 1, rate: rateText(x, digits) }), t('exploreTrainRate', { layer: 2, rate: rateText(y, digits) }),
      t(fields.converged[r] ? 'exploreTrainTrained' : 'exploreTrainDiverged', { measure: fmt(m) })];
  };
  hoverAndClick({ canvas, svg, nx, ny, w, h, tip, host, text, zoom, left, open: (i, j) => open(() => text(i, j)) });
  if (zoom) zoomable({ canvas, svg, left, top: M.top, w, h, oneAxis: false, keepAspect: true, ...zoom });
  return [fig];
}

/** The legend of a trainability map: the two hues from fast to slow, and what lightness means. */
export function trainLegend(legend) {
  const ramp = (kind) => [trainColour(kind, 0), trainColour(kind, 1)];
  const note = Object.assign(document.createElement('span'), { className: 'explore-key', textContent: t('exploreTrainShade') });
  legend.replaceChildren(swatch(ramp('trained'), t('exploreTrainTrainedKey')), swatch(ramp('diverged'), t('exploreTrainDivergedKey')), note);
}

/** The boundary's box-counting dimension of a pass in words: the full grid's, the coarse pass's (rough), or none. */
export function dimensionLine(pass) {
  const [nx, ny] = pass.grid;
  const key = pass.dimension === null ? 'exploreDimensionNone' : pass.coarse ? 'exploreDimensionCoarse' : 'exploreDimension';
  return t(key, { d: dimensionText(pass.dimension), nx, ny });
}
