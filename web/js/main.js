// The page: one state object, rendered by the views (landscape, loss chart, entries,
// equations). document.body.dataset.state is loading, ready, running, done or error (the
// message in dataset.error): the contract the browser tests read. #status says what is true
// for a person: computing, playing, paused, done, not run, error (data-phase says which).

import { follow, getJSON, getLandscape, postRun } from './api.js';
import { firstProblem, newEntry, renderEntries, showProblem } from './controls.js';
import { renderEquations } from './equations.js';
import { exportCsv, exportJson, savePng, saveSvg } from './exporter.js';
import { language, problemText, setLanguage, t, translatePage, words } from './i18n.js';
import { createLandscape } from './landscape.js';
import { createLessons } from './lessons.js';
import { createLossChart } from './loss.js';
import { NEW_ENTRY, SWEEP_SECOND, tunedLearningRate } from './presets.js';
import { colour, dash, repeats, setKinds } from './scales.js';
import { formatSpec, parseSpec } from './spec.js';
import { createTrainingView } from './training.js';
import { createExploreView } from './explore.js';
import { createTuneFair, isTuneHash, tuneHash } from './tunefair.js';
import { formatExploreHash, parseExploreHash } from './exploreplan.js';
import { formatHash, parseHash } from './urlstate.js';
import {
  OWN, describe, formulaHtml, isExpression, setupOwnFunction,
} from './ownfunction.js';
import { checkValue, refusedParameter, tooManyPoints } from './validate.js';

const $ = (id) => document.getElementById(id);

// A student follows 500 steps in five seconds at 1×.
const STEPS_PER_SECOND = 100;

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
  accepted: null, // the hash view of the last run the server accepted: what the URL holds
  step: 0,
  position: 0, // the playback position in fractional steps
  playing: false,
  speed: 1,
  selected: -1,
  stop: null, // stops following the current stream
  settingsServer: {}, // a server refusal of a setting: {id: text}
};

// The run settings, checked as typed; the ranges are the server's limits (README).
const SETTINGS = {
  steps: { range: { min: 1, max: 100000 }, integer: true },
  noise: { range: { min: 0 } },
  seed: { range: { min: 0, max: 2 ** 53 }, integer: true },
};

let refused = false; // the error is a run that was not made (else the server or the network failed)

function setState(s, message = '', refusal = false) {
  refused = refusal;
  document.body.dataset.state = s;
  if (s === 'error') document.body.dataset.error = message;
  else delete document.body.dataset.error;
  renderStatus();
}

