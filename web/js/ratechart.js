// The learning-rate chart under the loss chart: the rate lr_e each optimizer of the run takes
// at each step (the server's "rates" in the run's answer: lr · m(t) of its schedule, or
// Keras 1's decay; its lr throughout when it has neither), a line at the step on show with a
// dot on each curve, and that step's rate of the selected optimizer in words. Shown while a
// run on show has a rate that changes.
/* global d3 */

import { t } from './i18n.js';
import { readable } from './scales.js';

const M = { top: 6, right: 12, bottom: 22, left: 52 };

/** The rate entry e of a run took at step k (1-based: the k-th update, from point k - 1 to k). */
export function rateAt(e, k) {
  if (e.rates) return e.rates[Math.max(0, Math.min(k - 1, e.rates.length - 1))];
  return e.lr;
}

/** The chart in svgNode; the figure around it is hidden while no rate changes. */
export function createRateChart(svgNode, note) {
  const svg = d3.select(svgNode);
  const figure = svgNode.closest('figure');
  const lines = svg.append('g');
  const xAxis = svg.append('g').attr('class', 'axis');
  const yAxis = svg.append('g').attr('class', 'axis');
  const cursor = svg.append('line').attr('class', 'cursor');
  const dots = svg.append('g');
  let run = null;

  function size() {
    const r = svgNode.getBoundingClientRect();
    return [Math.max(r.width, 200), Math.max(r.height, 60)];
  }

  function setRun(r) {
    run = r && r.entries.some((e) => e.rates) ? r : null;
    figure.hidden = !run;
    lines.selectAll('*').remove();
    dots.selectAll('*').remove();
    note.textContent = '';
    if (!run) return;
    for (const e of run.entries) {
      lines.append('path').attr('class', 'rate').attr('data-rate', e.k).attr('fill', 'none')
        .attr('stroke', e.colour).attr('stroke-width', 1.6).attr('stroke-dasharray', e.dash || null);
      dots.append('circle').attr('class', 'rate-dot').attr('data-rate-dot', e.k).attr('r', 3.5).attr('fill', e.colour);
    }
  }

  /** Draws the curves and marks `step`; selected: the trajectory whose optimizer is named. */
  function update(step, selected) {
    if (!run) return;
    const [w, h] = size();
    svg.attr('viewBox', `0 0 ${w} ${h}`);
    const n = run.steps;
    let hi = 0;
    for (const e of run.entries) for (let k = 1; k <= n; k++) hi = Math.max(hi, rateAt(e, k) || 0);
    const sx = d3.scaleLinear().domain([0, Math.max(n, 1)]).range([M.left, w - M.right]);
    const sy = d3.scaleLinear().domain([0, hi > 0 ? hi * 1.05 : 1]).range([h - M.bottom, M.top]).nice();
    xAxis.attr('transform', `translate(0,${h - M.bottom})`).call(d3.axisBottom(sx).ticks(Math.max(2, Math.floor((w - M.left - M.right) / 70))));
    yAxis.attr('transform', `translate(${M.left},0)`).call(d3.axisLeft(sy).ticks(3, '~g'));
    const stride = Math.max(1, Math.floor(n / (w - M.left - M.right)));
    lines.selectAll('path').each(function draw(_, i) {
      const e = run.entries[i];
      let d = '';
      // step k's rate as a flat piece from k - 1 to k: a step schedule's drops stay sharp
      for (let k = 1; k <= n; k += stride) d += `${d ? 'L' : 'M'}${sx(k - 1).toFixed(1)},${sy(rateAt(e, k)).toFixed(1)}H${sx(Math.min(k - 1 + stride, n)).toFixed(1)}`;
      this.setAttribute('d', d);
    });
    const k = Math.max(1, Math.min(step, n)); // at point 0: the first step's rate
    cursor.attr('x1', sx(step)).attr('x2', sx(step)).attr('y1', M.top).attr('y2', h - M.bottom);
    dots.selectAll('circle').each(function mark(_, i) {
      this.setAttribute('cx', sx(step).toFixed(1));
      this.setAttribute('cy', sy(rateAt(run.entries[i], k)).toFixed(1));
    });
    const tr = run.trajectories[selected];
    const e = run.entries[tr ? tr.k : 0];
    note.textContent = `${e.label} — ${t('rateNow', { step: k, rate: readable(rateAt(e, k)) })}`;
    note.style.setProperty('--c', e.colour);
  }

  return { setRun, update };
}
