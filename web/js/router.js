// The router: the URL's hash <-> the view shown and the page's language, in state.view and
// state.lang (nothing else writes them). It reads the hash once per change (routeOf, pure),
// shows a view (body[data-view], the view buttons' aria-pressed), keeps the URL of the view
// on show (each view says its own hash) and follows the back button and edited links.
//   #lesson=N[&lang=ko]  the lessons          #training[&lang=ko]  the training view
//   #explore=KIND&...    an exploration        anything else        the race (urlstate.js)

import { parseExploreHash } from './exploreplan.js';
import { setLanguage } from './i18n.js';
import { langParam, parseHash } from './urlstate.js';

export const VIEWS = ['race', 'train', 'explore', 'lessons'];
const LESSON = /^#lesson=(\d+)/;
const TRAINING = '#training';

/**
 * The language a page whose URL names none is shown in: the first of the browser's languages
 * (navigator.languages) that the page speaks, else English.
 */
export function browserLang(languages) {
  for (const l of languages || []) {
    const code = String(l).toLowerCase().slice(0, 2);
    if (code === 'ko' || code === 'en') return code;
  }
  return 'en';
}

/**
 * What a hash asks for: {view, lang} and, for the lessons, the lesson's number; for an
 * exploration its plan (parseExploreHash). fallback: the language of a hash without lang=.
 */
export function routeOf(hash, fallback = 'en') {
  const lesson = LESSON.exec(hash);
  if (lesson) {
    return { view: 'lessons', lesson: Number(lesson[1]), lang: parseHash(hash.replace(LESSON, '')).lang || fallback };
  }
  const plan = parseExploreHash(hash);
  if (plan) return { view: 'explore', plan, lang: plan.lang || fallback };
  if (hash.startsWith(TRAINING)) return { view: 'train', lang: parseHash(hash.slice(TRAINING.length)).lang || fallback };
  return { view: 'race', lang: parseHash(hash).lang || fallback };
}

function langPart(lang) {
  return langParam(lang) ? `&${langParam(lang)}` : '';
}

/** The hash of lesson n. */
export function lessonHash(n, lang) {
  return `#lesson=${n}${langPart(lang)}`;
}

/** The hash of the training view. */
export function trainingHash(lang) {
  return `${TRAINING}${langPart(lang)}`;
}

/** The hash of the explore view without a plan (a link to it computes nothing). */
export function exploreViewHash(lang) {
  return `#explore=basins${langPart(lang)}`;
}

/**
 * The router over state; bus hears 'lang' when the language changed. views[name] (filled
 * in once the views are made) gives hash() (its URL now), show(route) (it is shown) and
 * follow(route) (a new hash names it).
 */
export function createRouter(state, bus, views) {
  /** Marks view as the one on show, without telling it. */
  function render(view) {
    state.view = view;
    document.body.dataset.view = view;
    for (const v of VIEWS) document.getElementById(`view-${v}`).setAttribute('aria-pressed', String(view === v));
  }

  const router = {
    render,
    /**
     * Shows view (route: what a link asked of it, e.g. {lesson: n}); push: a new history entry
     * (Back returns to the view before), which the view's show() then fills with its URL.
     */
    go(view, route = {}, push = false) {
      if (push && state.view !== view) history.pushState(null, '', location.href);
      render(view);
      views[view].show(route);
    },
    /** Puts view's URL in the address bar if view is on show (history is not lengthened). */
    replace(view) {
      if (state.view !== view) return;
      const hash = views[view].hash();
      if (hash) history.replaceState(null, '', hash);
    },
    /** Sets the page's language (bus: 'lang' if it changed). */
    setLang(lang) {
      const changed = lang !== state.lang;
      state.lang = lang;
      setLanguage(lang);
      if (changed) bus.emit('lang', lang);
    },
    /** The hash changed (back button, an edited or followed link): its view follows it. */
    follow() {
      const route = routeOf(location.hash, browserLang(navigator.languages));
      router.setLang(route.lang);
      views[route.view].follow(route);
    },
    /** Follows the hash from now on (once the views are made). */
    listen() {
      window.addEventListener('hashchange', () => router.follow());
    },
  };
  return router;
}
