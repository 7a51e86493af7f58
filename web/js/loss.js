// The loss chart: f against the step for every trajectory, on a log y axis unless a value is
// negative (an exact 0 drawn on the floor line, labelled f = 0), and a cursor at the current step. The margins follow the
// widest tick label, so no label is cut; hovering shows the step and each optimizer's f.
/* global d3 */

import { t } from './i18n.js';
import { colour, lossFloor, lossScaleKind } from './scales.js';

const M = { top: 8, bottom: 24 };

function fmt(v) {
  if (!Number.isFinite(v)) return '—';
  const a = Math.abs(v);
  return a === 0 || (a >= 1e-3 && a < 1e5) ? String(Number(v.toPrecision(4))) : v.toExponential(3);
}

// eslint-disable-next-line max-lines-per-function -- the chart's closure over its d3 selections and scales; each function inside is checked on its own
export function createLossChart(svgNode, { onSeek }) {
  const svg = d3.select(svgNode);
  const tip = document.getElementById('loss-tip');
  const clip = `clip-${Math.random().toString(36).slice(2)}`;
  svg.append('defs').append('clipPath').attr('id', clip).append('rect');
  const lines = svg.append('g').attr('clip-path', `url(#${clip})`);
  const xAxis = svg.append('g').attr('class', 'axis');
  const yAxis = svg.append('g').attr('class', 'axis');
  const cursor = svg.append('line').attr('class', 'cursor');
  const hoverLine = svg.append('line').attr('class', 'hover').style('display', 'none');
  const floorLine = svg.append('line').attr('class', 'loss-floor').style('display', 'none');
  const floorText = svg.append('text').attr('class', 'loss-floor-label').attr('data-floor', '')
    .style('display', 'none');
  let run = null;
  let sx = d3.scaleLinear();
  let left = 52;
  let right = 12;

  function size() {
    const r = svgNode.getBoundingClientRect();
    return [Math.max(r.width, 200), Math.max(r.height, 100)];
  }

  const stepAt = (mx) => Math.max(0, Math.min(run.available, Math.round(sx.invert(mx))));

  svg.on('click', () => {
    if (!run || run.available < 0) return;
    onSeek(stepAt(d3.mouse(svgNode)[0]));
  });

  function hide() {
    tip.hidden = true;
    hoverLine.style('display', 'none');
  }

  /** The step under the mouse and every trajectory's f there (one line per trajectory). */
  function hover() {
    if (!run || run.available < 0) return hide();
    const [mx] = d3.mouse(svgNode);
    const [w, h] = size();
    if (mx < left || mx > w - right) return hide();
    const k = stepAt(mx);
    const several = run.request.starts.length > 1;
    tip.replaceChildren();
    const head = document.createElement('div');
    head.className = 'tip-step';
    head.textContent = `${t('step')} ${k}`;
    tip.append(head);
    run.trajectories.forEach((tr, i) => {
      const row = document.createElement('div');
      row.dataset.tipTrajectory = i;
      row.style.setProperty('--c', tr.colour || colour(tr.name));
      const name = document.createElement('span');
      name.textContent = several ? `${tr.label} #${tr.s + 1}` : tr.label;
      const value = document.createElement('b');
      value.textContent = fmt(run.f[i][k]);
      row.append(name, value);
      tip.append(row);
    });
    tip.hidden = false;
    // In the half of the plot away from the mouse, at its top.
    const box = svgNode.getBoundingClientRect();
    const fig = tip.offsetParent.getBoundingClientRect();
    const scale = box.width / w;
    const rightHalf = mx > (left + w - right) / 2;
    tip.style.left = rightHalf ? `${box.left - fig.left + left * scale + 4}px` : '';
    tip.style.right = rightHalf ? '' : `${fig.right - box.right + right * scale + 4}px`;
    tip.style.top = `${box.top - fig.top + M.top * scale}px`;
    hoverLine.style('display', null).attr('x1', sx(k)).attr('x2', sx(k))
      .attr('y1', M.top).attr('y2', h - M.bottom);
    return undefined;
  }
  svg.on('mousemove', hover).on('mouseleave', hide);

  function setRun(r) {
    run = r;
    hide();
    lines.selectAll('*').remove();
    (r ? r.trajectories : []).forEach((tr, i) => {
      lines.append('path').attr('class', 'trajectory').attr('data-loss', i)
        .attr('data-optimizer', tr.name).attr('stroke', tr.colour || colour(tr.name)).attr('stroke-width', 1.6)
        .attr('stroke-dasharray', tr.dash || null);
    });
  }

  /** Draws both axes for the margins; true when the labels fit them. */
  function axes(w, h, log, sy) {
    sx.range([left, w - right]);
    sy.range([h - M.bottom, M.top]);
    xAxis.attr('transform', `translate(0,${h - M.bottom})`).call(d3.axisBottom(sx).ticks(Math.max(2, Math.floor((w - left - right) / 70))));
    yAxis.attr('transform', `translate(${left},0)`)
      .call(d3.axisLeft(sy).ticks(log ? 5 : 6, log ? '.0e' : '~g'));
    const needLeft = Math.ceil(yAxis.node().getBBox().width) + 4;
    const ticks = xAxis.selectAll('.tick text').nodes();
    const last = ticks.length ? ticks[ticks.length - 1].getBBox().width : 0;
    const needRight = Math.max(8, Math.ceil(last / 2) + 4);
    const fits = needLeft === left && needRight === right;
    left = needLeft;
    right = needRight;
    return fits;
  }

  /** Redraws every curve with the points received so far, and the cursor at `step`. */
  function update(step) {
    if (!run) return;
    const [w, h] = size();
    svg.attr('viewBox', `0 0 ${w} ${h}`);
    const n = run.available;
    const { lo, hi, log, floor, zero } = yRange(n);
    if (!(lo <= hi)) return;
    sx = d3.scaleLinear().domain([0, Math.max(run.steps, 1)]);
    const sy = (log ? d3.scaleLog() : d3.scaleLinear())
      .domain(lo === hi ? [lo * 0.9 || -1, hi * 1.1 || 1] : [lo, hi]).nice();
    if (log) sy.clamp(true);
    if (!axes(w, h, log, sy)) axes(w, h, log, sy);
    svg.select(`#${clip} rect`).attr('x', left).attr('y', M.top)
      .attr('width', w - left - right).attr('height', h - M.top - M.bottom);
    // A long run draws at most about one point per pixel column.
    const stride = Math.max(1, Math.floor(n / (w - left - right)));
    lines.selectAll('path').each(function draw(_, i) {
      const fs = run.f[i];
      let d = '';
      for (let k = 0; k <= n; k += k + stride > n && k !== n ? n - k : stride) {
        const v = fs[k];
        if (!Number.isFinite(v)) break;
        d += `${d ? 'L' : 'M'}${sx(k).toFixed(1)},${sy(log ? Math.max(v, floor) : v).toFixed(1)}`;
        if (k === n) break;
      }
      this.setAttribute('d', d);
    });
    cursor.attr('x1', sx(step)).attr('x2', sx(step)).attr('y1', M.top).attr('y2', h - M.bottom);
    const y0 = sy(floor);
    floorLine.style('display', log && zero ? null : 'none').attr('x1', left).attr('x2', w - right)
      .attr('y1', y0).attr('y2', y0);
    floorText.style('display', log && zero ? null : 'none').attr('x', w - right - 4).attr('y', y0 - 3)
      .attr('text-anchor', 'end').text(t('lossFloor'));
  }

  /**
   * The y axis over the points so far: log unless a value is negative. On a linear axis a
   * trajectory on its way to diverging would flatten every other curve, so there the scale
   * follows the ones that did not diverge; a log axis shows them all. zero: a value is 0
   * exactly (drawn at floor).
   */
  function yRange(n) {
    const values = [];
    for (const fs of run.f) for (let k = 0; k <= n; k++) if (Number.isFinite(fs[k])) values.push(fs[k]);
    const log = lossScaleKind(values) === 'log';
    const calm = run.f.filter((_, i) => run.diverged[i] === null || run.diverged[i] === undefined);
    const floor = lossFloor(values);
    let lo = Infinity;
    let hi = -Infinity;
    let zero = false;
    for (const fs of log || !calm.length ? run.f : calm) {
      for (let k = 0; k <= n; k++) {
        let v = fs[k];
        if (!Number.isFinite(v)) continue;
        if (log && v <= 0) {
          zero = true;
          v = floor;
        }
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
    }
    return { lo, hi, log, floor, zero };
  }

  return { setRun, update };
}
