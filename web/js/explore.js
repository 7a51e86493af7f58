// The Explore view: basin maps (one run from every cell of the map per optimizer of the
// race), hyperparameter sweeps (one run per value of one or two hyperparameters) and
// trainability maps (a small network trained at every pair of its two layers' learning
// rates, trainplan.js), from POST /api/v1/explorations. The coarse pass is drawn at once
// and the full grid when it arrives. Basins: hue = which known minimum a run reached,
// lighter = sooner, black = diverged, grey = neither, the function's contour lines over it.
// Sweeps: final f above the minimum on a log colour scale, diverged cells black and
// crossed. Trainability: converged blue, diverged orange (trainmap.js). Pointing at a cell
// shows its run's numbers; a click opens the race from that cell (basins) or with those
// values (sweeps), or keeps its numbers below the map (trainability). A rectangle dragged
// (or the wheel turned) on a map zooms: the window is asked for again at the full grid, in
// double once float32 cannot resolve it, and a breadcrumb of the trail's windows goes back
// (instantly: the last results are kept). The plan is in the URL (#explore=..., the window
// with it); the pass can be saved as PNG or CSV.

import {
  cancel, getFloat32, getLandscape, postExploration, stream,
} from './api.js';
import { download } from './exporter.js';
import {
  axisDefault, explorationCsv, explorationRequest, numericHyperparameters, pageField, planProblem, specWith,
  sweepDefaults,
} from './exploreplan.js';
import { basinLegend, drawBasins, drawSweep, savePng, short, sweepLegend } from './exploremaps.js';
import { doubleResolves, planWindow, rectWindow, ResultCache, wheelWindow, withWindow } from './explorewindow.js';
import { precisionLine, renderTrail as renderTrailOf } from './exploretrail.js';
import { TRAIN_FIELDS, trainForm } from './exploretrain.js';
import { problemText, t, words } from './i18n.js';
import { refusalText } from './refusals.js';
import { parseSpec } from './spec.js';
import { dimensionLine, drawTrainability, trainLegend } from './trainmap.js';
import { TRAIN_DEFAULTS } from './trainplan.js';
import { checkValue } from './validate.js';

const FIELDS = { basins: ['x', 'y', 'f', 'converged_at', 'minimum', 'diverged_at'],
  sweep: ['x', 'y', 'f', 'converged_at', 'diverged_at'], trainability: ['measure', 'converged'] };
const INTRO = { basins: 'exploreIntroBasins', sweep: 'exploreIntroSweep', trainability: 'exploreIntroTrain' };
const DONE = { basins: 'exploreDoneBasins', sweep: 'exploreDoneSweep', trainability: 'exploreDoneTrain' };

async function field(url) {
  return (await getFloat32(url)).values;
}

/**
 * The view in element ids explore-*. getScene() gives the race's {fn, functions, view, opts
 * (spec texts), starts, steps}; info(key) a catalogue entry of /api/v1/optimizers;
 * sweepSecond(key) the second axis a sweep of that optimizer starts with; onOpen(specs,
 * start, fn, steps, view, select) opens the race (a basin cell: all the map's optimizers,
 * the clicked one selected; a sweep cell: its optimizer with the cell's values); onPlan(plan) is told each plan that starts (for the URL);
 * limits: GET /api/v1/limits's explorations; trainLimits: its trainability.
 */
