// The page: one state object, rendered by the views (landscape, loss chart, entries,
// equations). document.body.dataset.state is loading, ready, running, done or error (the
// message in dataset.error): the contract the browser tests read.

import { follow, getJSON, postRun } from './api.js';
import { renderEntries } from './controls.js';
import { renderEquations } from './equations.js';
import { exportCsv, exportJson, savePng, saveSvg } from './exporter.js';
import { language, setLanguage, t, translatePage } from './i18n.js';
import { createLandscape } from './landscape.js';
import { createLossChart } from './loss.js';
import { SEVEN, tunedLearningRate } from './presets.js';
import { colour } from './scales.js';
import { formatSpec, parseSpec } from './spec.js';
import { createTrainingView } from './training.js';
import { formatHash, parseHash } from './urlstate.js';
import {
  OWN, describe, formulaHtml, isExpression, setupOwnFunction,
} from './ownfunction.js';

const $ = (id) => document.getElementById(id);

const state = {
  functions: [],
  optimizers: [],
  fn: null, // catalogue entry
  view: null,
  entries: [],
  preset: null, // 'tuned' keeps tuned learning rates when the function changes
  starts: [],
  steps: 500,
  noise: 0,
  seed: 0,
  run: null,
  step: 0,
  playing: false,
  speed: 5,
  selected: -1,
  stop: null, // stops following the current stream
};

function setState(s, message = '') {
  document.body.dataset.state = s;
  if (s === 'error') document.body.dataset.error = message;
  else delete document.body.dataset.error;
  $('status').textContent = s === 'error' ? message : t(s === 'ready' ? 'done' : s);
}

function info(key) {
  return state.optimizers.find((o) => o.key === key);
}

function specs() {
  return state.entries.map((e) => formatSpec(info(e.key), e.params));
}

function label(entry) {
  return formatSpec(info(entry.key), entry.params).replace(/^[a-z]+/, info(entry.key).name);
}

function hashView() {
  const defaultView = state.fn.view;
  const moved = state.view.some((v, i) => v !== defaultView[i]);
  return {
    function: state.fn.name, opts: specs(), starts: state.starts, steps: state.steps,
    noise: state.noise, seed: state.seed, view: moved ? state.view : null, lang: language(),
  };
}

function renderEntriesNow() {
  renderEntries($('entries'), state.entries, state.optimizers, {
    onChange(rerender) {
      state.preset = null;
      $('preset-note').textContent = '';
      for (const e of state.entries) e.error = null;
      if (rerender) renderEntriesNow();
    },
    onRemove(i) {
      state.entries.splice(i, 1);
      renderEntriesNow();
    },
  });
}

function renderStarts() {
  $('starts').textContent = state.starts.map(([x, y]) => `(${+x.toPrecision(4)}, ${+y.toPrecision(4)})`).join(' ');
  landscape.setStarts(state.starts);
}

function applyPreset(kind) {
  state.preset = kind;
  state.entries = SEVEN.map((key) => ({
    key, params: kind === 'tuned' ? { lr: tunedLearningRate(state.fn.name, key) } : {}, error: null,
  }));
  if (kind === 'tuned') {
    const changed = state.entries.map((e) => `${info(e.key).name} ${e.params.lr}`).join(', ');
    $('preset-note').textContent = t('tunedNote', { fn: state.fn.name, list: changed });
  } else {
    $('preset-note').textContent = t('defaultsNote');
  }
  renderEntriesNow();
}

async function loadLandscape() {
  const [x0, x1, y0, y1] = state.view;
  const path = `/api/v1/landscape?function=${encodeURIComponent(state.fn.name)}&nx=160&ny=120`
    + `&view=${x0},${x1},${y0},${y1}`;
  let data = null;
  // An expression's first landscape waits for its kernels to build (503, Retry-After: 1).
  for (let tries = 0; !data; tries++) {
    const r = await fetch(path);
    if (r.status === 503 && tries < 60) await new Promise((ok) => setTimeout(ok, 1000));
    else data = await getJSON(path);
  }
  landscape.setLandscape(data, state.fn);
  if (state.fn.own) $('formula').innerHTML = `<i>f</i>(<i>x</i>, <i>y</i>) = ${formulaHtml(state.fn.formula)}`;
  else $('formula').textContent = `${state.fn.name}: f(x, y) = ${state.fn.formula}`;
  landscape.update(state.step);
}

