// The race's run as data: the catalogue look-ups, a run made from the server's answer, the
// rows of its stream stored, and playback moved on by the clock. Pure: no DOM, tested with
// node's test runner (web/test/race.test.mjs).

import { colour, dash, repeats } from './scales.js';
import { formatSpec } from './spec.js';

// A student follows 500 steps in five seconds at 1×.
export const STEPS_PER_SECOND = 100;

/** The catalogue entry (/api/v1/optimizers) of optimizer key. */
export function info(state, key) {
  return state.optimizers.find((o) => o.key === key);
}

/** The entry of /api/v1/schedules named name (state.schedules), or undefined. */
export function scheduleInfo(state, name) {
  return (state.schedules || []).find((s) => s.name === name);
}

/** An entry's spec text ("adam(lr=0.01, schedule=cosine(steps=500))"). */
function specOf(state, e) {
  return formatSpec(info(state, e.key), e.params, e.schedule, e.schedule && scheduleInfo(state, e.schedule.name));
}

/** The race's optimizers as spec texts ("adam(lr=0.01)"). */
export function specs(state) {
  return state.entries.map((e) => specOf(state, e));
}

/** An entry's spec with the optimizer's display name ("Adam(lr=0.01)"). */
export function label(state, entry) {
  return specOf(state, entry).replace(/^\w+/, info(state, entry.key).name);
}

/**
 * The run the server accepted (body: {id, trajectories}) for request, with state.entries its
 * optimizers: per trajectory its entry k and start s, and x, y, f per step (NaN until the
 * stream brings them); points (each step's state) when the request asked for it.
 */
export function newRun(state, request, body) {
  const n = request.steps + 1;
  const s = request.starts.length;
  const rep = repeats(state.entries.map((e) => e.key));
  const run = {
    id: body.id, request, steps: request.steps, available: -1, finished: false,
    stateLimit: state.limits ? state.limits.runs.state_trajectories : null, // why points may be null
    entries: state.entries.map((e, k) => ({
      k, key: e.key, label: label(state, e), dash: dash(rep[k], e.key), colour: colour(e.key, rep[k]),
      // the rate each step takes (the answer's "rates"), or its lr throughout; "rates" null:
      // the server left them out (more than its runs.rates limit), so lr_e is not known
      rates: (body.rates && body.rates[k]) || null, ratesLeftOut: body.rates === null,
      lr: body.trajectories[k * s]?.optimizer.lr ?? null,
    })),
    trajectories: body.trajectories.map((tr, i) => {
      const k = Math.floor(i / s);
      const o = info(state, state.entries[k].key); // schedule-free: which state value is x
      return { config: tr.optimizer, start: tr.start, k, s: i % s, name: tr.optimizer.name,
        label: label(state, state.entries[k]), dash: dash(rep[k], state.entries[k].key),
        colour: colour(state.entries[k].key, rep[k]),
        average: o.average ? o.state.indexOf(o.average) : -1 };
    }),
    diverged: body.trajectories.map(() => null),
    x: [], y: [], f: [],
    ax: [], ay: [], // schedule-free: the average x (the events' "average"), NaN elsewhere
    points: request.state ? body.trajectories.map(() => new Array(n).fill(null)) : null,
  };
  for (let i = 0; i < run.trajectories.length; i++) {
    for (const a of [run.x, run.y, run.f, run.ax, run.ay]) a.push(new Float64Array(n).fill(NaN));
  }
  return run;
}

/** Stores a step event's rows ([{step, points}], a null point: diverged) into run. */
export function storeRows(run, rows) {
  for (const row of rows) {
    row.points.forEach((p, i) => {
      if (!p) return; // diverged: the done event says when
      run.x[i][row.step] = p[0];
      run.y[i][row.step] = p[1];
      run.f[i][row.step] = p[2];
      if (run.points) run.points[i][row.step] = p;
      const a = run.trajectories[i].average; // with state: x among the state values
      if (a >= 0 && p.length > 6 + 2 * a) {
        [run.ax[i][row.step], run.ay[i][row.step]] = row.step ? [p[5 + 2 * a], p[6 + 2 * a]] : p;
      }
    });
    (row.average || []).forEach((a, i) => { // without state: the events' "average"
      if (a) [run.ax[i][row.step], run.ay[i][row.step]] = a;
    });
    run.available = Math.max(run.available, row.step);
  }
}

/**
 * Moves playback on by dt milliseconds: the position advances at the speed while steps are
 * there to show, and playing stops at the end of a finished run. True while at that end.
 */
export function advance(state, dt) {
  const r = state.run;
  if (r && state.playing && state.step < r.available) {
    state.position = Math.min(r.available, state.position + (dt / 1000) * STEPS_PER_SECOND * state.speed);
    state.step = Math.floor(state.position);
  }
  if (r && r.finished && state.step >= r.steps) {
    state.playing = false;
    return true;
  }
  return false;
}

/** Stops playback at step (the drawing clamps it to what has arrived). */
export function seek(state, step) {
  state.playing = false;
  state.step = step;
  state.position = step;
}

/**
 * The view [x0, x1, y0, y1] grown to hold every point of run r (and its starts), with a
 * margin of a tenth (a diverged run left out); null when they all lie in it already. An own function's map starts as
 * [-2, 2]²: its minima and the runs to them may lie far outside.
 */
export function fittedView(view, r) {
  let [x0, x1, y0, y1] = view;
  let grown = false;
  const take = (x, y) => {
    if (!Number.isFinite(x) || !Number.isFinite(y)) return;
    if (x < x0 || x > x1 || y < y0 || y > y1) grown = true;
    x0 = Math.min(x0, x);
    x1 = Math.max(x1, x);
    y0 = Math.min(y0, y);
    y1 = Math.max(y1, y);
  };
  for (let i = 0; i < r.x.length; i++) {
    if (r.diverged && r.diverged[i] !== null && r.diverged[i] !== undefined) continue; // it would take the map to 1e30
    for (let k = 0; k <= r.available; k++) take(r.x[i][k], r.y[i][k]);
  }
  if (!grown) return null;
  const mx = (x1 - x0) / 10;
  const my = (y1 - y0) / 10;
  return [x0 - mx, x1 + mx, y0 - my, y1 + my].map((v) => Number(v.toPrecision(4)));
}