/** The header's word for what is true now (a fixed-width slot: the header does not move). */
function renderStatus() {
  const s = document.body.dataset.state;
  const r = state.run;
  let phase = s;
  if (s === 'done') phase = state.playing ? 'playing' : (r && state.step < r.steps ? 'paused' : 'done');
  else if (s === 'running') phase = 'computing';
  else if (s === 'ready') phase = '';
  else if (s === 'error' && refused) phase = 'refused';
  const text = { loading: t('loading'), computing: t('running'), playing: t('playing'),
    paused: t('paused'), done: t('done'), refused: t('refused'), error: t('error'), '': '' }[phase];
  const el = $('status');
  el.dataset.phase = phase;
  if (el.textContent !== text) el.textContent = text;
  el.title = s === 'error' ? document.body.dataset.error : '';
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

/** The current settings as a hash view (what a run of them would put in the URL). */
function settingsView() {
  return {
    function: state.fn.name, opts: specs(), starts: state.starts, steps: state.steps,
    noise: state.noise, seed: state.seed, view: null, lang: language(),
  };
}

/** The URL: the last accepted run, the current zoom and language. */
function currentHash() {
  const v = state.accepted || settingsView();
  const defaultView = (state.functions.find((f) => f.name === v.function) || state.fn).view;
  const moved = state.view && v.function === state.fn.name
    && state.view.some((x, i) => x !== defaultView[i]);
  return formatHash({ ...v, view: moved ? state.view : null, lang: language() });
}

function writeHash() {
  if (document.body.dataset.view === 'race' && state.fn) history.replaceState(null, '', currentHash());
}

function renderEntriesNow() {
  renderEntries($('entries'), state.entries, state.optimizers, {
    onChange() {
      state.preset = null;
      renderPresetNote();
      clearRunError();
    },
    onKind() {
      state.preset = null;
      renderPresetNote();
      clearRunError();
      renderEntriesNow();
    },
    onRemove(i) {
      state.entries.splice(i, 1);
      clearRunError();
      renderEntriesNow();
    },
  });
}

/** The note under the preset buttons, in the current language. */
/*
 * Says which parts of an opened link were left out, and why: an optimizer in the server's
 * own words (GET /api/v1/check?optimizer=), any other part as a value the page cannot use.
 */
async function reportIgnored(parts, opts) {
  const note = $('link-note');
  const lines = parts.map((part) => t('linkIgnored', { part, reason: t('linkBadValue') }));
  for (const text of opts) {
    let reason = t('linkBadValue');
    try {
      const r = await getJSON(`/api/v1/check?optimizer=${encodeURIComponent(text)}`);
      if (!r.valid) reason = r.error;
    } catch { /* the local reason stands */ }
    lines.push(t('linkIgnored', { part: `opt=${text}`, reason }));
  }
  note.textContent = lines.join(' ');
  note.hidden = lines.length === 0;
}

function renderPresetNote() {
  let text = '';
  if (state.preset === 'tuned') {
    const changed = state.entries.map((e) => `${info(e.key).name} ${e.params.lr}`).join(', ');
    text = t('tunedNote', { fn: state.fn.name, list: changed });
  } else if (state.preset === 'defaults') text = t('defaultsNote');
  $('preset-note').textContent = text;
}

function renderStarts() {
  $('starts').textContent = state.starts.map(([x, y]) => `(${+x.toPrecision(4)}, ${+y.toPrecision(4)})`).join(' ');
  landscape.setStarts(state.starts);
}

function applyPreset(kind) {
  state.preset = kind;
  state.entries = state.optimizers.map(({ key }) => newEntry(key,
    kind === 'tuned' ? { lr: tunedLearningRate(state.fn.name, key) } : {}));
  renderPresetNote();
  clearRunError();
  renderEntriesNow();
}

async function loadLandscape() {
  let data = null;
  // The server computes landscapes in a queue; when it is full (503, Retry-After: 1), and
  // while an expression's first kernels build, ask again.
  for (let tries = 0; !data; tries++) {
    try {
      data = await getLandscape(state.fn.name, 160, 120, state.view);
    } catch (e) {
      if (e.status !== 503 || tries >= 60) throw e;
      await new Promise((ok) => setTimeout(ok, 1000));
    }
  }
  landscape.setLandscape(data, state.fn);
  if (state.fn.own) $('formula').innerHTML = `<i>f</i>(<i>x</i>, <i>y</i>) = ${formulaHtml(state.fn.formula)}`;
  else $('formula').textContent = `${state.fn.name}: f(x, y) = ${state.fn.formula}`;
  landscape.update(state.step);
}

function newRun(request, body) {
  const n = request.steps + 1;
  const s = request.starts.length;
  const keys = state.entries.map((e) => e.key);
  const rep = repeats(keys);
  const run = {
    id: body.id, request, steps: request.steps, available: -1, finished: false,
    entries: state.entries.map((e, k) => ({ k, key: e.key, label: label(e), dash: dash(rep[k], e.key) })),
    trajectories: body.trajectories.map((tr, i) => {
      const k = Math.floor(i / s);
      return { config: tr.optimizer, start: tr.start, k, s: i % s, name: tr.optimizer.name,
        label: label(state.entries[k]), dash: dash(rep[k], state.entries[k].key) };
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

function clearRunError() {
  $('run-error').textContent = '';
  if (document.body.dataset.state !== 'error') return;
  const r = state.run;
  setState(r ? (r.finished ? 'done' : 'running') : 'ready');
}

/**
 * A run that did not happen: the message next to the field (already there for a local
 * problem), a summary under Run, the previous run dimmed and labelled, the URL untouched.
 */
function refuse(summary) {
  $('run-error').textContent = summary;
  document.body.dataset.stale = state.run ? 'true' : 'false';
  setState('error', summary, true);
}

/** The server refused the run: shown where the field is, like a problem found as typed. */
function showRunError(body, status) {
  // The sentences the page knows are said in its language; others as the server wrote them.
  const points = tooManyPoints(body.error);
  const grouped = (o) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, v.toLocaleString('en-US')]));
  const text = points ? t('tooManyPoints', grouped(points)) : t('serverRefused', {
    text: String(body.error || `HTTP ${status}`).replace(/^optimizers\[\d+\]:\s*/, '') });
  const p = refusedParameter(body);
  const e = p && state.entries[p.entry];
  if (e) {
    const h = info(e.key).hyperparameters.find((x) => x.name === p.param);
    // A range the server names is also one the page can say in the student's language.
    const local = h && checkValue(p.value, h.range).problem;
    e.server = { param: p.param, text: local ? problemText(local, words(h), h.name) : text };
    renderEntriesNow();
    refuse(t('notRun', { where: `${info(e.key).name}${h ? `: ${words(h)}` : ''}` }));
    return;
  }
  const id = (body.field || '').replace(/\[.*$/, '');
  if (SETTINGS[id]) {
    state.settingsServer[id] = text;
    checkSetting(id);
    refuse(t('notRun', { where: t(id) }));
    return;
  }
  refuse(text);
}

/** Checks setting id as typed: its value into state, or its problem next to it. */
function checkSetting(id) {
  const c = SETTINGS[id];
  const r = checkValue($(id).value, c.range, { integer: c.integer });
  const text = r.problem ? problemText(r.problem, t(id), id) : state.settingsServer[id] || '';
  showProblem($(id), $(`${id}-error`), text);
  return r;
}

function settingsProblem() {
  for (const id of Object.keys(SETTINGS)) {
    if (checkSetting(id).problem) return { id, text: $(`${id}-error`).textContent };
  }
  return null;
}

async function run() {
  clearTimeout(keyRun);
  const local = firstProblem(state.entries, state.optimizers);
  const setting = settingsProblem();
  if (local || setting) {
    refuse(t('notRun', { where: local ? `${local.info.name}: ${words(local.h)}` : t(setting.id) }));
    // Where to fix it: the first marked field.
    const field = local ? $('entries').querySelector(`[data-entry="${local.i}"] [data-param="${local.h.name}"]`)
      : $(setting.id);
    if (field && document.activeElement !== field && !document.activeElement?.closest('#landscape')) field.focus();
    return;
  }
  state.steps = Number($('steps').value);
  state.noise = Number($('noise').value);
  state.seed = Number($('seed').value);
  for (const e of state.entries) e.server = null;
  state.settingsServer = {};
  renderEntriesNow();
  $('run-error').textContent = '';
  setState('running');
  const trajectories = state.entries.length * state.starts.length;
  const request = {
    function: state.fn.name, optimizers: specs(), starts: state.starts, steps: state.steps,
    every: 1, noise: state.noise, seed: state.seed, state: trajectories <= 64,
  };
  const view = settingsView();
  const { ok, status, body } = await postRun(request);
  if (!ok) {
    showRunError(body, status);
    return;
  }
  // Accepted: the previous run's stream ends here (a refused run leaves it on show).
  if (state.stop) state.stop();
  state.stop = null;
  state.accepted = view;
  document.body.dataset.stale = 'false';
  writeHash();
  const r = newRun(request, body);
  state.run = r;
  state.step = 0;
  state.position = 0;
  state.playing = true;
  state.selected = state.selected >= 0 && state.selected < r.trajectories.length ? state.selected : 0;
  landscape.setRun(r);
  landscape.select(state.selected);
  loss.setRun(r);
  buildLegend(r);
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
      drawn = '';
    },
    onError(message) {
      if (state.run === r) setState('error', message);
    },
  });
}

