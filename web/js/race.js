// The race: a function's landscape, the optimizers' runs over it, played back step by step
// with the loss chart, the legend and the equations. It asks the server for a run, follows
// its stream into state.run and draws from state whenever what is drawn has changed (one
// key: the step, what has arrived, playing, the selection, the language, the view).
// It tells the page through the bus: 'url' (the race's URL changed), 'drawn' (a frame was
// drawn), 'played' (the run a lesson started has played to its end).

import { follow, getLandscape, postRun } from './api.js';
import { renderEquations } from './equations.js';
import { exportCsv, exportJson, savePng, saveSvg } from './exporter.js';
import { t } from './i18n.js';
import { createLandscape } from './landscape.js';
import { buildLegend, updateLegend } from './legend.js';
import { createLossChart } from './loss.js';
import { newEntry } from './controls.js';
import { OWN, describe, formulaHtml, isExpression, setupOwnFunction } from './ownfunction.js';
import { createRaceForm } from './raceform.js';
import { advance, info, newRun, seek as seekTo, specs, storeRows } from './racerun.js';
import { colour } from './scales.js';
import { parseSpec } from './spec.js';
import { renderStatus, setStatus } from './status.js';
import { formatHash, parseHash } from './urlstate.js';

const $ = (id) => document.getElementById(id);