function newRun(request, body) {
  const n = request.steps + 1;
  const s = request.starts.length;
  const run = {
    id: body.id, request, steps: request.steps, available: -1, finished: false,
    trajectories: body.trajectories.map((tr, i) => {
      const k = Math.floor(i / s);
      return { config: tr.optimizer, start: tr.start, k, name: tr.optimizer.name, label: label(state.entries[k]) };
    }),
    diverged: body.trajectories.map(() => null),
    x: [], y: [], f: [],
    points: request.state ? body.trajectories.map(() => new Array(n).fill(null)) : null,
  };
  for (let i = 0; i < run.trajectories.length; i++) {
    run.x.push(new Float64Array(n).fill(NaN));
    run.y.push(new Float64Array(n).fill(NaN));
    run.f.push(new Float64Array(n).fill(NaN));
  }
  return run;
}

function storeRows(run, rows) {
  for (const row of rows) {
    row.points.forEach((p, i) => {
      if (!p) return; // diverged: the done event says when
      run.x[i][row.step] = p[0];
      run.y[i][row.step] = p[1];
      run.f[i][row.step] = p[2];
      if (run.points) run.points[i][row.step] = p;
    });
    run.available = Math.max(run.available, row.step);
  }
}

function showRunError(body, status) {
  const m = /^optimizers\[(\d+)\]/.exec(body.field || '');
  if (m && state.entries[+m[1]]) {
    state.entries[+m[1]].error = body.error;
    renderEntriesNow();
  } else {
    $('run-error').textContent = body.error;
  }
  setState('error', body.error || `HTTP ${status}`);
}

async function run() {
  if (state.stop) state.stop();
  state.stop = null;
  state.steps = Number($('steps').value);
  state.noise = Number($('noise').value);
  state.seed = Number($('seed').value);
  for (const e of state.entries) e.error = null;
  renderEntriesNow();
  $('run-error').textContent = '';
  setState('running');
  const trajectories = state.entries.length * state.starts.length;
  const request = {
    function: state.fn.name, optimizers: specs(), starts: state.starts, steps: state.steps,
    every: 1, noise: state.noise, seed: state.seed, state: trajectories <= 64,
  };
  history.replaceState(null, '', formatHash(hashView()));
  const { ok, status, body } = await postRun(request);
  if (!ok) {
    showRunError(body, status);
    return;
  }
  const r = newRun(request, body);
  state.run = r;
  state.step = 0;
  state.playing = true;
  state.selected = state.selected >= 0 && state.selected < r.trajectories.length ? state.selected : 0;
  landscape.setRun(r);
  landscape.select(state.selected);
  loss.setRun(r);
  $('scrub').max = r.steps;
  state.stop = follow(body.events, {
    onRows(rows) {
      if (state.run === r) storeRows(r, rows);
    },
    onDone(data) {
      if (state.run !== r) return;
      r.diverged = data.diverged_at;
      r.finished = true;
      setState('done');
      draw();
    },
    onError(message) {
      if (state.run === r) setState('error', message);
    },
  });
}

/** One clickable legend entry per optimizer: it selects that optimizer's first trajectory. */
function renderLegend() {
  const r = state.run;
  const el = $('legend');
  el.replaceChildren();
  if (!r) return;
  const selectedK = r.trajectories[state.selected]?.k;
  r.trajectories.forEach((tr, i) => {
    if (r.trajectories.findIndex((o) => o.k === tr.k) !== i) return;
    const b = document.createElement('button');
    b.type = 'button';
    b.dataset.legend = tr.k;
    b.style.setProperty('--c', colour(tr.k));
    if (tr.k === selectedK) b.className = 'selected';
    const swatch = document.createElement('span');
    swatch.className = 'swatch';
    b.append(swatch, tr.label);
    const at = r.diverged[i];
    if (at !== null && at !== undefined && at <= state.step) b.append(` ✕ ${t('diverged')} ${at}`);
    b.addEventListener('click', () => select(i));
    el.append(b);
  });
}

