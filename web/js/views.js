// Each view as the router (router.js) sees it: hash() its URL now, show(route) when it is
// shown, follow(route) when a new hash names it, key(e) and resize() when they reach it.
// page: {state, router, copy(hash, where)}.

import { formatExploreHash } from './exploreplan.js';
import { exploreViewHash, lessonHash, trainingHash } from './router.js';
import { setStatus } from './status.js';
import { parseHash } from './urlstate.js';

/** The router's table of the four views. */
export function viewRoutes(page, { race, training, explore, lessons }) {
  // The race's own settings while a lesson shows its scenes on the race's map: the race gets
  // them back when it is shown again (kept.race: its hash).
  const kept = { race: null, keep() { if (kept.race === null) kept.race = race.hash(); } };
  return {
    race: raceRoute(page, race, kept), train: trainRoute(page, training),
    explore: exploreRoute(page, explore, race), lessons: lessonsRoute(page, lessons, race, kept),
  };
}

/** The race as the router sees it; route.scene: it was given a scene to show (an exploration's cell). */
function raceRoute({ state, router }, race, kept) {
  return {
    hash: race.hash,
    show({ scene } = {}) {
      const own = scene ? null : kept.race;
      kept.race = null;
      if (own) {
        race.clear();
        race.applyHash(own);
      }
      router.replace('race');
      race.loadLandscape().then(() => { if (!state.run) race.run(); });
    },
    async follow() {
      kept.race = null;
      if (location.hash === race.hash()) {
        if (state.view !== 'race') router.go('race');
        return;
      }
      if (!parseHash(location.hash).function) return;
      race.clear(); // the run on show is another scene's (a lesson's): the link's replaces it
      if (!race.applyHash(location.hash)) return;
      if (state.view !== 'race') router.go('race');
      await race.loadLandscape();
      race.run();
    },
    key: race.key,
    resize: () => race.loadLandscape(),
  };
}

/** The training view as the router sees it. */
function trainRoute({ state, router }, training) {
  return {
    hash: () => trainingHash(state.lang),
    show() {
      router.replace('train');
      training.resize();
    },
    follow: () => router.go('train'),
    resize: () => training.resize(),
  };
}

/** The explore view as the router sees it. */
function exploreRoute({ state, router, copy }, explore, race) {
  const exploreHash = (plan) => formatExploreHash({ ...plan, lang: state.lang });
  return {
    hash: () => (explore.plan() ? exploreHash(explore.plan()) : exploreViewHash(state.lang)),
    show() {
      explore.shown();
      router.replace('explore');
    },
    /** Opens an exploration from a link: the race takes its scene, then the view computes it. */
    follow({ plan }) {
      if (explore.plan() && location.hash === exploreHash(explore.plan())) {
        if (state.view !== 'explore') router.go('explore');
        return;
      }
      // the link's scene is the race's too (an exploration starts from the race's scene)
      if (plan.function) race.showScene({ ...plan, view: plan.kind === 'basins' ? plan.view : null, noise: 0 });
      router.go('explore');
      explore.load(plan);
    },
    share: () => explore.plan() && copy(exploreHash(explore.plan()), document.getElementById('explore-progress')),
    resize: () => explore.resize(),
  };
}

/** The lessons as the router sees them (on the race's map: the race answers their keys too). */
function lessonsRoute({ state, router }, lessons, race, kept) {
  return {
    hash: () => lessonHash(lessons.lastOpened(), state.lang),
    show({ lesson }) {
      kept.keep();
      lessons.open(lesson || lessons.lastOpened()).catch((e) => setStatus(state, 'error', e.message));
    },
    follow({ lesson }) {
      if (lesson !== lessons.lastOpened() || state.view !== 'lessons') router.go('lessons', { lesson });
    },
    key(e) {
      if (lessons.key(e)) e.preventDefault();
      else race.key(e);
    },
    resize: () => race.loadLandscape(),
  };
}