/** The race over state; bus carries what it tells the page. */
// eslint-disable-next-line max-lines-per-function -- the race's closure over its map, chart, timers and frame key; each function inside is checked on its own
export function createRace(state, bus) {
  const form = createRaceForm(state);
  let keyRun = 0; // the run the map's arrow keys start once they have settled
  let drawn = ''; // the key of the frame drawn last
  let serial = 0; // counts the runs set (and cleared): a new run is a new frame
  let offmapNow = new Set(); // the trajectories off the map at the drawn step
  let lessonRun = null; // the run a lesson started: its end moves the lesson on to explain
  let lastFrame = 0;

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
    onViewChange(extent) {
      state.extent = extent;
      bus.emit('url', 'race');
      loadLandscape().catch((e) => setStatus(state, 'error', e.message));
    },
    onSelect: select,
  });
  const loss = createLossChart($('loss'), { onSeek: seek });
  const ownField = setupOwnFunction($('function'), {
    async onValid(fn) {
      chooseFunction(fn.name, false, fn); // the URL follows once the run is accepted
      await loadLandscape();
      run();
    },
  });

  /** The current settings as a hash view (what a run of them would put in the URL). */
  function settingsView() {
    return {
      function: state.fn.name, opts: specs(state), starts: state.starts, steps: state.steps,
      noise: state.noise, seed: state.seed, view: null, lang: state.lang,
    };
  }

  /** The race's URL: the last accepted run, the current zoom and language. */
  function hash() {
    if (!state.fn) return '';
    const v = state.accepted || settingsView();
    const defaultView = (state.functions.find((f) => f.name === v.function) || state.fn).view;
    const moved = state.extent && v.function === state.fn.name
      && state.extent.some((x, i) => x !== defaultView[i]);
    return formatHash({ ...v, view: moved ? state.extent : null, lang: state.lang });
  }

  function renderStarts() {
    $('starts').textContent = state.starts.map(([x, y]) => `(${+x.toPrecision(4)}, ${+y.toPrecision(4)})`).join(' ');
    landscape.setStarts(state.starts);
  }

  async function loadLandscape() {
    let data = null;
    // The server computes landscapes in a queue; when it is full (503, Retry-After: 1), and
    // while an expression's first kernels build, ask again.
    for (let tries = 0; !data; tries++) {
      try {
        data = await getLandscape(state.fn.name, 160, 120, state.extent);
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

  /** Shows run r (null: none) on the map, the loss chart and the legend. */
  function setRun(r) {
    state.run = r;
    state.step = 0;
    state.position = 0;
    serial += 1;
    landscape.setRun(r);
    loss.setRun(r);
    if (r) buildLegend($('legend'), r, select);
    else $('legend').replaceChildren();
    $('scrub').max = r ? r.steps : 0;
  }

  async function run() {
    clearTimeout(keyRun);
    if (form.refuseLocally()) return;
    setStatus(state, 'running');
    const trajectories = state.entries.length * state.starts.length;
    const request = {
      function: state.fn.name, optimizers: specs(state), starts: state.starts, steps: state.steps,
      every: 1, noise: state.noise, seed: state.seed,
      // live numbers (the equations) need each step's state, which the server keeps for so many
      state: trajectories <= state.limits.runs.state_trajectories,
    };
    const view = settingsView();
    const { ok, status, body } = await postRun(request);
    if (!ok) {
      form.showRunError(body, status);
      return;
    }
    // Accepted: the previous run's stream ends here (a refused run leaves it on show).
    if (state.stop) state.stop();
    state.accepted = view;
    document.body.dataset.stale = 'false';
    bus.emit('url', 'race');
    const r = newRun(state, request, body);
    state.playing = true;
    state.selected = state.selected >= 0 && state.selected < r.trajectories.length ? state.selected : 0;
    setRun(r);
    landscape.select(state.selected);
    state.stop = follow(body.events, {
      onRows(rows) {
        if (state.run === r) storeRows(r, rows);
      },
      onDone(data) {
        if (state.run !== r) return;
        r.diverged = data.diverged_at;
        r.finished = true;
        setStatus(state, 'done');
      },
      onError(message) {
        if (state.run === r) setStatus(state, 'error', message);
      },
    });
  }

  function select(i) {
    state.selected = i;
    landscape.select(i);
    updateLegend($('legend'), state.run, i, state.step, offmapNow); // at once: the pressed button answers the click
  }

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
    updateLegend($('legend'), r, state.selected, state.step, offmap);
    renderEquations($('equations'), r, state.selected, state.step, state.optimizers);
    $('play').textContent = t(state.playing ? 'pause' : 'play');
    renderStatus(state);
    bus.emit('drawn');
  }

  function tick(now) {
    const r = state.run;
    const dt = lastFrame ? Math.min(now - lastFrame, 100) : 0;
    lastFrame = now;
    if (advance(state, dt) && r === lessonRun && state.view === 'lessons') bus.emit('played');
    const key = `${serial}/${state.step}/${r ? r.available : -1}/${r ? r.finished : ''}/${state.playing}`
      + `/${state.selected}/${state.lang}/${state.view}`;
    if (key !== drawn) {
      drawn = key;
      draw();
    }
    requestAnimationFrame(tick);
  }

  function seek(step) {
    seekTo(state, step);
  }

  function chooseFunction(name, keepStarts, own = null) {
    state.fn = own || state.functions.find((f) => f.name === name) || state.functions[0];
    $('function').value = state.fn.own ? OWN : state.fn.name;
    if (state.fn.own) ownField.open(state.fn.name);
    else ownField.close();
    state.extent = [...state.fn.view];
    if (!keepStarts) state.starts = [[...state.fn.start]];
    if (state.preset === 'tuned') form.applyPreset('tuned');
    renderStarts();
  }

  /** Applies a hash (from a shared link) to the state; true if it named a function. */
  function applyHash(text) {
    const v = parseHash(text);
    if (!v.function) return false;
    // an expression: the server canonicalizes it (and refuses it with its column if wrong)
    chooseFunction(v.function, false,
      isExpression(v.function) ? describe({ function: v.function, formula: v.function }) : null);
    if (v.view) state.extent = v.view;
    if (v.starts.length) state.starts = v.starts;
    const parsed = v.opts.map((spec) => ({ text: spec, spec: parseSpec(spec) }));
    const known = ({ spec }) => spec && info(state, spec.key);
    const entries = parsed.filter(known).map(({ spec }) => newEntry(spec.key, spec.params));
    form.reportIgnored(v.ignored, parsed.filter((p) => !known(p)).map((p) => p.text));
    if (entries.length) {
      state.entries = entries;
      state.preset = null;
      form.renderPresetNote();
    }
    form.showSettings(v);
    form.renderEntries();
    renderStarts();
    return true;
  }

  /** Stops and forgets the race's run: the scene is about to change under it. */
  function clear() {
    if (state.stop) state.stop();
    state.stop = null;
    state.playing = false;
    state.accepted = null;
    setRun(null);
  }

  /** Shows a scene ({function, opts, starts, steps, view, ...}) ready to run, without a run. */
  function showScene(scene) {
    clear();
    lessonRun = null;
    applyHash(formatHash({ noise: 0, seed: 0, ...scene, lang: state.lang }));
    setStatus(state, 'ready');
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

  function wirePlayback() {
    $('run').addEventListener('click', run);
    $('play').addEventListener('click', () => {
      if (state.run && state.step >= state.run.steps) seek(0);
      state.playing = !state.playing;
    });
    $('back').addEventListener('click', () => seek(state.step - 1));
    $('forward').addEventListener('click', () => seek(state.step + 1));
    $('scrub').addEventListener('input', () => seek(Number($('scrub').value)));
    $('speed').addEventListener('change', () => { state.speed = Number($('speed').value); });
    $('reset-view').addEventListener('click', () => {
      state.extent = [...state.fn.view];
      bus.emit('url', 'race');
      loadLandscape();
    });
  }

  function wireExports() {
    $('export-json').addEventListener('click', () => state.run && exportJson(state.run));
    $('export-csv').addEventListener('click', () => state.run && exportCsv(state.run));
    const legend = () => (state.run ? state.run.entries.map((e) => ({ label: e.label, colour: colour(e.key) })) : []);
    $('save-svg').addEventListener('click', () => saveSvg($('landscape'), `clopt-${state.fn.name}`, legend()));
    $('save-png').addEventListener('click', () => savePng($('landscape'), `clopt-${state.fn.name}`, legend()));
  }

  wireFunctionMenu();
  wirePlayback();
  wireExports();

  return {
    hash, run, loadLandscape, chooseFunction, applyHash, showScene, clear,
    applyPreset: form.applyPreset,
    /** Starts drawing (once): a frame whenever what it shows has changed. */
    start() { requestAnimationFrame(tick); },
    /** The scene an exploration starts from. */
    scene: () => ({
      fn: state.fn, functions: state.functions, view: state.extent, opts: specs(state), starts: state.starts,
      steps: Number($('steps').value),
    }),
    /** Runs the scene on show for a lesson; focus.select picks the trajectory to follow. */
    async playLesson(focus) {
      await run();
      lessonRun = state.run;
      if (state.run && focus) select(Math.min(focus.select, state.run.trajectories.length - 1));
    },
    /** A key on the race: Space plays or pauses, the arrows step. */
    key(e) {
      // A focused button does what it says with Space (Space on Run runs); arrows still step.
      if (e.key === ' ' && e.target.closest('button, a, summary')) return;
      if (e.key === ' ') {
        e.preventDefault();
        $('play').click();
      } else if (e.key === 'ArrowLeft') seek(state.step - 1);
      else if (e.key === 'ArrowRight') seek(state.step + 1);
    },
    /** Every text of the race again, in the current language. */
    relabel() {
      renderStatus(state);
      form.relabel();
      ownField.relabel();
      drawn = '';
    },
  };
}
