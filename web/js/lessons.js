// The Lessons view: a guided course in gradient descent methods (lessondata.js), one lesson
// at a time on the race's map, loss chart and equations. Each lesson goes predict (a question
// answered before the run is shown) -> run (the race plays) -> explain (why, and try-this
// buttons that change one thing and rerun). Contract for the browser tests: the list's items
// have data-lesson="N"; the open lesson's root has data-lesson-open="N" and
// data-phase="predict|run|explain". Progress (the last lesson, the lessons finished) is kept
// in localStorage.

import { language, t } from './i18n.js';
import { LESSONS, tryScene } from './lessondata.js';

const STORE = 'clopt.lessons';

function loadProgress() {
  try {
    const p = JSON.parse(localStorage.getItem(STORE) || '{}');
    return { last: Number(p.last) || 1, done: Array.isArray(p.done) ? p.done.filter(Number.isInteger) : [] };
  } catch {
    return { last: 1, done: [] };
  }
}

function saveProgress(p) {
  try {
    localStorage.setItem(STORE, JSON.stringify(p));
  } catch { /* private windows may refuse: progress is then not remembered */ }
}

const el = (tag, props = {}, ...children) => {
  const e = document.createElement(tag);
  Object.assign(e, props);
  e.append(...children);
  return e;
};

/**
 * The view in `root` (a section with #lesson-list and #lesson-card). `hooks`:
 *   show(scene, focus): loads the scene (function, optimizers, starts, settings) without
 *     running it; returns a promise.
 *   play(focus): runs the loaded scene and plays it; returns a promise (resolved once accepted).
 *   opened(n): the lesson n is on show (the page writes #lesson=N).
 */
