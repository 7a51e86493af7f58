// The loss chart: f against the step for every trajectory, log y when every value is
// positive (linear otherwise), and a cursor at the current step.
/* global d3 */

import { colour, lossScaleKind } from './scales.js';

const M = { left: 52, right: 10, top: 8, bottom: 24 };

export function createLossChart(svgNode, { onSeek }) {
  const svg = d3.select(svgNode);
  const clip = `clip-${Math.random().toString(36).slice(2)}`;
  svg.append('defs').append('clipPath').attr('id', clip).append('rect');
  const lines = svg.append('g').attr('clip-path', `url(#${clip})`);
  const xAxis = svg.append('g').attr('class', 'axis');
  const yAxis = svg.append('g').attr('class', 'axis');
  const cursor = svg.append('line').attr('class', 'cursor');
  let run = null;
  let sx = d3.scaleLinear();

  function size() {
    const r = svgNode.getBoundingClientRect();
    return [Math.max(r.width, 200), Math.max(r.height, 100)];
  }

  svg.on('click', () => {
    if (!run) return;
    const [mx] = d3.mouse(svgNode);
    onSeek(Math.max(0, Math.min(run.available, Math.round(sx.invert(mx)))));
  });

  function setRun(r) {
    run = r;
    lines.selectAll('*').remove();
    r.trajectories.forEach((tr, i) => {
      lines.append('path').attr('class', 'trajectory').attr('data-loss', i)
        .attr('data-optimizer', tr.name).attr('stroke', colour(tr.k)).attr('stroke-width', 1.6);
    });
  }

  /** Redraws every curve with the points received so far, and the cursor at `step`. */
  function update(step) {
    if (!run) return;
    const [w, h] = size();
    svg.attr('viewBox', `0 0 ${w} ${h}`);
    const n = run.available;
    svg.select(`#${clip} rect`).attr('x', M.left).attr('y', M.top)
      .attr('width', w - M.left - M.right).attr('height', h - M.top - M.bottom);
    // A trajectory on its way to diverging would flatten every other curve: the scale
    // follows the ones that did not diverge (when there are any).
    const calm = run.f.filter((_, i) => run.diverged[i] === null || run.diverged[i] === undefined);
    let lo = Infinity;
    let hi = -Infinity;
    for (const fs of calm.length ? calm : run.f) {
      for (let k = 0; k <= n; k++) {
        const v = fs[k];
        if (Number.isFinite(v)) {
          if (v < lo) lo = v;
          if (v > hi) hi = v;
        }
      }
    }
    if (!(lo <= hi)) return;
    const log = lossScaleKind([lo, hi]) === 'log';
    sx = d3.scaleLinear().domain([0, Math.max(run.steps, 1)]).range([M.left, w - M.right]);
    const sy = (log ? d3.scaleLog() : d3.scaleLinear())
      .domain(lo === hi ? [lo * 0.9 || -1, hi * 1.1 || 1] : [lo, hi])
      .range([h - M.bottom, M.top]).nice();
    xAxis.attr('transform', `translate(0,${h - M.bottom})`).call(d3.axisBottom(sx).ticks(8));
    yAxis.attr('transform', `translate(${M.left},0)`)
      .call(d3.axisLeft(sy).ticks(log ? 5 : 6, log ? '.0e' : '~g'));
    // A long run draws at most about one point per pixel column.
    const stride = Math.max(1, Math.floor(n / (w - M.left - M.right)));
    lines.selectAll('path').each(function draw(_, i) {
      const fs = run.f[i];
      let d = '';
      for (let k = 0; k <= n; k += k + stride > n && k !== n ? n - k : stride) {
        const v = fs[k];
        if (!Number.isFinite(v)) break;
        d += `${d ? 'L' : 'M'}${sx(k).toFixed(1)},${sy(v).toFixed(1)}`;
        if (k === n) break;
      }
      this.setAttribute('d', d);
    });
    cursor.attr('x1', sx(step)).attr('x2', sx(step)).attr('y1', M.top).attr('y2', h - M.bottom);
  }

  return { setRun, update };
}