/**
 * One legend button per optimizer entry, made once per run and updated in place (a button
 * replaced between mouse-down and mouse-up loses the click): it selects that entry's first
 * trajectory, aria-pressed says which is selected, a note says diverged or off the map.
 */
function buildLegend(r) {
  const el = $('legend');
  el.replaceChildren();
  for (const e of r.entries) {
    const b = document.createElement('button');
    b.type = 'button';
    b.dataset.legend = e.k;
    b.style.setProperty('--c', colour(e.key));
    b.setAttribute('aria-pressed', 'false');
    const swatch = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
    swatch.setAttribute('class', 'swatch');
    swatch.setAttribute('viewBox', '0 0 20 6');
    swatch.innerHTML = `<line x1="0" x2="20" y1="3" y2="3" stroke="${colour(e.key)}" stroke-width="4"${e.dash ? ` stroke-dasharray="${e.dash}"` : ''}/>`;
    const name = document.createElement('span');
    name.textContent = e.label;
    const note = document.createElement('span');
    note.className = 'legend-note';
    b.append(swatch, name, note);
    b.addEventListener('click', () => select(r.trajectories.findIndex((tr) => tr.k === e.k)));
    el.append(b);
  }
}

function updateLegend(offmap) {
  const r = state.run;
  if (!r) return;
  const selectedK = r.trajectories[state.selected]?.k;
  for (const b of $('legend').children) {
    const k = Number(b.dataset.legend);
    const mine = r.trajectories.map((tr, i) => (tr.k === k ? i : -1)).filter((i) => i >= 0);
    const notes = [];
    const at = mine.map((i) => r.diverged[i]).find((d) => d !== null && d !== undefined && d <= state.step);
    if (at !== undefined) notes.push(`✕ ${t('diverged')} ${at}`);
    if (mine.some((i) => offmap.has(i))) notes.push(`↗ ${t('offMap')}`);
    const note = notes.join(' · ');
    const pressed = String(k === selectedK);
    if (b.getAttribute('aria-pressed') !== pressed) b.setAttribute('aria-pressed', pressed);
    const span = b.querySelector('.legend-note');
    if (span.textContent !== note) span.textContent = note;
  }
}