function select(i) {
  state.selected = i;
  landscape.select(i);
  drawn = '';
}

function draw() {
  const r = state.run;
  if (r) {
    state.step = Math.max(0, Math.min(state.step, Math.max(r.available, 0)));
    landscape.update(state.step);
    loss.update(state.step);
    $('scrub').value = state.step;
    $('step-label').textContent = `${state.step} / ${r.steps}`;
  }
  renderLegend();
  renderEquations($('equations'), r, state.selected, state.step);
  $('play').textContent = t(state.playing ? 'pause' : 'play');
}

let drawn = '';
function tick() {
  const r = state.run;
  if (r && state.playing && state.step < r.available) state.step = Math.min(r.available, state.step + state.speed);
  if (r && r.finished && state.step >= r.steps) state.playing = false;
  const key = `${state.step}/${r ? r.available : -1}/${state.playing}/${state.selected}/${language()}`;
  if (key !== drawn) {
    drawn = key;
    draw();
  }
  requestAnimationFrame(tick);
}

function seek(step) {
  state.playing = false;
  state.step = step;
}

const landscape = createLandscape($('landscape'), {
  onClick(point, add) {
    state.starts = add ? [...state.starts, point] : [point];
    renderStarts();
    run();
  },
  onViewChange(view) {
    state.view = view;
    history.replaceState(null, '', formatHash(hashView()));
    loadLandscape().catch((e) => setState('error', e.message));
  },
  onSelect: select,
});
const loss = createLossChart($('loss'), { onSeek: seek });

function chooseFunction(name, keepStarts, own = null) {
  state.fn = own || state.functions.find((f) => f.name === name) || state.functions[0];
  $('function').value = state.fn.own ? OWN : state.fn.name;
  if (state.fn.own) ownField.open(state.fn.name);
  else ownField.close();
  state.view = [...state.fn.view];
  if (!keepStarts) state.starts = [[...state.fn.start]];
  if (state.preset === 'tuned') applyPreset('tuned');
  renderStarts();
}

/** Applies a hash (from a shared link) to the state; true if it named a function. */
function applyHash(hash) {
  const v = parseHash(hash);
  if (v.lang) setLanguage(v.lang);
  if (!v.function) return false;
  // an expression: the server canonicalizes it (and refuses it with its column if wrong)
  chooseFunction(v.function, false,
    isExpression(v.function) ? describe({ function: v.function, formula: v.function }) : null);
  if (v.view) state.view = v.view;
  if (v.starts.length) state.starts = v.starts;
  const entries = v.opts.map(parseSpec).filter((p) => p && info(p.key))
    .map((p) => ({ key: p.key, params: p.params, error: null }));
  if (entries.length) {
    state.entries = entries;
    state.preset = null;
    $('preset-note').textContent = '';
  }
  if (v.steps) $('steps').value = v.steps;
  $('noise').value = v.noise || 0;
  $('seed').value = v.seed || 0;
  renderEntriesNow();
  renderStarts();
  return true;
}

let training = null;
let ownField = null; // the "Your own…" field (ownfunction.js)
const TRAINING_HASH = '#training';

/** Shows the race ('race') or the training view ('train'); the race starts when first shown. */
function showView(view) {
  document.body.dataset.view = view;
  $('view-race').setAttribute('aria-pressed', String(view === 'race'));
  $('view-train').setAttribute('aria-pressed', String(view === 'train'));
  if (view === 'train') {
    history.replaceState(null, '', TRAINING_HASH);
    training.resize();
    return;
  }
  history.replaceState(null, '', formatHash(hashView()));
  loadLandscape().then(() => { if (!state.run) run(); });
}