// eslint-disable-next-line max-lines-per-function -- the view's closure over the open lesson and the progress; each function inside is checked on its own
export function createLessons(root, hooks) {
  const list = root.querySelector('#lesson-list');
  const card = root.querySelector('#lesson-card');
  const progress = loadProgress();
  const current = { n: 0, phase: 'predict', chosen: -1, tried: -1, scene: null };

  function lesson() {
    return LESSONS[current.n - 1];
  }

  function renderList() {
    const text = (l) => l[language()] || l.en;
    list.replaceChildren(...LESSONS.map((l) => {
      const b = el('button', { type: 'button', textContent: String(l.n), title: text(l).title });
      b.dataset.lesson = String(l.n);
      b.setAttribute('aria-label', `${l.n}. ${text(l).title}${progress.done.includes(l.n) ? ` (${t('lessonDone')})` : ''}`);
      if (progress.done.includes(l.n)) b.classList.add('done');
      if (l.n === current.n) b.setAttribute('aria-current', 'step');
      b.addEventListener('click', () => open(l.n));
      return b;
    }));
  }

  function renderCard() {
    const l = lesson();
    if (!l) return;
    const x = l[language()] || l.en;
    card.dataset.lessonOpen = String(l.n);
    card.dataset.phase = current.phase;
    const parts = [
      el('h2', { id: 'lesson-title', textContent: `${t('lessonN', { n: l.n, of: LESSONS.length })} · ${x.title}` }),
      el('p', { className: 'lesson-intro', textContent: x.intro }),
      el('p', { className: 'lesson-question', textContent: x.question }),
    ];
    const choices = el('div', { className: 'lesson-choices' });
    choices.setAttribute('role', 'group');
    choices.setAttribute('aria-label', x.question);
    x.choices.forEach((c, i) => {
      const b = el('button', { type: 'button', textContent: c });
      b.dataset.choice = String(i);
      if (current.chosen >= 0) {
        b.disabled = true;
        if (i === l.answer) b.classList.add('right');
        if (i === current.chosen && i !== l.answer) b.classList.add('wrong');
        b.setAttribute('aria-pressed', String(i === current.chosen));
      }
      b.addEventListener('click', () => choose(i));
      choices.append(b);
    });
    parts.push(choices, ...afterChoice(l, x));
    const nav = el('div', { className: 'lesson-nav row' });
    const prev = el('button', { type: 'button', id: 'lesson-prev', textContent: `← ${t('lessonPrev')}`, disabled: l.n === 1 });
    const next = el('button', { type: 'button', id: 'lesson-next', textContent: `${t('lessonNext')} →`, disabled: l.n === LESSONS.length });
    prev.addEventListener('click', () => step(-1));
    next.addEventListener('click', () => step(1));
    nav.append(prev, next);
    parts.push(nav);
    const was = document.activeElement && card.contains(document.activeElement) ? document.activeElement : null;
    card.replaceChildren(...parts);
    if (was) refocus(was);
  }

  /** Keeps the keyboard where it was when the card is redrawn in place (was: the old element). */
  function refocus(was) {
    let now = null;
    if (was.id) now = card.querySelector(`#${was.id}`);
    else if (was.dataset.choice !== undefined) now = card.querySelector(`[data-choice="${was.dataset.choice}"]`);
    else if (was.dataset.try !== undefined) now = card.querySelector(`[data-try="${was.dataset.try}"]`);
    if (now && now.disabled) now = card.querySelector('#lesson-verdict');
    now?.focus({ preventScroll: true });
  }

  /** What follows the choices of lesson l (x: its texts): the verdict, the why, the try-this buttons. */
  function afterChoice(l, x) {
    const parts = [];
    if (current.chosen >= 0) {
      const verdict = el('p', {
        className: `lesson-verdict ${current.chosen === l.answer ? 'right' : 'wrong'}`,
        textContent: current.chosen === l.answer ? t('lessonRight') : t('lessonWrong'),
      });
      verdict.setAttribute('role', 'status');
      verdict.id = 'lesson-verdict';
      verdict.tabIndex = -1; // the keyboard lands here once the chosen answer is disabled
      parts.push(verdict);
    }
    if (current.phase === 'run' && current.tried < 0) parts.push(el('p', { className: 'note', textContent: t('lessonWatch') }));
    if (current.phase === 'explain' || current.tried >= 0) {
      parts.push(el('h3', { textContent: t('lessonWhy') }), el('p', { className: 'lesson-explain', textContent: x.explain }));
      const tries = el('div', { className: 'lesson-tries row' });
      l.tries.forEach((tr, i) => {
        const b = el('button', { type: 'button', textContent: (tr[language()] || tr.en).label });
        b.dataset.try = String(i);
        b.setAttribute('aria-pressed', String(i === current.tried));
        // aria-disabled, not disabled: a focused button that is disabled drops the focus to the page
        b.setAttribute('aria-disabled', String(current.phase === 'run'));
        b.addEventListener('click', () => { if (current.phase !== 'run') tryThis(i); });
        tries.append(b);
      });
      parts.push(el('h3', { textContent: t('lessonTry') }), tries);
      if (current.tried >= 0) {
        parts.push(el('p', { className: 'lesson-try-note', textContent: (l.tries[current.tried][language()] || l.tries[current.tried].en).note }));
      }
    }
    return parts;
  }

  function setPhase(phase) {
    current.phase = phase;
    renderCard();
  }

  /** Opens lesson n (clamped to the list) in its predict phase. */
  async function open(n) {
    const k = Math.min(Math.max(1, Math.round(Number(n)) || 1), LESSONS.length);
    const moved = k !== current.n;
    Object.assign(current, { n: k, phase: 'predict', chosen: -1, tried: -1, scene: LESSONS[k - 1].scene });
    progress.last = k;
    saveProgress(progress);
    renderList();
    renderCard();
    if (moved) card.querySelector('[data-choice="0"]')?.focus({ preventScroll: true });
    hooks.opened(k);
    await hooks.show(current.scene, lesson().focus);
  }

  async function choose(i) {
    if (current.chosen >= 0) return;
    current.chosen = i;
    setPhase('run');
    await hooks.play(lesson().focus);
  }

  async function tryThis(i) {
    current.tried = i;
    current.scene = tryScene(lesson(), i);
    setPhase('run');
    await hooks.show(current.scene, lesson().focus);
    await hooks.play(lesson().focus);
  }

  function step(d) {
    const k = current.n + d;
    if (k >= 1 && k <= LESSONS.length) open(k);
  }

  return {
    open,
    step,
    /** The run of the current phase has played to its end. */
    played() {
      if (current.phase !== 'run') return;
      if (!progress.done.includes(current.n)) progress.done.push(current.n);
      saveProgress(progress);
      renderList();
      setPhase('explain');
    },
    /** The open lesson, or the last one opened (localStorage). */
    lastOpened: () => current.n || progress.last,
    relabel() {
      renderList();
      renderCard();
    },
    /**
     * Highlights the equation lines the lesson is about (their text starts with focus.eq).
     * Called after every redraw of the equation panel.
     */
    decorate(equations) {
      const focus = lesson()?.focus;
      if (!focus) return;
      for (const line of equations.querySelectorAll('.eq')) {
        line.classList.toggle('focus', line.textContent.trim().startsWith(focus.eq));
      }
    },
    /** Keyboard: up/down move between the choices (Enter chooses: they are buttons). */
    key(e) {
      const buttons = [...card.querySelectorAll('.lesson-choices button:not(:disabled)')];
      const at = buttons.indexOf(document.activeElement);
      if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
        if (!buttons.length) return false;
        const k = at < 0 ? 0 : (at + (e.key === 'ArrowDown' ? 1 : buttons.length - 1)) % buttons.length;
        buttons[k].focus();
        return true;
      }
      if (e.key === 'ArrowLeft' || e.key === 'ArrowRight') {
        step(e.key === 'ArrowLeft' ? -1 : 1);
        return true;
      }
      return false;
    },
  };
}