function select(i) {
  state.selected = i;
  landscape.select(i);
  updateLegend(offmapNow); // at once: the pressed button answers the click
  drawn = '';
}

let offmapNow = new Set(); // the trajectories off the map at the drawn step

function draw() {
  const r = state.run;
  let offmap = new Set();
  if (r) {
    state.step = Math.max(0, Math.min(state.step, Math.max(r.available, 0)));
    offmap = landscape.update(state.step);
    offmapNow = offmap;
    loss.update(state.step);
    $('scrub').value = state.step;
    $('step-label').textContent = `${state.step} / ${r.steps}`;
  }
  updateLegend(offmap);
  renderEquations($('equations'), r, state.selected, state.step, state.optimizers);
  if (document.body.dataset.view === 'lessons') lessons.decorate($('equations'));
  $('play').textContent = t(state.playing ? 'pause' : 'play');
  renderStatus();
}

let drawn = '';
let lastFrame = 0;
function tick(now) {
  const r = state.run;
  const dt = lastFrame ? Math.min(now - lastFrame, 100) : 0;
  lastFrame = now;
  if (r && state.playing && state.step < r.available) {
    state.position = Math.min(r.available, state.position + (dt / 1000) * STEPS_PER_SECOND * state.speed);
    state.step = Math.floor(state.position);
  }
  if (r && r.finished && state.step >= r.steps) {
    state.playing = false;
    if (lessons && document.body.dataset.view === 'lessons' && r === lessonRun) lessons.played();
  }
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
  state.position = step;
}

