// The landscape view: heatmap and contour lines of f over the view rectangle, the known
// minima, the start points, and the trajectories drawn up to the current step. Scroll zooms
// and drag pans (the landscape is re-requested for the new view); a click sets the start.
/* global d3 */

import { colour, contourLevels, landscapeTransform } from './scales.js';
import { t } from './i18n.js';

const M = { left: 44, right: 10, top: 10, bottom: 28 };

const clamp = (v, lo, hi) => Math.max(lo, Math.min(hi, v));

export function createLandscape(svgNode, { onClick, onViewChange, onSelect }) {
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
  svg.call(zoom).on('dblclick.zoom', null);
  svg.on('click', () => {
    if (d3.event.defaultPrevented) return; // the end of a drag
    const [mx, my] = d3.mouse(svgNode);
    const [w, h] = size();
    if (mx < M.left || mx > w - M.right || my < M.top || my > h - M.bottom) return;
    onClick([sx.invert(mx), sy.invert(my)], d3.event.shiftKey);
  });

  function size() {
    const r = svgNode.getBoundingClientRect();
    return [Math.max(r.width, 200), Math.max(r.height, 150)];
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
      .attr('cx', (d) => sx(d[0])).attr('cy', (d) => sy(d[1]));
  }

  /**
   * A new run: run.trajectories[t] = {name, k} (optimizer name and entry index), with the
   * points in run.x[t], run.y[t] (filled as they arrive) and run.diverged[t].
   */
  function setRun(r) {
    run = r;
    selected = -1;
    paths.selectAll('*').remove();
    marks.selectAll('*').remove();
    r.trajectories.forEach((tr, i) => {
      paths.append('path').attr('class', 'trajectory').attr('data-trajectory', i)
        .attr('data-optimizer', tr.name).attr('stroke', colour(tr.k))
        .attr('pointer-events', 'visibleStroke')
        .on('click', () => {
          d3.event.stopPropagation();
          onSelect(i);
        })
        .append('title').text(tr.label);
    });
  }

  /** Draws every trajectory from step 0 to `step` (or to where it diverged). */
  function update(step) {
    if (!run) return;
    const heads = [];
    const notes = [];
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
      if (end >= 0) heads.push({ i, x: xs[end], y: ys[end], k: run.trajectories[i].k });
      const at = run.diverged[i];
      if (at !== null && at !== undefined && at <= step && end >= 0) {
        notes.push({ i, x: xs[end], y: ys[end], k: run.trajectories[i].k, at });
      }
    });
    marks.selectAll('circle').data(heads, (d) => d.i).join('circle').attr('class', 'head')
      .attr('r', (d) => (d.i === selected ? 6 : 4.5)).attr('fill', (d) => colour(d.k))
      .attr('cx', (d) => sx(d.x)).attr('cy', (d) => sy(d.y));
    marks.selectAll('text').data(notes, (d) => d.i).join('text').attr('class', 'diverged')
      .attr('data-diverged', (d) => d.i).attr('fill', (d) => colour(d.k))
      .attr('x', (d) => clamp(sx(d.x) + 6, M.left + 4, size()[0] - M.right - 150))
      .attr('y', (d) => clamp(sy(d.y) - 6, M.top + 14, size()[1] - M.bottom - 4))
      .text((d) => `✕ ${t('diverged')} ${d.at}`);
  }

  function select(i) {
    selected = i;
  }

  return { setLandscape, setStarts, setRun, update, select, view: () => view };
}