// eslint-disable-next-line max-lines-per-function -- the view's closure: the exploration it follows, the maps it shows and the plan are private to it; each function inside is checked on its own
export function createExploreView({ getScene, info, sweepSecond, onOpen, onPlan, limits, trainLimits }) {
  const $ = (id) => document.getElementById(id);
  let kind = 'basins';
  let job = null; // {id, follow, stop, done}: the exploration being followed (follow: its DELETE token)
  let shown = null; // {pass, plan, fields, fn, bar}: what the maps show
  let plan = null; // the plan last started (the URL holds it)
  let linkView = null; // {function, view}: a link's view, until its plan has started
  let linkWindow = null; // a link's trainability window, until its plan has started
  let startFunction = null; // the function whose start the start field holds
  let contourCache = { key: '', data: null };
  let generation = 0; // a newer start makes older passes stale
  let requests = 0; // POSTs made: only the last one's answer counts
  let problem = null; // the error shown: {field, key, args} (worded again on a language switch) or {field, text}
  const cache = new ResultCache(); // request text -> the full pass {pass, fields}: going back is instant
  let trail = []; // the plans of the windows zoomed through, the first the one Explore (or a link) started
  let at = -1; // the trail's plan shown
  let keptCell = null; // {pass, render}: a trainability cell's numbers kept below the map
  let drawnWidth = -1; // the maps' host's width when they were drawn: their size depends on it alone
  let touchZoom = false; // "Zoom box" (touch screens): one finger draws a rectangle instead of scrolling
  const train = trainForm($);

  // --- the form --------------------------------------------------------------------------
  function setKind(k) {
    kind = k;
    document.body.dataset.exploreKind = k;
    for (const b of document.querySelectorAll('[data-explore-kind]')) {
      b.setAttribute('aria-pressed', String(b.dataset.exploreKind === k));
    }
    $('explore-intro').textContent = t(INTRO[k]);
    clearProblem();
    renderScene();
    if (shown && shown.plan.kind !== k) clearMaps(); // the maps of the other kind would read as this one's
  }

  function clearMaps() {
    stopJob();
    shown = null;
    trail = [];
    at = -1;
    $('explore-trail').hidden = true;
    $('explore-precision').textContent = '';
    $('explore-dimension').textContent = '';
    $('explore-cell').textContent = '';
    $('explore-maps').replaceChildren($('explore-hover'));
    $('explore-hover').hidden = true;
    $('explore-legend').replaceChildren();
    $('explore-progress').textContent = '';
    delete document.body.dataset.explorePass;
    for (const id of ['explore-png', 'explore-csv']) $(id).disabled = true;
  }

  /** Stops following the current exploration and cancels it on the server (it may still run). */
  function stopJob() {
    if (!job) return;
    job.stop();
    if (!job.done) cancel('explorations', job);
    job = null;
  }

  function fnOf(name) {
    return getScene().functions.find((f) => f.name === name);
  }

  function renderFunctions() {
    const menu = $('explore-function');
    if (menu.options.length) return;
    for (const f of getScene().functions) menu.add(new Option(f.name, f.name));
  }

  function renderOptimizers(opts) {
    const menu = $('explore-optimizer');
    const before = menu.value;
    menu.replaceChildren(...opts.map((o) => new Option(o, o)));
    if (opts.includes(before)) menu.value = before;
  }

  /** The fields of sweep axis a (0, 1): hyperparameter, from, to, points, log scale. */
  function buildAxis(row) {
    const a = row.dataset.axis;
    const id = (part) => `explore-vary${a}-${part}`;
    const text = (part, size, numeric) => `<input id="${id(part)}" type="text" size="${size}"${numeric ? ' inputmode="numeric"' : ''}>`;
    row.innerHTML = `<label><span data-i18n="${a === '0' ? 'exploreVary' : 'exploreAnd'}"></span> <select id="${id('name')}"></select></label>`
      + `<label><span data-i18n="exploreFrom"></span> ${text('lo', 7)}</label>`
      + `<label><span data-i18n="exploreTo"></span> ${text('hi', 7)}</label>`
      + `<label><span data-i18n="explorePoints"></span> ${text('n', 4, true)}</label>`
      + `<label><input id="${id('log')}" type="checkbox"> <span data-i18n="exploreLog"></span></label>`;
  }

  function axisRow(a) {
    return {
      name: $(`explore-vary${a}-name`), lo: $(`explore-vary${a}-lo`), hi: $(`explore-vary${a}-hi`),
      n: $(`explore-vary${a}-n`), log: $(`explore-vary${a}-log`),
    };
  }

  function setAxis(a, v) {
    const row = axisRow(a);
    row.name.value = v ? v.name : '';
    row.lo.value = v ? v.lo : '';
    row.hi.value = v ? v.hi : '';
    row.n.value = v ? v.n : '';
    row.log.checked = !!(v && v.log);
    for (const el of [row.lo, row.hi, row.n, row.log]) el.disabled = !v;
  }

  /** Fills the sweep's axis menus for the chosen optimizer, with its defaults when asked. */
  function renderAxes(defaults) {
    const spec = parseSpec($('explore-optimizer').value);
    const entry = spec && info(spec.key);
    if (!entry) return;
    const numeric = numericHyperparameters(entry);
    for (const a of [0, 1]) {
      const menu = axisRow(a).name;
      const before = menu.value;
      const options = numeric.map((h) => new Option(`${h.name} · ${words(h)}`, h.name));
      if (a === 1) options.unshift(new Option(t('exploreNone'), ''));
      menu.replaceChildren(...options);
      if (!defaults && [...menu.options].some((o) => o.value === before)) menu.value = before;
    }
    if (defaults) {
      const axes = sweepDefaults(entry, spec.params, sweepSecond(entry.key));
      setAxis(0, axes[0]);
      setAxis(1, axes[1] || null);
    }
  }

  /** The defaults of one axis when its hyperparameter is chosen. */
  function onAxisName(a) {
    const spec = parseSpec($('explore-optimizer').value);
    const entry = spec && info(spec.key);
    const name = axisRow(a).name.value;
    setAxis(a, entry && name ? axisDefault(entry, spec.params, name, Number(axisRow(a).n.value) || 64) : null);
  }

  /** Takes the race's scene into the form: function, view, optimizers, start, steps. */
  function syncFromRace() {
    const scene = getScene();
    renderFunctions();
    if (scene.fn.own) {
      $('explore-function').value = '';
    } else {
      $('explore-function').value = scene.fn.name;
    }
    $('explore-steps').value = scene.steps;
    // The start is the view's own once taken: a race started from a cell (or a start clicked
    // on the race's map) does not move a sweep's start; another function brings its own.
    if (startFunction !== scene.fn.name) $('explore-start-point').value = scene.starts[0].map(short).join(', ');
    startFunction = scene.fn.name;
    const before = $('explore-optimizer').value;
    renderOptimizers(scene.opts);
    renderAxes(before !== $('explore-optimizer').value);
    renderScene();
  }

  function renderScene() {
    const scene = getScene();
    if (!scene.fn) return; // before the catalogue has come
    const name = $('explore-function').value;
    $('explore-own').textContent = !name && scene.fn.own ? t('exploreOwn') : '';
    $('explore-start').disabled = kind !== 'trainability' && !name;
    $('explore-opts').textContent = kind === 'basins'
      ? t('exploreOpts', { opts: scene.opts.join(', ') }) : '';
  }

  /** The plan the form describes: {kind, function, opts, starts, view, steps, grid, vary}, or a trainability map's (trainplan.js). */
  function formPlan() {
    if (kind === 'trainability') {
      const p = train.plan();
      return linkWindow ? { ...p, window: linkWindow } : p;
    }
    const scene = getScene();
    const fname = $('explore-function').value;
    const fn = fnOf(fname);
    const sameFunction = fn && scene.fn.name === fn.name;
    const point = $('explore-start-point').value.split(',').map((s) => Number(s.trim()));
    const vary = [];
    for (const a of [0, 1]) {
      const row = axisRow(a);
      if (!row.name.value) continue;
      vary.push({ name: row.name.value, lo: Number(row.lo.value.trim() || NaN), hi: Number(row.hi.value.trim() || NaN),
        n: Number(row.n.value.trim() || NaN), log: row.log.checked });
    }
    return {
      kind, function: fname, fn,
      opts: kind === 'basins' ? scene.opts : [$('explore-optimizer').value],
      view: (linkView && linkView.function === fname && linkView.view) || (sameFunction ? scene.view : fn && fn.view),
      starts: [point.length === 2 && point.every(Number.isFinite) ? point : null],
      steps: Number($('explore-steps').value),
      grid: Number($('explore-grid').value.trim() || NaN),
      vary,
    };
  }

  function clearProblem() {
    problem = null;
    $('explore-error').textContent = '';
    for (const el of document.querySelectorAll('#explore [aria-invalid]')) el.removeAttribute('aria-invalid');
  }

  /**
   * Shows p ({field, key, args}, {field, render: () => text} or {field, text}: the first two
   * are worded again on a language switch) and marks its field.
   */
  function showProblem(p) {
    problem = p;
    $('explore-error').textContent = p.render ? p.render() : p.key ? t(p.key, p.args) : p.text;
    const target = {
      grid: 'explore-grid', steps: 'explore-steps', start: 'explore-start-point', vary0: 'explore-vary0-lo',
      vary1: 'explore-vary1-lo', 'vary0-hi': 'explore-vary0-hi', 'vary1-hi': 'explore-vary1-hi',
      optimizer: 'explore-optimizer', optimizers: 'explore-function', function: 'explore-function',
      ...(kind === 'trainability' ? TRAIN_FIELDS : {}),
    }[p.field];
    if (target) $(target).setAttribute('aria-invalid', 'true');
  }

  /** A swept value outside its hyperparameter's range (the catalogue's), as the race words it. */
  function rangeProblem() {
    const spec = parseSpec($('explore-optimizer').value);
    const entry = spec && info(spec.key);
    if (!entry) return null;
    for (const a of [0, 1]) {
      const row = axisRow(a);
      const h = entry.hyperparameters.find((p) => p.name === row.name.value);
      if (!h) continue;
      for (const [end, input] of [['', row.lo], ['-hi', row.hi]]) {
        const r = checkValue(input.value, h.range);
        if (r.problem) return { field: `vary${a}${end}`, render: () => problemText(r.problem, words(h), h.name) };
      }
    }
    return null;
  }

  // --- the maps ---------------------------------------------------------------------------
  function contourData(fn, view) {
    const key = `${fn.name}|${view.join(',')}`;
    if (contourCache.key !== key) {
      const data = getLandscape(fn.name, 96, 96, view).catch(() => {
        if (contourCache.key === key) contourCache = { key: '', data: null }; // asked again next time
        return null;
      });
      contourCache = { key, data };
    }
    return contourCache.data;
  }

  /** Draws what `shown` holds at the host's present width. */
  function draw(mine) {
    const { pass, plan: p, fields, fn } = shown;
    const host = $('explore-maps');
    drawnWidth = host.getBoundingClientRect().width;
    // a map focused from the keyboard (not by a click or a zoom's drag) keeps its outlined cell
    const focused = document.activeElement && document.activeElement.matches(':focus-visible')
      && document.activeElement.closest('#explore-maps canvas');
    const tip = $('explore-hover');
    let figs;
    $('explore-dimension').textContent = '';
    if (p.kind === 'trainability') {
      figs = drawTrainability({ host, tip, pass, fields, zoom: zoomHandlers(), open: keepCell });
      trainLegend($('explore-legend'));
      $('explore-dimension').textContent = dimensionLine(pass);
      renderKept();
    } else if (p.kind === 'basins') {
      figs = drawBasins({
        host, tip, pass, plan: p, fields, fn, contours: contourData(fn, pass.view),
        stale: () => mine !== generation,
        open: (m, from) => onOpen(p.opts, from, fn.name, p.steps, pass.view, m),
        zoom: zoomHandlers(),
      });
      basinLegend($('explore-legend'), fn, p.steps);
    } else {
      const entry = info(parseSpec(p.opts[0]).key);
      const drawn = drawSweep({
        host, tip, pass, plan: p, fields, fn,
        open: (values) => onOpen([specWith(entry, p.opts[0], values)], p.starts[0], fn.name, p.steps, null, 0),
        zoom: zoomHandlers(),
      });
      figs = drawn.figs;
      shown.bar = drawn.bar;
      sweepLegend($('explore-legend'), drawn.bar);
    }
    host.replaceChildren(...figs, tip);
    tip.hidden = true;
    if (focused) { // keyboard users keep their place when the full pass replaces the coarse one
      const again = host.querySelector(`canvas[data-map="${focused.dataset.map}"]`);
      if (again) again.focus();
    }
  }

  /** Keeps a trainability cell's lines (render(): worded in the page's language) below the map: a click, a second tap, Enter. */
  function keepCell(render) {
    keptCell = { pass: shown.pass, render };
    renderKept();
  }

  /** The kept cell's line, while the pass it belongs to is shown. */
  function renderKept() {
    $('explore-cell').textContent = keptCell && shown && keptCell.pass === shown.pass ? keptCell.render().join(' · ') : '';
  }

  // --- the job ---------------------------------------------------------------------------
  async function onPass(pass, p, fn, mine) {
    const names = FIELDS[p.kind];
    const arrays = await Promise.all(names.map((n) => field(pass.fields[n])));
    // a newer exploration, or the full pass already drawn (its fields came first)
    if (mine !== generation || (shown && shown.mine === mine && shown.pass.pass > pass.pass)) return;
    shown = { pass, plan: p, fields: Object.fromEntries(names.map((n, i) => [n, arrays[i]])), fn, mine };
    if (!pass.coarse) cache.set(requestKey(p), { pass, fields: shown.fields }, arrays.length * arrays[0].length);
    showPass('server');
  }

  /** Draws `shown` and says so; from: 'server' or 'cache' (data-explore-from, for tests). */
  function showPass(from) {
    draw(shown.mine);
    document.body.dataset.explorePass = String(shown.pass.pass);
    document.body.dataset.exploreFrom = from;
    $('explore-progress').textContent = progressText();
    for (const id of ['explore-png', 'explore-csv']) $(id).disabled = false;
  }

  const requestKey = (p) => JSON.stringify(explorationRequest(p));

  // --- zoom ------------------------------------------------------------------------------
  /** The window of the picture shown, with the cells it was drawn at (a coarse pass has fewer). */
  function drawnWindow() {
    const axes = planWindow(shown.plan);
    const [, ny, nx] = shown.pass.shape;
    return axes.map((a, i) => ({ ...a, n: i === 0 ? nx : ny }));
  }

  /** What a map does with a rectangle, a wheel's turn or + and -. */
  function zoomHandlers() {
    const full = (axes) => axes.map((a, i) => ({ ...a, n: planWindow(shown.plan)[i].n }));
    const root = () => planWindow(trail[0]);
    return {
      touchZoom: () => touchZoom,
      onRect: (f) => zoomTo(full(rectWindow(drawnWindow(), f, root(), { keepAspect: shown.plan.kind !== 'sweep' }))),
      onWheel: (f) => zoomTo(full(wheelWindow(drawnWindow(), f, root()))),
    };
  }

  /** Computes window `axes` of the plan shown as the trail's next window (after the one shown). */
  function zoomTo(axes) {
    if (!shown || !trail.length) return;
    if (!doubleResolves(axes)) {
      showProblem({ field: '', key: 'exploreZoomLimit' });
      return;
    }
    const p = withWindow(shown.plan, axes);
    if (requestKey(p) === requestKey(shown.plan)) return; // at the root's edge already
    send(p, () => {
      trail = [...trail.slice(0, at + 1), p];
      at = trail.length - 1;
    });
  }

  /** Goes back (or forward) to window k of the trail: from the cache when it is kept. */
  function pick(k) {
    if (k === at && plan === trail[k]) return;
    send(trail[k], () => { at = k; });
  }

  /** The breadcrumb and the precision line of the trail's window shown. */
  function renderTrail() {
    renderTrailOf($('explore-trail'), trail, at, pick);
    $('explore-precision').textContent = precisionLine(plan, at > 0);
    document.body.dataset.explorePrecision = plan ? plan.precision || 'float' : '';
  }

  /** Shows plan p's full pass from the cache (no request): the trail's step back is instant. */
  function showCached(p, kept) {
    stopJob();
    generation += 1;
    plan = p;
    linkView = null;
    linkWindow = null;
    onPlan(p);
    if (p.kind === 'sweep') p.vary.forEach((v, a) => setAxis(a, v));
    shown = { pass: kept.pass, plan: p, fields: kept.fields, fn: p.fn, mine: generation };
    showPass('cache');
  }

  function progressText() {
    if (!shown) return '';
    if (shown.pass.coarse) return t('exploreCoarse');
    return t(DONE[shown.plan.kind]);
  }

  async function start() {
    clearProblem();
    const p = formPlan();
    if (p.kind !== 'trainability' && !p.fn) {
      showProblem({ field: 'function', key: 'exploreOwn' });
      return;
    }
    if (p.kind !== 'trainability' && (!Number.isInteger(p.steps) || p.steps < 1 || p.steps > limits.steps)) {
      showProblem({ field: 'steps', key: 'exploreBadSteps', args: { max: limits.steps } });
      return;
    }
    if (p.kind === 'sweep' && !p.starts[0]) {
      showProblem({ field: 'start', key: 'exploreBadStart' });
      return;
    }
    const local = (p.kind === 'sweep' && rangeProblem()) || planProblem(p, p.kind === 'trainability' ? trainLimits : limits);
    if (local) {
      showProblem(local);
      return;
    }
    const whole = withWindow(p, planWindow(p)); // the precision its window needs
    await send(whole, () => {
      trail = [whole];
      at = 0;
    });
  }

  /**
   * Computes plan p (or shows it from the cache); taken() runs once it is shown or the
   * server has taken it, before the trail is drawn again. A refusal leaves all as it was.
   */
  async function send(p, taken) {
    clearProblem();
    const kept = cache.get(requestKey(p));
    if (kept) {
      requests += 1; // an answer still on its way no longer counts
      taken();
      showCached(p, kept);
      renderTrail();
      return;
    }
    const ticket = ++requests;
    let r;
    try {
      r = await postExploration(explorationRequest(p));
    } catch (e) {
      if (ticket === requests) showProblem({ field: '', key: 'exploreNetwork', args: { error: e.message } });
      return;
    }
    if (ticket !== requests) return; // a newer plan was sent meanwhile
    const { body } = r;
    if (!r.ok) { // what is shown stays, and so does the exploration it follows
      showProblem(r.status === 503 ? { field: '', key: 'exploreBusy' }
        : { field: pageField(body.field), render: () => refusalText(body) });
      return;
    }
    if (job && job.id === body.id) { // the same request: the same exploration, followed again from its start
      job.stop();
      if (!job.done) cancel('explorations', job); // the earlier POST's follow: the new one holds it
      job = null;
    } else stopJob();
    generation += 1;
    const mine = generation;
    plan = p;
    linkView = null;
    linkWindow = null;
    taken();
    onPlan(p); // the URL holds what the server took
    if (p.kind === 'sweep') p.vary.forEach((v, a) => setAxis(a, v));
    renderTrail();
    delete document.body.dataset.explorePass;
    $('explore-progress').textContent = t('exploreRunning');
    follow(body, p, mine);
  }

  /** Follows the exploration the server took for plan p (body: its id and events). */
  function follow(body, p, mine) {
    const followed = { id: body.id, follow: body.follow, stop: null, done: false };
    job = followed;
    followed.stop = stream(body.events, {
      pass(data) {
        onPass(data, p, p.fn, mine).catch((err) => {
          if (mine === generation) showProblem({ field: '', text: err.message });
        });
      },
      done() { followed.done = true; },
    }, (message) => {
      if (followed.done || mine !== generation) return;
      showProblem(message ? { field: '', text: message } : { field: '', key: 'exploreLost' });
      $('explore-progress').textContent = '';
    }, { reconnect: false });
  }

  // --- exports ---------------------------------------------------------------------------
  function fileName(ext) {
    const p = shown.plan;
    const what = p.kind === 'trainability' ? `w${p.width}-${p.activation}` : p.function;
    return `clopt-explore-${p.kind}-${what}.${ext}`;
  }

  function saveCsv() {
    download(new Blob([explorationCsv(shown.pass, shown.fields, shown.plan.opts)], { type: 'text/csv' }), fileName('csv'));
  }

  // --- wiring ----------------------------------------------------------------------------
  for (const row of document.querySelectorAll('#explore [data-axis]')) buildAxis(row);
  for (const b of document.querySelectorAll('[data-explore-kind]')) {
    b.addEventListener('click', () => setKind(b.dataset.exploreKind));
  }
  $('explore-function').addEventListener('change', () => { linkView = null; renderScene(); });
  $('explore-optimizer').addEventListener('change', () => renderAxes(true));
  for (const a of [0, 1]) axisRow(a).name.addEventListener('change', () => onAxisName(a));
  $('explore-form').addEventListener('submit', (e) => {
    e.preventDefault();
    start();
  });
  $('explore-png').addEventListener('click', () => {
    if (shown) savePng($('explore-maps'), $('explore-legend'), fileName('png'));
  });
  $('explore-csv').addEventListener('click', () => { if (shown) saveCsv(); });
  $('explore-zoom-touch').addEventListener('click', () => {
    touchZoom = !touchZoom;
    $('explore-zoom-touch').setAttribute('aria-pressed', String(touchZoom));
    $('explore-maps').classList.toggle('zooming', touchZoom);
  });
  setKind('basins');

  return {
    /** The view is shown: the form takes the race's scene. */
    shown() {
      syncFromRace();
      if (shown) draw(shown.mine); // drawn while hidden, or the window changed meanwhile
    },
    /** The window changed size. */
    /**
     * The window changed size: the maps are drawn again when their host's width changed. A
     * change of height alone (a phone's address bar, a full-page screenshot) leaves them, and
     * a drag begun on them, as they are: drawing them anew replaced the canvas under a
     * pressed mouse, whose release then reached a canvas that had seen no press.
     */
    resize() {
      if (shown && $('explore-maps').getBoundingClientRect().width !== drawnWidth) draw(shown.mine);
    },
    /** Opens a plan from a link (parseExploreHash) and computes it. */
    load(v) {
      syncFromRace();
      setKind(v.kind);
      if (v.kind === 'trainability') {
        train.fill({ width: v.width, activation: v.activation, steps: v.steps, grid: v.grid, seed: v.seed, chosen: v.chosen });
        linkWindow = v.window || [...TRAIN_DEFAULTS.window];
        $('explore-note').textContent = v.ignored.length ? t('exploreIgnored', { parts: v.ignored.join(', ') }) : '';
        start();
        return;
      }
      const known = v.function && getScene().functions.some((f) => f.name === v.function);
      if (known) $('explore-function').value = v.function;
      if (v.steps) $('explore-steps').value = v.steps;
      if (v.grid) $('explore-grid').value = v.grid;
      if (v.starts.length) $('explore-start-point').value = v.starts[0].join(', ');
      if (known) startFunction = v.function;
      if (v.kind === 'sweep') {
        if (v.opts.length) {
          renderOptimizers(v.opts.slice(0, 1));
          renderAxes(true);
        }
        if (v.vary.length) {
          for (const a of [0, 1]) setAxis(a, v.vary[a] || null);
        }
      }
      linkView = v.view && v.kind === 'basins' ? { function: v.function, view: v.view } : null;
      renderScene();
      $('explore-note').textContent = v.ignored.length ? t('exploreIgnored', { parts: v.ignored.join(', ') }) : '';
      if (v.function && !known) showProblem({ field: 'function', key: 'exploreUnknownFunction', args: { name: v.function } });
      else if (v.function) start();
    },
    /** The plan last started, or null. */
    plan: () => plan,
    relabel() {
      $('explore-intro').textContent = t(INTRO[kind]);
      renderScene();
      renderAxes(false);
      if (problem) showProblem(problem);
      renderTrail();
      if (shown) {
        $('explore-progress').textContent = progressText();
        draw(shown.mine);
      }
    },
  };
}