let keyRun = 0;
const landscape = createLandscape($('landscape'), {
  onClick(point, add) {
    state.starts = add ? [...state.starts, point] : [point];
    renderStarts();
    run();
  },
  onKeyStart(points) { // arrow keys and Enter on the map: run once the keys have settled
    state.starts = points;
    renderStarts();
    clearTimeout(keyRun);
    keyRun = setTimeout(run, 400);
  },
  starts: () => state.starts,
  onViewChange(view) {
    state.view = view;
    writeHash();
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

/** Every text of the page again, in the current language. */
function relabel() {
  translatePage();
  renderStatus();
  renderEntriesNow();
  renderPresetNote();
  for (const id of Object.keys(SETTINGS)) {
    if ($(`${id}-error`).textContent) checkSetting(id);
  }
  if (document.body.dataset.state === 'error' && $('run-error').textContent) {
    const local = firstProblem(state.entries, state.optimizers);
    if (local) $('run-error').textContent = t('notRun', { where: `${local.info.name}: ${words(local.h)}` });
  }
  training.relabel();
  if (ownField) ownField.relabel();
  if (explore) explore.relabel();
  if (tuneFair) tuneFair.relabel();
  if (lessons) lessons.relabel();
  drawn = '';
}

/** Applies a hash (from a shared link) to the state; true if it named a function. */
function applyHash(hash) {
  const v = parseHash(hash);
  if ((v.lang || 'en') !== language()) {
    setLanguage(v.lang || 'en');
    if (training) relabel();
  }
  if (!v.function) return false;
  // an expression: the server canonicalizes it (and refuses it with its column if wrong)
  chooseFunction(v.function, false,
    isExpression(v.function) ? describe({ function: v.function, formula: v.function }) : null);
  if (v.view) state.view = v.view;
  if (v.starts.length) state.starts = v.starts;
  const parsed = v.opts.map((text) => ({ text, spec: parseSpec(text) }));
  const entries = parsed.filter(({ spec }) => spec && info(spec.key))
    .map(({ spec }) => newEntry(spec.key, spec.params));
  reportIgnored(v.ignored, parsed.filter(({ spec }) => !spec || !info(spec.key)).map((p) => p.text));
  if (entries.length) {
    state.entries = entries;
    state.preset = null;
    renderPresetNote();
  }
  if (v.steps) $('steps').value = v.steps;
  $('noise').value = v.noise || 0;
  $('seed').value = v.seed || 0;
  renderEntriesNow();
  renderStarts();
  return true;
}

let training = null;
let explore = null; // the Explore view (explore.js)
let tuneFair = null; // "Tune fairly" in the race (tunefair.js)
let lessons = null;
let lessonRun = null; // the run a lesson started: its end moves the lesson on to explain
const LESSON_HASH = /^#lesson=(\d+)/;

function lessonHash(n) {
  return `#lesson=${n}${language() === 'ko' ? '&lang=ko' : ''}`;
}

/** Stops and forgets the race's run: the scene is about to change under it. */
function clearRace() {
  if (state.stop) state.stop();
  state.stop = null;
  state.run = null;
  state.playing = false;
  state.step = 0;
  state.position = 0;
  state.accepted = null;
  landscape.setRun(null);
  loss.setRun(null);
  $('legend').replaceChildren();
  $('scrub').max = 0;
}

function exploreHash(plan) {
  return formatExploreHash({ ...plan, lang: language() });
}

/** The explore view's URL: its last plan, or just the view (a link to it computes nothing). */
function exploreViewHash() {
  return explore.plan() ? exploreHash(explore.plan()) : `#explore=basins${language() === 'ko' ? '&lang=ko' : ''}`;
}

/**
 * Opens an exploration from a link (#explore=...): the race takes its function, optimizers,
 * start and steps (so that a click on a cell races with them), then the view computes it.
 */
function openExploreHash(hash) {
  const v = parseExploreHash(hash);
  if ((v.lang || 'en') !== language()) {
    setLanguage(v.lang || 'en');
    relabel();
  }
  if (v.function) { // the race shows this scene when a cell is opened
    clearRace();
    applyHash(formatHash({ ...v, view: v.kind === 'basins' ? v.view : null, noise: 0, lang: language() }));
    setState('ready');
  }
  showView('explore');
  explore.load(v);
}

/** What the lessons (lessons.js) ask of the page: a scene on the map, a run of it. */
const lessonHooks = {
  async show(scene) {
    clearRace();
    lessonRun = null;
    applyHash(formatHash({ noise: 0, seed: 0, ...scene, view: null, lang: language() }));
    setState('ready');
    drawn = '';
    await loadLandscape();
  },
  async play(focus) {
    await run();
    lessonRun = state.run;
    if (state.run && focus) select(Math.min(focus.select, state.run.trajectories.length - 1));
  },
  opened(n) {
    if (document.body.dataset.view === 'lessons') history.replaceState(null, '', lessonHash(n));
  },
};
let ownField = null; // the "Your own…" field (ownfunction.js)
const TRAINING_HASH = '#training';

/**
 * Shows the race ('race'), the training view ('train'), the basin maps ('explore') or the
 * lessons ('lessons', opening lesson n or the last one opened); the race starts when first
 * shown.
 */
function showView(view, n = 0) {
  document.body.dataset.view = view;
  for (const v of ['race', 'train', 'explore', 'lessons'])
    $(`view-${v}`).setAttribute('aria-pressed', String(view === v));
  if (view === 'explore') {
    explore.shown();
    history.replaceState(null, '', exploreViewHash());
    return;
  }
  if (view === 'lessons') {
    lessons.open(n || lessons.lastOpened()).catch((e) => setState('error', e.message));
    return;
  }
  if (view === 'train') {
    history.replaceState(null, '', language() === 'ko' ? `${TRAINING_HASH}&lang=ko` : TRAINING_HASH);
    training.resize();
    return;
  }
  writeHash();
  loadLandscape().then(() => { if (!state.run) run(); });
}

/**
 * The function menu runs on commit: a mouse choice at once, keyboard arrows only at Enter or
 * when the menu loses focus (each arrow would otherwise start a run).
 */
function wireFunctionMenu() {
  const menu = $('function');
  let keyed = false;
  const commit = async () => {
    keyed = false;
    if (menu.value === OWN) {
      ownField.open();
      return;
    }
    if (menu.value === state.fn.name) return;
    chooseFunction(menu.value, false);
    await loadLandscape();
    run();
  };
  menu.addEventListener('keydown', (e) => {
    if (e.key === 'Enter') {
      e.preventDefault();
      commit();
    } else if (/^(Arrow|Home$|End$|Page)/.test(e.key) || e.key.length === 1) keyed = true;
  });
  menu.addEventListener('change', () => { if (!keyed) commit(); });
  menu.addEventListener('blur', () => { if (keyed) commit(); });
}

/** Copies the page's URL with `hash` to the clipboard (or shows it), and says so in `where`. */
async function copyLink(hash, where) {
  const url = `${location.origin}${location.pathname}${hash}`;
  try {
    await navigator.clipboard.writeText(url);
    where.textContent = t('copied');
  } catch {
    window.prompt(t('share'), url);
  }
}

function toggleHelp() {
  const help = $('keys');
  if (help.matches(':popover-open')) help.hidePopover();
  else help.showPopover();
}

function wire() {
  $('view-race').addEventListener('click', () => showView('race'));
  $('view-train').addEventListener('click', () => showView('train'));
  $('view-explore').addEventListener('click', () => showView('explore'));
  $('view-lessons').addEventListener('click', () => showView('lessons'));
  wireFunctionMenu();
  $('run').addEventListener('click', run);
  for (const id of Object.keys(SETTINGS)) {
    $(id).addEventListener('input', () => {
      delete state.settingsServer[id];
      checkSetting(id);
      clearRunError();
    });
  }
  $('add').addEventListener('click', () => {
    state.entries.push(newEntry(NEW_ENTRY));
    renderEntriesNow();
  });
  $('all-seven').addEventListener('click', () => applyPreset('defaults'));
  $('tuned').addEventListener('click', () => applyPreset('tuned'));
  $('play').addEventListener('click', () => {
    if (state.run && state.step >= state.run.steps) seek(0);
    state.playing = !state.playing;
  });
  $('back').addEventListener('click', () => seek(state.step - 1));
  $('forward').addEventListener('click', () => seek(state.step + 1));
  $('scrub').addEventListener('input', () => seek(Number($('scrub').value)));
  $('speed').addEventListener('change', () => { state.speed = Number($('speed').value); });
  $('reset-view').addEventListener('click', () => {
    state.view = [...state.fn.view];
    writeHash();
    loadLandscape();
  });
  $('lang').addEventListener('click', () => {
    setLanguage(language() === 'en' ? 'ko' : 'en');
    relabel();
    if (document.body.dataset.view === 'race') writeHash();
    else if (document.body.dataset.view === 'lessons') history.replaceState(null, '', lessonHash(lessons.lastOpened()));
    else if (document.body.dataset.view === 'explore') {
      history.replaceState(null, '', exploreViewHash());
    } else history.replaceState(null, '', language() === 'ko' ? `${TRAINING_HASH}&lang=ko` : TRAINING_HASH);
  });
  $('share').addEventListener('click', () => copyLink(currentHash(), $('status')));
  $('explore-share').addEventListener('click', () => {
    if (explore.plan()) copyLink(exploreHash(explore.plan()), $('explore-progress'));
  });
  $('export-json').addEventListener('click', () => state.run && exportJson(state.run));
  $('export-csv').addEventListener('click', () => state.run && exportCsv(state.run));
  const legend = () => (state.run ? state.run.entries.map((e) => ({ label: e.label, colour: colour(e.key) })) : []);
  $('save-svg').addEventListener('click', () => saveSvg($('landscape'), `clopt-${state.fn.name}`, legend()));
  $('save-png').addEventListener('click', () => savePng($('landscape'), `clopt-${state.fn.name}`, legend()));
  document.addEventListener('keydown', (e) => {
    if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey) return;
    if (e.target.closest('input, select, textarea, [contenteditable]')) return;
    if (e.key === '?') {
      e.preventDefault();
      toggleHelp();
      return;
    }
    if (document.body.dataset.view === 'lessons' && lessons.key(e)) {
      e.preventDefault();
      return;
    }
    if (document.body.dataset.view === 'train' || document.body.dataset.view === 'explore') return;
    // A focused button does what it says with Space (Space on Run runs); arrows still step.
    if (e.key === ' ' && e.target.closest('button, a, summary')) return;
    if (e.key === ' ') {
      e.preventDefault();
      $('play').click();
    } else if (e.key === 'ArrowLeft') seek(state.step - 1);
    else if (e.key === 'ArrowRight') seek(state.step + 1);
  });
  window.addEventListener('hashchange', async () => {
    const lesson = LESSON_HASH.exec(location.hash);
    if (lesson) {
      const v = parseHash(location.hash.replace(LESSON_HASH, ''));
      if ((v.lang || 'en') !== language()) {
        setLanguage(v.lang || 'en');
        relabel();
      }
      if (Number(lesson[1]) !== lessons.lastOpened() || document.body.dataset.view !== 'lessons') showView('lessons', Number(lesson[1]));
      return;
    }
    if (parseExploreHash(location.hash)) {
      const same = explore.plan() && location.hash === exploreHash(explore.plan());
      if (!same) openExploreHash(location.hash);
      else if (document.body.dataset.view !== 'explore') showView('explore');
      return;
    }
    if (location.hash.startsWith(TRAINING_HASH)) {
      const v = parseHash(location.hash.slice(TRAINING_HASH.length));
      if ((v.lang || 'en') !== language()) {
        setLanguage(v.lang || 'en');
        relabel();
      }
      showView('train');
      return;
    }
    if (location.hash === currentHash()) return;
    if (applyHash(location.hash)) {
      if (document.body.dataset.view !== 'race') showView('race');
      await loadLandscape();
      run();
    }
  });
  let resizing = 0;
  window.addEventListener('resize', () => { // once the window has settled
    clearTimeout(resizing);
    resizing = setTimeout(() => {
      if (document.body.dataset.view === 'train') training.resize();
      else if (document.body.dataset.view === 'explore') explore.resize();
      else loadLandscape();
    }, 200);
  });
}

async function main() {
  setState('loading');
  const trainingFirst = location.hash.startsWith(TRAINING_HASH);
  const lessonFirst = LESSON_HASH.exec(location.hash);
  const exploreFirst = parseExploreHash(location.hash);
  setLanguage(parseHash(trainingFirst ? location.hash.slice(TRAINING_HASH.length)
    : location.hash.replace(LESSON_HASH, '')).lang);
  translatePage();
  try {
    [state.functions, state.optimizers] = await Promise.all([
      getJSON('/api/v1/functions'), getJSON('/api/v1/optimizers')]);
    setKinds(state.optimizers);
    for (const f of state.functions) $('function').add(new Option(f.name, f.name));
    ownField = setupOwnFunction($('function'), {
      async onValid(fn) {
        chooseFunction(fn.name, false, fn); // the URL follows once the run is accepted
        await loadLandscape();
        run();
      },
    });
    training = createTrainingView(state.optimizers);
    explore = createExploreView({
      getScene: () => ({
        fn: state.fn, functions: state.functions, view: state.view, opts: specs(), starts: state.starts,
        steps: Number($('steps').value),
      }),
      info,
      sweepSecond: (key) => SWEEP_SECOND[key] || null,
      onOpen(spec, start, fn, steps, view) {
        applyHash(formatHash({
          function: fn, opts: [spec], starts: [start], steps, view, lang: language(),
        }));
        showView('race');
        run();
      },
      onPlan(plan) {
        if (document.body.dataset.view === 'explore') history.replaceState(null, '', exploreHash(plan));
      },
    });
    tuneFair = createTuneFair({
      getScene: () => {
        const race = { function: state.fn.name, opts: specs(), steps: Number($('steps').value),
          noise: Number($('noise').value) || 0, seed: Number($('seed').value) || 0, lang: language() };
        return { fn: race.function, opts: race.opts, steps: race.steps, noise: race.noise, race,
          plan: tuneHash(formatHash({ ...race, starts: [] })) };
      },
      async onRace(opts, starts, scene) {
        applyHash(formatHash({ ...scene.race, opts, starts, view: state.view, lang: language() }));
        await run();
        history.replaceState(null, '', scene.plan); // the link tunes again, then races
      },
    });
    lessons = createLessons($('lessons'), lessonHooks);
    wire();
    if (trainingFirst || lessonFirst || exploreFirst || !applyHash(location.hash)) {
      chooseFunction('rosenbrock', false);
      applyPreset('tuned');
    }
    relabel();
    setState('ready');
    requestAnimationFrame(tick);
    if (trainingFirst) {
      showView('train');
      return;
    }
    if (lessonFirst) {
      showView('lessons', Number(lessonFirst[1]));
      return;
    }
    if (exploreFirst) {
      openExploreHash(location.hash);
      return;
    }
    await loadLandscape();
    if (isTuneHash(location.hash)) tuneFair.start(); // a shared fair race: tune, then race
    else run(); // the first thing a visitor sees: optimizers racing
  } catch (e) {
    setState('error', e.message);
  }
}

main();
