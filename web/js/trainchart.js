// The training's loss chart: each optimizer's per-batch loss against epochs (thin, faint)
// and its moving average (thick), on a log axis, redrawn as batches arrive.
/* global d3 */

import { colour } from './scales.js';
import { epochPosition, smoother } from './series.js';

const M = { left: 48, right: 12, top: 10, bottom: 30 };

// eslint-disable-next-line max-lines-per-function -- the chart's closure over its canvas and series; each function inside is checked on its own
export function createTrainChart(svgNode) {
  const svg = d3.select(svgNode);
  const xAxis = svg.append('g').attr('class', 'axis');
  const yAxis = svg.append('g').attr('class', 'axis');
  const xLabel = svg.append('text').attr('class', 'axis-label').attr('text-anchor', 'end');
  const curves = svg.append('g');
  let series = []; // per optimizer: {x: [], loss: []}
  let epochs = 1;
  let label = 'epoch';

  /** A new training: kinds[i] is optimizer i's kind (its colour), xText the x axis label. */
  function reset(kinds, nEpochs, xText) {
    const n = kinds.length;
    series = Array.from({ length: n }, () => ({ x: [], loss: [], smooth: [], next: null }));
    epochs = nEpochs;
    label = xText;
    curves.selectAll('*').remove();
    for (let i = 0; i < n; i++) {
      const g = curves.append('g').attr('data-train-loss', i);
      g.append('path').attr('class', 'raw').attr('stroke', colour(kinds[i]));
      g.append('path').attr('class', 'smooth').attr('stroke', colour(kinds[i]));
    }
    draw();
  }

  function add(b, batches) {
    // About a fifth of an epoch of memory: smooth on full data, responsive on a subset.
    const alpha = Math.max(0.02, Math.min(0.3, 5 / batches));
    const s = series[b.optimizer];
    const loss = b.loss ?? Infinity; // null: not finite (diverged), drawn at the top
    s.x.push(epochPosition(b.epoch, b.batch, batches));
    s.loss.push(loss);
    // One value at a time: a long training does not recompute its whole history.
    s.next = s.next || smoother(alpha);
    s.smooth.push(s.next(loss));
  }

  function draw() {
    const r = svgNode.getBoundingClientRect();
    const w = Math.max(r.width, 300);
    const h = Math.max(r.height, 150);
    svg.attr('viewBox', `0 0 ${w} ${h}`);
    // Cross-entropy is positive: a log axis keeps the late, small differences visible
    // next to the first batches' loss of about ln 10 = 2.3.
    let lo = Infinity;
    let hi = 0;
    for (const s of series) {
      for (const v of s.loss) {
        if (Number.isFinite(v) && v > 0) {
          if (v < lo) lo = v;
          if (v > hi) hi = v;
        }
      }
    }
    if (!(lo < hi)) [lo, hi] = [0.1, 2.5];
    const sx = d3.scaleLinear().domain([0, epochs]).range([M.left, w - M.right]);
    const sy = d3.scaleLog().domain([lo * 0.9, Math.min(hi, 10) * 1.1]).range([h - M.bottom, M.top]);
    xAxis.attr('transform', `translate(0,${h - M.bottom})`)
      .call(d3.axisBottom(sx).ticks(Math.min(epochs, 10)).tickFormat(d3.format('d')));
    yAxis.attr('transform', `translate(${M.left},0)`).call(d3.axisLeft(sy).ticks(4, '~g'));
    xLabel.attr('x', w - M.right).attr('y', h - 2).text(label);
    // At most about one point per pixel column: a 50-epoch training stays cheap to draw.
    const stride = (n) => Math.max(1, Math.floor(n / (w - M.left - M.right)));
    const line = (xs, ys) => {
      let d = '';
      const k = stride(xs.length);
      for (let i = 0; i < xs.length; i += (i + k >= xs.length && i !== xs.length - 1) ? xs.length - 1 - i : k) {
        const y = Math.max(Math.min(ys[i], sy.domain()[1]), sy.domain()[0]);
        d += `${d ? 'L' : 'M'}${sx(xs[i]).toFixed(1)},${sy(y).toFixed(1)}`;
        if (i === xs.length - 1) break;
      }
      return d;
    };
    curves.selectAll('g').each(function each(_, i) {
      const s = series[i];
      const g = d3.select(this);
      g.select('.raw').attr('d', line(s.x, s.loss));
      g.select('.smooth').attr('d', line(s.x, s.smooth));
    });
  }

  /** The x axis label again (after a change of language). */
  function relabel(xText) {
    label = xText;
    draw();
  }

  return { reset, add, draw, relabel };
}
