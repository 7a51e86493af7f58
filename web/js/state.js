// The page's one state object and the bus that says when a part of it changed. The router
// sets `view` and `lang` (nothing else writes them); the race keeps its run, playback and
// form here; views read what they render from here, never from the DOM.

/** The state of a fresh page. */
export function createState() {
  return {
    view: 'race', // 'race' | 'train' | 'explore' | 'lessons': the view shown (the router's; index.html starts with the race)
    lang: 'en', // 'en' | 'ko' (the router's)
    phase: 'loading', // the race's: loading | ready | running | done | error (status.js)
    error: '', // the message of phase 'error'
    refused: false, // phase 'error' is a run the page did not make
    limits: null, // GET /api/v1/limits
    functions: [],
    optimizers: [],
    schedules: [], // GET /api/v1/schedules: what an optimizer's schedule may be
    fn: null, // the race's function: a catalogue entry or an own expression's description
    extent: null, // the race map's [x0, x1, y0, y1]
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
    settingsServer: {}, // a server refusal of a setting: {id: the reply's body}
  };
}

/** A small event bus: on(name, fn) subscribes, emit(name, value) calls each subscriber. */
export function createBus() {
  const subscribers = new Map();
  return {
    on(name, fn) {
      if (!subscribers.has(name)) subscribers.set(name, []);
      subscribers.get(name).push(fn);
    },
    emit(name, value) {
      for (const fn of subscribers.get(name) || []) fn(value);
    },
  };
}
