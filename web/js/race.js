// The race: a function's landscape, the optimizers' runs over it, played back step by step
// with the loss chart, the legend and the equations (raceplay.js). It asks the server for a
// run (its form: raceform.js), follows its stream into state.run, and applies a scene (a
// link's, a lesson's, an exploration cell's). It tells the page through the bus: 'url' (the
// race's URL changed), and through raceplay.js 'drawn' and 'played'.

import { follow, getLandscape, postRun } from './api.js';
import { newEntry } from './controls.js';
import { exportCsv, exportJson, savePng, saveSvg } from './exporter.js';
import { createLandscape } from './landscape.js';
import { createLossChart } from './loss.js';
import { OWN, describe, formulaHtml, isExpression, setupOwnFunction } from './ownfunction.js';
import { createRaceForm } from './raceform.js';
import { createRateChart } from './ratechart.js';
import { createPlayback } from './raceplay.js';
import { fittedView, info, newRun, specs, storeRows } from './racerun.js';
import { colour } from './scales.js';
import { parseSpec } from './spec.js';
import { renderStatus, setStatus } from './status.js';
import { formatHash, parseHash } from './urlstate.js';

const $ = (id) => document.getElementById(id);

/** The race over state; bus carries what it tells the page. */
// eslint-disable-next-line max-lines-per-function -- the race's closure over its map, form, player and key timer; each function inside is checked on its own
export function createRace(state, bus) {
  const form = createRaceForm(state);
  let keyRun = 0; // the run the map's arrow keys start once they have settled
  let pendingStep = null; // a link's step=: where the next run's playback stops

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
    extent: () => state.extent,
    onViewChange(extent) {
      state.extent = extent;
      bus.emit('url', 'race');
      loadLandscape().catch((e) => setStatus(state, 'error', e.message));
    },
    onSelect: (i) => player.select(i),
  });
  const loss = createLossChart($('loss'), { onSeek: (step) => player.seek(step) });
  const rates = createRateChart($('rates'), $('rate-now'));
  const player = createPlayback(state, bus, { landscape, loss, rates });
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
    // a paused playback short of the end: the link opens there
    const paused = state.run && state.accepted && !state.playing && state.step < state.run.steps ? state.step : null;
    return formatHash({ ...v, view: moved ? state.extent : null, step: paused, lang: state.lang });
  }

  function renderStarts() {
    $('starts').textContent = state.starts.map(([x, y]) => `(${+x.toPrecision(4)}, ${+y.toPrecision(4)})`).join(' ');
    landscape.setStarts(state.starts);
  }

  async function loadLandscape() {
    // state.extent is what must be on the map; the map shows it with equal axis scales
    const { view, nx, ny } = landscape.fit(state.extent || state.fn.view);
    const data = await getLandscape(state.fn.name, nx, ny, view, { retries: 60 });
    landscape.setLandscape(data, state.fn);
    if (state.fn.own) $('formula').innerHTML = `<i>f</i>(<i>x</i>, <i>y</i>) = ${formulaHtml(state.fn.formula)}`;
    else $('formula').textContent = `${state.fn.name}: f(x, y) = ${state.fn.formula}`;
    landscape.update(state.step);
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
    document.body.dataset.changed = 'false';
    bus.emit('url', 'race');
    const r = newRun(state, request, body);
    showMap();
    state.playing = true;
    state.selected = state.selected >= 0 && state.selected < r.trajectories.length ? state.selected : 0;
    player.setRun(r);
    const stopAt = pendingStep; // a link's step: playback waits there once the run is in
    pendingStep = null;
    if (Number.isInteger(stopAt)) state.playing = false;
    landscape.select(state.selected);
    state.stop = follow(body.events, {
      onRows(rows) {
        if (state.run === r) storeRows(r, rows);
      },
      onDone(data) {
        if (state.run !== r) return;
        r.diverged = data.diverged_at;
        r.finished = true;
        if (Number.isInteger(stopAt)) player.seek(Math.min(stopAt, r.steps));
        // An own function: the map grows to where its runs went (its minima are unknown).
        const fit = state.fn.own && state.view === 'race' ? fittedView(state.extent, r) : null;
        if (fit) {
          state.extent = fit;
          bus.emit('url', 'race');
          loadLandscape().catch((e) => setStatus(state, 'error', e.message));
        }
        setStatus(state, 'done');
      },
      onError(message) {
        if (state.run === r) setStatus(state, 'error', message);
      },
    });
  }

  /** Brings the map into the window (a phone: a run started below it plays where it is seen). */
  function showMap() {
    const r = $('landscape').getBoundingClientRect();
    if (r.top >= 0 && r.bottom <= window.innerHeight) return;
    $('landscape').scrollIntoView({ block: r.height > window.innerHeight ? 'start' : 'center' });
  }

  /** The function's own view again (a lesson's runs start from the view it was written for). */
  async function resetView() {
    if (state.extent && state.extent.every((x, i) => x === state.fn.view[i])) return;
    state.extent = [...state.fn.view];
    bus.emit('url', 'race');
    await loadLandscape();
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
    pendingStep = Number.isInteger(v.step) ? v.step : null;
    const parsed = v.opts.map((spec) => ({ text: spec, spec: parseSpec(spec) }));
    const known = ({ spec }) => spec && info(state, spec.key);
    const entries = parsed.filter(known).map(({ spec }) => newEntry(spec.key, spec.params, spec.schedule));
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
    document.body.dataset.changed = 'false';
    if (state.stop) state.stop();
    state.stop = null;
    state.playing = false;
    state.accepted = null;
    player.setRun(null);
  }

  /** Shows a scene ({function, opts, starts, steps, view, ...}) ready to run, without a run. */
  function showScene(scene) {
    clear();
    player.lessonRun(null);
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

  function wireButtons() {
    $('run').addEventListener('click', run);
    // Enter in a run setting or an optimizer's field runs, as in a form.
    for (const id of ['entries', 'steps', 'noise', 'seed']) {
      $(id).addEventListener('keydown', (e) => {
        if (e.key !== 'Enter' || !e.target.matches('input[type="text"]')) return;
        e.preventDefault();
        run();
      });
    }
    $('reset-view').addEventListener('click', () => {
      state.extent = [...state.fn.view];
      bus.emit('url', 'race');
      loadLandscape();
    });
    $('map-pan').addEventListener('click', (e) => {
      const on = e.currentTarget.getAttribute('aria-pressed') !== 'true';
      e.currentTarget.setAttribute('aria-pressed', String(on));
      landscape.setPanning(on);
    });
  }

  function wireExports() {
    $('export-json').addEventListener('click', () => state.run && exportJson(state.run));
    $('export-csv').addEventListener('click', () => state.run && exportCsv(state.run));
    const legend = () => (state.run ? state.run.entries.map((e) => ({ label: e.label, colour: e.colour || colour(e.key) })) : []);
    $('save-svg').addEventListener('click', () => saveSvg($('landscape'), `clopt-${state.fn.name}`, legend()));
    $('save-png').addEventListener('click', () => savePng($('landscape'), `clopt-${state.fn.name}`, legend()));
  }

  wireFunctionMenu();
  wireButtons();
  wireExports();

  return {
    hash, run, loadLandscape, chooseFunction, applyHash, showScene, clear,
    applyPreset: form.applyPreset,
    /** Starts drawing (once): a frame whenever what it shows has changed. */
    start: player.start,
    key: player.key,
    /** The scene an exploration starts from. */
    scene: () => ({
      fn: state.fn, functions: state.functions, view: state.extent, opts: specs(state), starts: state.starts,
      steps: Number($('steps').value),
    }),
    /** Runs the scene on show for a lesson; focus.select picks the trajectory to follow. */
    async playLesson(focus) {
      await resetView();
      await run();
      player.lessonRun(state.run);
      if (state.run && focus) player.select(Math.min(focus.select, state.run.trajectories.length - 1));
    },
    /** Every text of the race again, in the current language. */
    relabel() {
      renderStatus(state);
      form.relabel();
      ownField.relabel();
      player.redraw();
    },
  };
}
