// The page: one state (state.js), the views over it (the race, the training, the explorations,
// the lessons), the router that shows them from the URL's hash, and the keys and window
// events that reach them. This file only makes the modules and wires them together.

import { getJSON } from './api.js';
import { createExploreView } from './explore.js';
import { copyLink } from './exporter.js';
import { setTouch, t, translatePage } from './i18n.js';
import { createLessons } from './lessons.js';
import { FIRST_RACE, SWEEP_SECOND } from './presets.js';
import { createRace } from './race.js';
import { info, specs } from './racerun.js';
import { browserLang, createRouter, lessonHash, routeOf } from './router.js';
import { setKinds } from './scales.js';
import { createBus, createState } from './state.js';
import { setStatus } from './status.js';
import { createTrainingView } from './training.js';
import { createTuneFair, isTuneHash, tuneHash } from './tunefair.js';
import { formatHash, setUnmarkedLang } from './urlstate.js';
import { viewRoutes } from './views.js';

const $ = (id) => document.getElementById(id);
const state = createState();
const bus = createBus();
const views = {}; // each view as the router sees it (createViews)
const router = createRouter(state, bus, views);

/** The views, made once the catalogues are in, and what they tell each other over the bus. */
function createViews() {
  const race = createRace(state, bus);
  const training = createTrainingView(state.optimizers, state.limits.trainings, state.schedules);
  const explore = createExploreView({
    getScene: race.scene,
    info: (key) => info(state, key),
    sweepSecond: (key) => SWEEP_SECOND[key] || null,
    onOpen(opts, start, fn, steps, view, select) {
      race.applyHash(formatHash({ function: fn, opts, starts: [start], steps, view, lang: state.lang }));
      state.selected = select;
      router.go('race', { scene: true }, true);
      race.run();
    },
    onPlan: () => router.replace('explore'),
    limits: state.limits.explorations,
    trainLimits: state.limits.trainability,
  });
  const tuneFair = createTuneFair({ // "Tune fairly" in the race
    getScene: () => {
      const r = { function: state.fn.name, opts: specs(state), steps: Number($('steps').value),
        noise: Number($('noise').value) || 0, seed: Number($('seed').value) || 0, lang: state.lang };
      return { fn: r.function, opts: r.opts, steps: r.steps, noise: r.noise, race: r,
        plan: tuneHash(formatHash({ ...r, starts: [] })) };
    },
    async onRace(opts, starts, scene) {
      race.applyHash(formatHash({ ...scene.race, opts, starts, view: state.extent, lang: state.lang }));
      await race.run();
      history.replaceState(null, '', scene.plan); // the link tunes again, then races
    },
  });
  const lessons = createLessons($('lessons'), {
    async show(scene) {
      race.showScene({ ...scene, view: null });
      await race.loadLandscape();
    },
    play: race.playLesson,
    opened: () => router.replace('lessons'),
  });
  Object.assign(views, viewRoutes({ state, router, copy }, { race, training, explore, lessons }));
  bus.on('url', (view) => router.replace(view));
  bus.on('drawn', () => { if (state.view === 'lessons') lessons.decorate($('equations')); });
  bus.on('played', () => lessons.played());
  bus.on('lang', () => {
    translatePage();
    $('start-lessons').href = lessonHash(1, state.lang);
    $('help-lessons').href = lessonHash(1, state.lang);
    race.relabel();
    training.relabel();
    explore.relabel();
    tuneFair.relabel();
    lessons.relabel();
  });
  return { race, tuneFair };
}

function copy(hash, where) {
  copyLink(`${location.origin}${location.pathname}${hash}`, where, { copied: t('copied'), share: t('share') });
}

function toggleHelp() {
  const help = $('keys');
  if (help.matches(':popover-open')) help.hidePopover();
  else help.showPopover();
}

function wire(race) {
  for (const v of Object.keys(views)) $(`view-${v}`).addEventListener('click', () => router.go(v, {}, true));
  $('lang').addEventListener('click', () => {
    router.setLang(state.lang === 'en' ? 'ko' : 'en');
    router.replace(state.view);
  });
  $('share').addEventListener('click', () => copy(race.hash(), $('status')));
  $('help-lessons').addEventListener('click', () => $('keys').hidePopover());
  $('explore-share').addEventListener('click', () => views.explore.share());
  document.addEventListener('keydown', (e) => {
    if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey) return;
    if (e.target.closest('input, select, textarea, [contenteditable]')) return;
    if (e.key === '?') {
      e.preventDefault();
      toggleHelp();
    } else if (views[state.view].key) views[state.view].key(e);
  });
  router.listen();
  let resizing = 0;
  window.addEventListener('resize', () => { // once the window has settled
    clearTimeout(resizing);
    resizing = setTimeout(() => views[state.view].resize(), 200);
  });
}

async function main() {
  const touch = window.matchMedia('(pointer: coarse)').matches;
  setTouch(touch);
  document.body.dataset.touch = String(touch);
  setUnmarkedLang(browserLang(navigator.languages));
  const first = routeOf(location.hash, browserLang(navigator.languages));
  router.setLang(first.lang);
  translatePage();
  setStatus(state, 'loading');
  try {
    [state.functions, state.optimizers, state.limits, state.schedules] = await Promise.all([
      getJSON('/api/v1/functions'), getJSON('/api/v1/optimizers'), getJSON('/api/v1/limits'),
      getJSON('/api/v1/schedules')]);
    setKinds(state.optimizers);
    for (const f of state.functions) $('function').add(new Option(f.name, f.name));
    const { race, tuneFair } = createViews();
    wire(race);
    if (first.view !== 'race' || !race.applyHash(location.hash)) {
      race.chooseFunction('rosenbrock', false);
      race.applyPreset('tuned', FIRST_RACE);
    }
    bus.emit('lang');
    setStatus(state, 'ready');
    race.start();
    if (first.view !== 'race') {
      views[first.view].follow(first);
      return;
    }
    router.render('race');
    await race.loadLandscape();
    if (isTuneHash(location.hash)) tuneFair.start(); // a shared fair race: tune, then race
    else race.run(); // the first thing a visitor sees: optimizers racing
  } catch (e) {
    setStatus(state, 'error', e.message);
  }
}

main();
