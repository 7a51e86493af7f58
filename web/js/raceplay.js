// The race's playback and drawing: the run on show (map, loss chart, legend, scrubber), a
// frame drawn whenever what it shows has changed (one key: the run, the step, what has
// arrived, playing, the selection, the language, the view, the map's extent), the play/step/scrub/speed
// controls and their keys. It tells the page through the bus: 'drawn' (a frame was drawn),
// 'played' (the run a lesson started has played to its end).

import { renderEquations } from './equations.js';
import { t } from './i18n.js';
import { buildLegend, updateLegend } from './legend.js';
import { advance, seek as seekTo } from './racerun.js';
import { renderStatus } from './status.js';

const $ = (id) => document.getElementById(id);

/** Playback of state.run on the race's map (landscape.js) and loss chart (loss.js). */
// eslint-disable-next-line max-lines-per-function -- the player's closure over its frame key and clock; each function inside is checked on its own
export function createPlayback(state, bus, { landscape, loss, rates }) {
  let drawn = ''; // the key of the frame drawn last
  let serial = 0; // counts the runs set (and cleared): a new run is a new frame
  let offmapNow = new Set(); // the trajectories off the map at the drawn step
  let lessonRun = null; // the run a lesson started: its end moves the lesson on to explain
  let lastFrame = 0;

  /** Shows run r (null: none) on the map, the loss chart and the legend, from its start. */
  function setRun(r) {
    state.run = r;
    state.step = 0;
    state.position = 0;
    serial += 1;
    landscape.setRun(r);
    loss.setRun(r);
    rates.setRun(r);
    if (r) buildLegend($('legend'), r, select);
    else $('legend').replaceChildren();
    $('scrub').max = r ? r.steps : 0;
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
      rates.update(state.step, state.selected);
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
      + `/${state.selected}/${state.lang}/${state.view}/${landscape.view().join()}`; // a zoom: "off the map" again
    if (key !== drawn) {
      drawn = key;
      draw();
    }
    requestAnimationFrame(tick);
  }

  function seek(step) {
    seekTo(state, step);
  }

  $('play').addEventListener('click', () => {
    if (state.run && state.step >= state.run.steps) seek(0);
    state.playing = !state.playing;
  });
  $('back').addEventListener('click', () => seek(state.step - 1));
  $('forward').addEventListener('click', () => seek(state.step + 1));
  $('scrub').addEventListener('input', () => seek(Number($('scrub').value)));
  $('speed').addEventListener('change', () => { state.speed = Number($('speed').value); });

  return {
    setRun, select, seek,
    /** Starts drawing (once). */
    start() { requestAnimationFrame(tick); },
    /** The next frame is drawn whatever its key (its texts changed language). */
    redraw() { drawn = ''; },
    /** The run a lesson started (null: none): its end is told on the bus ('played'). */
    lessonRun(r) { lessonRun = r; },
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
  };
}
