// The landscape view: heatmap and contour lines of f over the view rectangle, the known
// minima, the start points, and the trajectories drawn up to the current step. Scroll zooms
// and drag pans (the landscape is re-requested for the new view); a click sets the start.
// With the map focused, arrow keys move the last start point and Enter adds another. A
// trajectory whose head is outside the view gets a marker at the edge that points to it
// (data-offmap="<trajectory index>").
/* global d3 */

import { colour, contourLevels, equalScales, landscapeTransform } from './scales.js';
import { t } from './i18n.js';

const M = { left: 44, right: 10, top: 10, bottom: 28 };

const clamp = (v, lo, hi) => Math.max(lo, Math.min(hi, v));

// eslint-disable-next-line max-lines-per-function -- the map's closure over its d3 selections, scales and zoom; each function inside is checked on its own
export function createLandscape(svgNode, { onClick, onKeyStart, starts: currentStarts, extent, onViewChange, onSelect }) {
  const svg = d3.select(svgNode);
  const clip = `clip-${Math.random().toString(36).slice(2)}`;
  svg.append('defs').append('clipPath').attr('id', clip).append('rect');
  const plot = svg.append('g').attr('clip-path', `url(#${clip})`);
  const content = plot.append('g');
  const image = content.append('image').attr('preserveAspectRatio', 'none');
  const contours = content.append('g');
  const minima = content.append('g');
  const paths = content.append('g');
  const marks = content.append('g');
  const starts = content.append('g');
  const xAxis = svg.append('g').attr('class', 'axis');
  const yAxis = svg.append('g').attr('class', 'axis');
  const edges = svg.append('g');

  let sx = d3.scaleLinear();
  let sy = d3.scaleLinear();
  let view = [0, 1, 0, 1];
  let run = null;
  let lastStarts = [];
  let selected = -1;

  const zoom = d3.zoom().scaleExtent([0.02, 500]).on('zoom', () => {
    content.attr('transform', d3.event.transform);
  }).on('end', () => {
    const tr = d3.event.transform;
    if (tr.k === 1 && tr.x === 0 && tr.y === 0) return;
    const [w, h] = size();
    const next = [sx.invert(tr.invertX(M.left)), sx.invert(tr.invertX(w - M.right)),
      sy.invert(tr.invertY(h - M.bottom)), sy.invert(tr.invertY(M.top))];
    svg.call(zoom.transform, d3.zoomIdentity);
    onViewChange(next);
  });
  // Touch: one finger scrolls the page (touch-action: pan-y in style.css), two fingers or the
  // "move map" toggle (setPanning) pan and zoom the map. d3 would claim every touch.
  let panning = false;
  zoom.filter(() => {
    const e = d3.event;
    if (e.type.startsWith('touch')) return panning || e.touches.length >= 2;
    return !e.ctrlKey && !e.button;
  });
  svg.call(zoom).on('dblclick.zoom', null);
  svg.style('touch-action', null); // d3 sets none: the stylesheet decides
  svg.on('click', () => {
    if (d3.event.defaultPrevented) return; // the end of a drag
    const [mx, my] = d3.mouse(svgNode);
    const [w, h] = size();
    if (mx < M.left || mx > w - M.right || my < M.top || my > h - M.bottom) return;
    onClick([sx.invert(mx), sy.invert(my)], d3.event.shiftKey);
  });

  // Arrow keys move the last start by a fiftieth of the extent asked for (extent(): the same
  // keys give the same start on every screen, whatever the map added for equal scales; Shift:
  // a tenth); Enter adds a start beside it, which the arrows then move.
  svg.on('keydown', () => {
    const e = d3.event;
    const moves = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, 1], ArrowDown: [0, -1] };
    const points = currentStarts().map((p) => [...p]);
    if (!points.length) return;
    const last = points[points.length - 1];
    const [x0, x1, y0, y1] = (extent && extent()) || view;
    const fx = (x1 - x0) / (e.shiftKey ? 10 : 50);
    const fy = (y1 - y0) / (e.shiftKey ? 10 : 50);
    // Inside the view, and without the binary noise of repeated steps (0.1 + 0.2).
    const tidy = (v) => Number(v.toPrecision(6));
    const inside = ([x, y]) => [tidy(clamp(x, view[0], view[1])), tidy(clamp(y, view[2], view[3]))];
    if (moves[e.key]) {
      const [dx, dy] = moves[e.key];
      points[points.length - 1] = inside([last[0] + dx * fx, last[1] + dy * fy]);
    } else if (e.key === 'Enter') {
      points.push(inside([last[0] + 5 * fx, last[1] - 5 * fy]));
    } else return;
    e.preventDefault();
    onKeyStart(points);
  });

  function size() {
    const r = svgNode.getBoundingClientRect();
    return [Math.max(r.width, 200), Math.max(r.height, 150)];
  }

  /** The plot's width and height in pixels (inside the axes). */
  function plotSize() {
    const [w, h] = size();
    return [w - M.left - M.right, h - M.top - M.bottom];
  }

  /**
   * The view to ask for so that `wanted` is all on the map with equal scales on both axes at
   * the map's present size, and a grid of about `cells` points of that shape: {view, nx, ny}.
   */
  function fit(wanted, cells = 160 * 120) {
    const [pw, ph] = plotSize();
    const nx = Math.max(16, Math.round(Math.sqrt((cells * pw) / ph)));
    const ny = Math.max(16, Math.round(cells / nx));
    return { view: equalScales(wanted, pw, ph), nx, ny };
  }

  function layout() {
    const [w, h] = size();
    svg.attr('viewBox', `0 0 ${w} ${h}`);
    svg.select(`#${clip} rect`).attr('x', M.left).attr('y', M.top)
      .attr('width', w - M.left - M.right).attr('height', h - M.top - M.bottom);
    sx = d3.scaleLinear().domain([view[0], view[1]]).range([M.left, w - M.right]);
    sy = d3.scaleLinear().domain([view[2], view[3]]).range([h - M.bottom, M.top]);
    xAxis.attr('transform', `translate(0,${h - M.bottom})`).call(d3.axisBottom(sx).ticks(8));
    yAxis.attr('transform', `translate(${M.left},0)`).call(d3.axisLeft(sy).ticks(6));
  }

  /** Draws /api/v1/landscape's answer for the catalogue entry fn. */
  function setLandscape(data, fn) {
    view = data.view;
    layout();
    const { nx, ny } = data;
    const tf = landscapeTransform(data.min, data.max, fn.log_scale);
    const hi = tf(data.max);
    const values = data.values.map((v) => (v === null ? hi : tf(v)));
    const lo = tf(data.min);
    const colourOf = d3.scaleSequential(d3.interpolateViridis).domain([lo, hi]);
    const canvas = document.createElement('canvas');
    canvas.width = nx;
    canvas.height = ny;
    const g = canvas.getContext('2d');
    const img = g.createImageData(nx, ny);
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++) {
        const c = d3.rgb(colourOf(values[j * nx + i]));
        const o = ((ny - 1 - j) * nx + i) * 4; // row 0 is y0, at the bottom
        img.data[o] = c.r;
        img.data[o + 1] = c.g;
        img.data[o + 2] = c.b;
        img.data[o + 3] = 255;
      }
    }
    g.putImageData(img, 0, 0);
    const dx = (view[1] - view[0]) / (nx - 1);
    const dy = (view[3] - view[2]) / (ny - 1);
    image.attr('href', canvas.toDataURL('image/png'))
      .attr('x', sx(view[0] - dx / 2)).attr('y', sy(view[3] + dy / 2))
      .attr('width', sx(view[1] + dx / 2) - sx(view[0] - dx / 2))
      .attr('height', sy(view[2] - dy / 2) - sy(view[3] + dy / 2));
    const toScreen = d3.geoTransform({
      point(x, y) {
        this.stream.point(sx(view[0] + (x - 0.5) * dx), sy(view[2] + (y - 0.5) * dy));
      },
    });
    const shapes = d3.contours().size([nx, ny]).thresholds(contourLevels(lo, hi, 14))(values);
    contours.selectAll('path').data(shapes).join('path').attr('class', 'contour')
      .attr('d', d3.geoPath(toScreen));
    minima.selectAll('g').data(fn.minima).join((enter) => {
      const m = enter.append('g');
      m.append('path').attr('class', 'minimum').attr('d', d3.symbol().type(d3.symbolStar).size(120));
      m.append('title');
      return m;
    }).attr('transform', (d) => `translate(${sx(d.x)},${sy(d.y)})`)
      .select('title').text((d) => `${t('minimum')} f(${d.x}, ${d.y}) = ${d.f}`);
    setStarts(lastStarts);
  }

  function setStarts(points) {
    lastStarts = points;
    starts.selectAll('circle').data(points).join('circle').attr('class', 'start').attr('r', 5)
      .classed('active', (_, i) => i === points.length - 1)
      .attr('cx', (d) => sx(d[0])).attr('cy', (d) => sy(d[1]));
  }

  /**
   * A new run: run.trajectories[t] = {name, k} (optimizer name and entry index), with the
   * points in run.x[t], run.y[t] (filled as they arrive) and run.diverged[t]; a schedule-free
   * trajectory's average x in run.ax[t], run.ay[t], drawn as a thinner line of its colour.
   */
  function setRun(r) {
    run = r;
    selected = -1;
    paths.selectAll('*').remove();
    marks.selectAll('*').remove();
    edges.selectAll('*').remove();
    (r && r.ax ? r.trajectories : []).forEach((tr, i) => {
      paths.append('path').attr('class', 'average').attr('data-average', i)
        .attr('stroke', colour(tr.name)).attr('pointer-events', 'none');
    });
    (r ? r.trajectories : []).forEach((tr, i) => {
      paths.append('path').attr('class', 'trajectory').attr('data-trajectory', i)
        .attr('data-optimizer', tr.name).attr('stroke', tr.colour || colour(tr.name))
        .attr('stroke-dasharray', tr.dash || null)
        .attr('pointer-events', 'visibleStroke')
        .on('click', () => {
          d3.event.stopPropagation();
          onSelect(i);
        })
        .append('title').text(tr.label);
    });
  }

  /* The SVG path through the points 0 .. last, up to the first missing one. */
  function polyline(xs, ys, last) {
    let d = '';
    for (let k = 0; k <= last && !Number.isNaN(xs[k]); k++) {
      d += `${k ? 'L' : 'M'}${sx(xs[k]).toFixed(1)},${sy(ys[k]).toFixed(1)}`;
    }
    return d;
  }

  /**
   * Draws every trajectory from step 0 to `step` (or to where it diverged); returns the set of
   * trajectories whose head is off the map.
   */
  function update(step) {
    const offmap = new Set();
    if (!run) return offmap;
    const heads = [];
    const notes = [];
    paths.selectAll('path.average').each(function draw(_, i) {
      this.setAttribute('d', polyline(run.ax[i], run.ay[i], Math.min(step, run.available)));
    });
    paths.selectAll('path.trajectory').each(function draw(_, i) {
      const xs = run.x[i];
      const ys = run.y[i];
      const last = Math.min(step, run.available);
      let d = '';
      let end = -1;
      for (let k = 0; k <= last; k++) {
        if (Number.isNaN(xs[k])) break;
        d += `${k ? 'L' : 'M'}${sx(xs[k]).toFixed(1)},${sy(ys[k]).toFixed(1)}`;
        end = k;
      }
      this.setAttribute('d', d);
      this.classList.toggle('selected', i === selected);
      const name = run.trajectories[i].name;
      if (end >= 0) heads.push({ i, x: xs[end], y: ys[end], name });
      const at = run.diverged[i];
      if (at !== null && at !== undefined && at <= step && end >= 0) {
        notes.push({ i, x: xs[end], y: ys[end], name, at });
      }
    });
    marks.selectAll('circle').data(heads, (d) => d.i).join('circle').attr('class', 'head')
      .attr('r', (d) => (d.i === selected ? 6 : 4.5)).attr('fill', (d) => run.trajectories[d.i].colour || colour(d.name))
      .attr('cx', (d) => sx(d.x)).attr('cy', (d) => sy(d.y));
    marks.selectAll('text').data(notes, (d) => d.i).join('text').attr('class', 'diverged')
      .attr('data-diverged', (d) => d.i).attr('fill', (d) => run.trajectories[d.i].colour || colour(d.name))
      .attr('x', (d) => clamp(sx(d.x) + 6, M.left + 4, size()[0] - M.right - 150))
      .attr('y', (d) => clamp(sy(d.y) - 6, M.top + 14, size()[1] - M.bottom - 4))
      .text((d) => `✕ ${t('diverged', { step: d.at })}`);
    // Heads outside the view: a triangle just inside the edge, on the line from the centre.
    const [w, h] = size();
    const box = { x0: M.left + 9, x1: w - M.right - 9, y0: M.top + 9, y1: h - M.bottom - 9 };
    const cx = (box.x0 + box.x1) / 2;
    const cy = (box.y0 + box.y1) / 2;
    const away = heads.filter((d) => !(d.x >= view[0] && d.x <= view[1] && d.y >= view[2] && d.y <= view[3]))
      .map((d) => {
        offmap.add(d.i);
        const dx = sx(d.x) - cx;
        const dy = sy(d.y) - cy;
        const s = Math.min(Math.abs((box.x1 - cx) / (dx || 1e-9)), Math.abs((box.y1 - cy) / (dy || 1e-9)));
        return { ...d, px: cx + dx * s, py: cy + dy * s, angle: (Math.atan2(dy, dx) * 180) / Math.PI };
      });
    edges.selectAll('path').data(away, (d) => d.i).join((enter) => enter.append('path')
      .attr('class', 'offmap').attr('d', 'M11,0L-7,-8.5L-7,8.5Z').call((p) => p.append('title')))
      .attr('data-offmap', (d) => d.i).attr('fill', (d) => run.trajectories[d.i].colour || colour(d.name))
      .attr('transform', (d) => `translate(${d.px.toFixed(1)},${d.py.toFixed(1)}) rotate(${d.angle.toFixed(1)})`)
      .select('title').text((d) => `${run.trajectories[d.i].label}: ${t('offMap')}`);
    return offmap;
  }

  function select(i) {
    selected = i;
  }

  /** One finger pans the map (true) or scrolls the page (false). */
  function setPanning(on) {
    panning = on;
    svgNode.classList.toggle('panning', on);
  }

  return { setLandscape, setStarts, setRun, update, select, setPanning, fit, view: () => view };
}