function wire() {
  $('view-race').addEventListener('click', () => showView('race'));
  $('view-train').addEventListener('click', () => showView('train'));
  $('function').addEventListener('change', async () => {
    if ($('function').value === OWN) {
      ownField.open();
      return;
    }
    chooseFunction($('function').value, false);
    await loadLandscape();
    run();
  });
  $('run').addEventListener('click', run);
  $('add').addEventListener('click', () => {
    state.entries.push({ key: 'adam', params: {}, error: null });
    renderEntriesNow();
  });
  $('all-seven').addEventListener('click', () => applyPreset('defaults'));
  $('tuned').addEventListener('click', () => applyPreset('tuned'));
  $('play').addEventListener('click', () => {
    if (state.run && state.step >= state.run.steps) state.step = 0;
    state.playing = !state.playing;
  });
  $('back').addEventListener('click', () => seek(state.step - 1));
  $('forward').addEventListener('click', () => seek(state.step + 1));
  $('scrub').addEventListener('input', () => seek(Number($('scrub').value)));
  $('speed').addEventListener('change', () => { state.speed = Number($('speed').value); });
  $('reset-view').addEventListener('click', () => {
    state.view = [...state.fn.view];
    loadLandscape();
  });
  $('lang').addEventListener('click', () => {
    setLanguage(language() === 'en' ? 'ko' : 'en');
    translatePage();
    setState(document.body.dataset.state, document.body.dataset.error);
    renderEntriesNow();
    training.relabel();
    if (state.fn && document.body.dataset.view === 'race') {
      history.replaceState(null, '', formatHash(hashView()));
    }
    drawn = '';
  });
  $('share').addEventListener('click', async () => {
    const url = `${location.origin}${location.pathname}${formatHash(hashView())}`;
    try {
      await navigator.clipboard.writeText(url);
      $('status').textContent = t('copied');
    } catch {
      window.prompt(t('share'), url);
    }
  });
  $('export-json').addEventListener('click', () => state.run && exportJson(state.run));
  $('export-csv').addEventListener('click', () => state.run && exportCsv(state.run));
  const legend = () => (state.run ? state.run.trajectories
    .filter((tr, i, all) => all.findIndex((o) => o.k === tr.k) === i)
    .map((tr) => ({ label: tr.label, colour: colour(tr.k) })) : []);
  $('save-svg').addEventListener('click', () => saveSvg($('landscape'), `clopt-${state.fn.name}`, legend()));
  $('save-png').addEventListener('click', () => savePng($('landscape'), `clopt-${state.fn.name}`, legend()));
  document.addEventListener('keydown', (e) => {
    if (e.target.closest('input, select, textarea')) return;
    if (e.key === ' ') {
      e.preventDefault();
      $('play').click();
    } else if (e.key === 'ArrowLeft') seek(state.step - 1);
    else if (e.key === 'ArrowRight') seek(state.step + 1);
  });
  window.addEventListener('hashchange', async () => {
    if (location.hash === TRAINING_HASH) {
      showView('train');
      return;
    }
    if (location.hash === formatHash(hashView())) return; // our own replaceState
    if (applyHash(location.hash)) {
      await loadLandscape();
      run();
    }
  });
  let resizing = 0;
  window.addEventListener('resize', () => { // once the window has settled
    clearTimeout(resizing);
    resizing = setTimeout(() => {
      if (document.body.dataset.view === 'train') training.resize();
      else loadLandscape();
    }, 200);
  });
}

async function main() {
  setState('loading');
  translatePage();
  try {
    [state.functions, state.optimizers] = await Promise.all([
      getJSON('/api/v1/functions'), getJSON('/api/v1/optimizers')]);
    for (const f of state.functions) $('function').add(new Option(f.name, f.name));
    ownField = setupOwnFunction($('function'), {
      async onValid(fn) {
        chooseFunction(fn.name, false, fn);
        history.replaceState(null, '', formatHash(hashView()));
        await loadLandscape();
        run();
      },
    });
    training = createTrainingView();
    wire();
    const trainingFirst = location.hash === TRAINING_HASH;
    if (trainingFirst || !applyHash(location.hash)) {
      chooseFunction('rosenbrock', false);
      applyPreset('tuned');
    }
    translatePage();
    setState('ready');
    requestAnimationFrame(tick);
    if (trainingFirst) {
      showView('train');
      return;
    }
    await loadLandscape();
    run(); // the first thing a visitor sees: optimizers racing
  } catch (e) {
    setState('error', e.message);
  }
}

main();
