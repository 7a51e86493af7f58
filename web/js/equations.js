// The selected trajectory's update rule (docs/semantics.md) with the current step's numbers:
// the gradient, the optimizer's state, the step taken and the new position. The numbers
// come from the run's "state": true stream: [x, y, f, g_x, g_y, a_x, a_y, b_x, b_y, d_x, d_y].

import { language, t } from './i18n.js';
import { colour, readable } from './scales.js';


function pair(p, i) {
  return `(${readable(p[i])}, ${readable(p[i + 1])})`;
}

function escapeHtml(s) {
  return String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const eq = (formula, value) => `<div class="eq">${formula}${value ? ` <span class="num">= ${value}</span>` : ''}</div>`;

/*
 * The catalogue's small language for the numbers in its equations (catalogue.h,
 * clopt_equation): numbers, names (hyperparameters, t, lr_e), + - * / ^ ( ), sqrt(),
 * unary - and !, and the comparisons > and <. Booleans are 1 and 0.
 */
export function evaluate(src, vars) {
  const tokens = src.match(/\d+(\.\d*)?(e[-+]?\d+)?|\.\d+|[A-Za-z_]\w*|[-+*/^()<>!]/g) || [];
  let at = 0;
  const peek = () => tokens[at];
  const next = () => tokens[at++];
  const expect = (tok) => {
    if (next() !== tok) throw new Error(`expected ${tok} in ${src}`);
  };
  function atom() {
    const tok = next();
    if (tok === '(') {
      const v = comparison();
      expect(')');
      return v;
    }
    if (tok === 'sqrt') {
      expect('(');
      const v = comparison();
      expect(')');
      return Math.sqrt(v);
    }
    if (/^[\d.]/.test(tok)) return Number(tok);
    if (tok in vars) return Number(vars[tok]);
    throw new Error(`unknown ${tok} in ${src}`);
  }
  function power() {
    const base = atom();
    if (peek() !== '^') return base;
    next();
    return base ** unary(); // right-associative
  }
  function unary() {
    if (peek() === '-') return next() && -unary();
    if (peek() === '!') return next() && (unary() ? 0 : 1);
    return power();
  }
  function product() {
    let v = unary();
    while (peek() === '*' || peek() === '/') v = next() === '*' ? v * unary() : v / unary();
    return v;
  }
  function sum() {
    let v = product();
    while (peek() === '+' || peek() === '-') v = next() === '+' ? v + product() : v - product();
    return v;
  }
  function comparison() {
    const v = sum();
    if (peek() === '>' || peek() === '<') {
      const op = next();
      const w = sum();
      return (op === '>' ? v > w : v < w) ? 1 : 0;
    }
    return v;
  }
  const v = comparison();
  if (at !== tokens.length) throw new Error(`unexpected ${peek()} in ${src}`);
  return v;
}

/*
 * Where a live value sits in a state-mode point [x, y, f, g_x, g_y, then each state value
 * for x and y, then the step taken d_x, d_y]: `state` is the optimizer's state names.
 */
function position(show, state) {
  const s = state.indexOf(show); // first: schedule-free's state x is not the point's x
  if (s >= 0) return 5 + 2 * s;
  if (show === 'g') return 3;
  if (show === 'x') return 0;
  return show === 'delta' ? 5 + 2 * MAX_STATE : -1;
}

const MAX_STATE = 3; // the server's state values per coordinate (clopt.h)

/**
 * The lines of one optimizer's rule at step k (1-based: the k-th update); rate: the rate lr_e
 * that step took (the run's "rates": a schedule's), null (lr with Keras 1's decay), or NaN (the
 * server left the rates out: what depends on lr_e shows as a dash).
 */
function rule(info, c, k, prev, cur, rate) {
  const vars = { ...c, t: k, lr_e: rate ?? c.lr / (1 + (c.decay || 0) * (k - 1)) };
  for (const [name, v] of Object.entries(vars)) if (typeof v === 'boolean') vars[name] = v ? 1 : 0;
  for (const h of info.hyperparameters) { // a word is its index, as the server keeps it
    if (h.range && h.range.words) vars[h.name] = Math.max(0, h.range.words.indexOf(vars[h.name] ?? h.default));
  }
  const num = (expr) => readable(evaluate(expr, vars));
  const out = [eq('<var>g</var> = ∇<var>f</var>(<var>x</var><sub>k−1</sub>)', pair(prev, 3))];
  if (c.clipnorm || c.clipvalue) {
    out.push(eq(`<var>g</var> ← clip(<var>g</var>${c.clipnorm ? `, ‖·‖ ≤ ${readable(c.clipnorm)}` : ''}${c.clipvalue ? `, |·| ≤ ${readable(c.clipvalue)}` : ''})`));
  }
  for (const line of info.equations) {
    if (line.when && !evaluate(line.when, vars)) continue;
    const html = line.html.replace(/\{([^}]+)\}/g, (_, expr) => num(expr));
    let value = '';
    if (line.show && line.show.startsWith('=')) value = num(line.show.slice(1));
    else if (line.show) {
      const at = position(line.show, info.state);
      if (at >= 0) value = pair(line.show === 'g' ? prev : cur, at);
    }
    out.push(eq(html, value));
  }
  out.push(eq('<var>x</var><sub>k</sub> = <var>x</var><sub>k−1</sub> + Δ', pair(cur, 0)));
  out.push(eq('<var>f</var>(<var>x</var><sub>k</sub>)', readable(cur[2])));
  return out.join('');
}

/** Renders trajectory i of run at step into the element (run.points[i][k] in state mode). */
export function renderEquations(el, run, i, step, infos) {
  if (!run || i < 0 || i >= run.trajectories.length) {
    el.innerHTML = `<p class="note">${escapeHtml(t('pickTrajectory'))}</p>`;
    return;
  }
  const tr = run.trajectories[i];
  // the config names its optimizer as the catalogue does ("SGDScheduleFree"), not by key
  const info = infos.find((o) => o.name === tr.config.name);
  // With several starts, say which one this is.
  const start = run.request.starts.length > 1
    ? ` · ${escapeHtml(t('startOf', { x: +tr.start[0].toPrecision(4), y: +tr.start[1].toPrecision(4) }))}` : '';
  const head = `<p><span class="who" style="color:${tr.colour || colour(tr.name)}">${escapeHtml(tr.label)}</span>`
    + `${start} · ${escapeHtml(t('step'))} ${step}</p><p class="note">${escapeHtml(info ? info[language()] : '')}</p>`;
  if (!run.points) {
    el.innerHTML = head + `<p class="note">${escapeHtml(t('noState', { max: run.stateLimit }))}</p>`;
    return;
  }
  const k = Math.min(step, run.available);
  const cur = run.points[i][k];
  const prev = k > 0 ? run.points[i][k - 1] : null;
  const at = run.diverged[i];
  if (at !== null && at !== undefined && k >= at) {
    el.innerHTML = head + `<p class="note">✕ ${escapeHtml(t('diverged', { step: at }))}</p>`;
    return;
  }
  if (!prev || !cur) {
    el.innerHTML = head + `<p class="note">${escapeHtml(t('beforeFirst'))}</p>`;
    return;
  }
  const entry = run.entries ? run.entries[tr.k] : null;
  const rate = entry && entry.rates ? entry.rates[k - 1] : entry && entry.ratesLeftOut ? NaN : null;
  el.innerHTML = head + rule(info, tr.config, k, prev, cur, rate);
}
