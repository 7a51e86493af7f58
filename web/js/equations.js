// The selected trajectory's update rule (SEMANTICS.md) with the current step's numbers:
// the gradient, the optimizer's state, the step taken and the new position. The numbers
// come from the run's "state": true stream: [x, y, f, g_x, g_y, a_x, a_y, b_x, b_y, d_x, d_y].

import { about, t } from './i18n.js';
import { colour } from './scales.js';

function fmt(v) {
  if (v === 0) return '0';
  const a = Math.abs(v);
  return a >= 1e-3 && a < 1e5 ? String(Number(v.toPrecision(4))) : v.toExponential(2);
}

function pair(p, i) {
  return `(${fmt(p[i])}, ${fmt(p[i + 1])})`;
}

function escapeHtml(s) {
  return String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const eq = (formula, value) => `<div class="eq">${formula}${value ? ` <span class="num">= ${value}</span>` : ''}</div>`;

/** The lines of one optimizer's rule at step k (1-based: the k-th update). */
function rule(key, c, k, prev, cur) {
  const lrE = c.lr / (1 + (c.decay || 0) * (k - 1));
  const lr = fmt(lrE);
  const g = eq('<var>g</var> = ∇<var>f</var>(<var>x</var><sub>k−1</sub>)', pair(prev, 3));
  const out = [g];
  if (c.clipnorm || c.clipvalue) {
    out.push(eq(`<var>g</var> ← clip(<var>g</var>${c.clipnorm ? `, ‖·‖ ≤ ${fmt(c.clipnorm)}` : ''}${c.clipvalue ? `, |·| ≤ ${fmt(c.clipvalue)}` : ''})`));
  }
  const b1 = c.beta_1;
  const b2 = c.beta_2;
  const eps = fmt(c.epsilon ?? 0);
  switch (key) {
    case 'sgd':
      if (c.momentum > 0) {
        out.push(eq(`<var>m</var> ← ${fmt(c.momentum)}·<var>m</var> − ${lr}·<var>g</var>`, pair(cur, 5)));
        out.push(eq(c.nesterov
          ? `Δ = ${fmt(c.momentum)}·<var>m</var> − ${lr}·<var>g</var>`
          : 'Δ = <var>m</var>', pair(cur, 9)));
      } else {
        out.push(eq(`Δ = −${lr}·<var>g</var>`, pair(cur, 9)));
      }
      break;
    case 'rmsprop':
      out.push(eq(`<var>a</var> ← ${fmt(c.rho)}·<var>a</var> + ${fmt(1 - c.rho)}·<var>g</var>²`, pair(cur, 5)));
      out.push(eq(`Δ = −${lr}·<var>g</var> / (√<var>a</var> + ${eps})`, pair(cur, 9)));
      break;
    case 'adagrad':
      out.push(eq('<var>a</var> ← <var>a</var> + <var>g</var>²', pair(cur, 5)));
      out.push(eq(`Δ = −${lr}·<var>g</var> / (√<var>a</var> + ${eps})`, pair(cur, 9)));
      break;
    case 'adadelta':
      out.push(eq(`<var>a</var> ← ${fmt(c.rho)}·<var>a</var> + ${fmt(1 - c.rho)}·<var>g</var>²`, pair(cur, 5)));
      out.push(eq(`Δ = −${lr}·<var>g</var>·√(<var>d</var> + ${eps}) / √(<var>a</var> + ${eps})`, pair(cur, 9)));
      out.push(eq(`<var>d</var> ← ${fmt(c.rho)}·<var>d</var> + ${fmt(1 - c.rho)}·(Δ/${lr})²`, pair(cur, 7)));
      break;
    case 'adam': {
      const lrT = lrE * Math.sqrt(1 - b2 ** k) / (1 - b1 ** k);
      out.push(eq(`<var>m</var> ← ${fmt(b1)}·<var>m</var> + ${fmt(1 - b1)}·<var>g</var>`, pair(cur, 5)));
      out.push(eq(`<var>v</var> ← ${fmt(b2)}·<var>v</var> + ${fmt(1 - b2)}·<var>g</var>²`, pair(cur, 7)));
      out.push(eq(`<var>lr</var><sub>t</sub> = ${lr}·√(1 − ${fmt(b2)}<sup>${k}</sup>) / (1 − ${fmt(b1)}<sup>${k}</sup>)`, fmt(lrT)));
      out.push(eq(`Δ = −${fmt(lrT)}·<var>m</var> / (√<var>v</var> + ${eps})`, pair(cur, 9)));
      break;
    }
    case 'adamax': {
      const lrT = lrE / (1 - b1 ** k);
      out.push(eq(`<var>m</var> ← ${fmt(b1)}·<var>m</var> + ${fmt(1 - b1)}·<var>g</var>`, pair(cur, 5)));
      out.push(eq(`<var>u</var> ← max(${fmt(b2)}·<var>u</var>, |<var>g</var>|)`, pair(cur, 7)));
      out.push(eq(`Δ = −${fmt(lrT)}·<var>m</var> / (<var>u</var> + ${eps})`, pair(cur, 9)));
      break;
    }
    case 'nadam': {
      const mu = (s) => b1 * (1 - 0.5 * 0.96 ** (s * c.schedule_decay));
      out.push(eq(`μ<sub>t</sub> = ${fmt(mu(k))}, μ<sub>t+1</sub> = ${fmt(mu(k + 1))}`));
      out.push(eq(`<var>m</var> ← ${fmt(b1)}·<var>m</var> + ${fmt(1 - b1)}·<var>g</var>`, pair(cur, 5)));
      out.push(eq(`<var>v</var> ← ${fmt(b2)}·<var>v</var> + ${fmt(1 - b2)}·<var>g</var>²`, pair(cur, 7)));
      out.push(eq(`Δ = −${fmt(c.lr)}·((1 − μ<sub>t</sub>)·<var>ĝ</var> + μ<sub>t+1</sub>·<var>m̂</var>) / (√<var>v̂</var> + ${eps})`, pair(cur, 9)));
      break;
    }
    default:
      break;
  }
  out.push(eq('<var>x</var><sub>k</sub> = <var>x</var><sub>k−1</sub> + Δ', pair(cur, 0)));
  out.push(eq('<var>f</var>(<var>x</var><sub>k</sub>)', fmt(cur[2])));
  return out.join('');
}

/** Renders trajectory i of run at step into the element (run.points[i][k] in state mode). */
export function renderEquations(el, run, i, step) {
  if (!run || i < 0 || i >= run.trajectories.length) {
    el.innerHTML = `<p class="note">${escapeHtml(t('pickTrajectory'))}</p>`;
    return;
  }
  const tr = run.trajectories[i];
  const key = tr.config.name.toLowerCase();
  // With several starts, say which one this is.
  const start = run.request.starts.length > 1
    ? ` · ${escapeHtml(t('startOf', { x: +tr.start[0].toPrecision(4), y: +tr.start[1].toPrecision(4) }))}` : '';
  const head = `<p><span class="who" style="color:${colour(tr.name)}">${escapeHtml(tr.label)}</span>`
    + `${start} · ${escapeHtml(t('step'))} ${step}</p><p class="note">${escapeHtml(about(key))}</p>`;
  if (!run.points) {
    el.innerHTML = head + `<p class="note">${escapeHtml(t('noState'))}</p>`;
    return;
  }
  const k = Math.min(step, run.available);
  const cur = run.points[i][k];
  const prev = k > 0 ? run.points[i][k - 1] : null;
  const at = run.diverged[i];
  if (at !== null && at !== undefined && k >= at) {
    el.innerHTML = head + `<p class="note">✕ ${escapeHtml(t('diverged'))} ${at}</p>`;
    return;
  }
  if (!prev || !cur) {
    el.innerHTML = head + `<p class="note">${escapeHtml(t('beforeFirst'))}</p>`;
    return;
  }
  el.innerHTML = head + rule(key, tr.config, k, prev, cur);
}
