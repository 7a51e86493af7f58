// The race's form: the optimizer entries, the presets and their note, the run settings
// (steps, noise, seed) checked as typed, a refused run shown where its field is, and the
// note on the parts of an opened link that were left out. What it holds is in state.

import { check } from './api.js';
import { firstProblem, newEntry, renderEntries, showProblem } from './controls.js';
import { problemText, t, words } from './i18n.js';
import { NEW_ENTRY, tunedLearningRate } from './presets.js';
import { info } from './racerun.js';
import { setStatus } from './status.js';
import { refusalText } from './refusals.js';
import { checkValue } from './validate.js';

const $ = (id) => document.getElementById(id);

/** The run settings, checked as typed; the ranges are the server's (GET /api/v1/limits). */
function settings(limits) {
  return {
    steps: { range: { min: 1, max: limits.runs.steps }, integer: true },
    noise: { range: { min: 0 } },
    seed: { range: { min: 0, max: limits.runs.seed }, integer: true },
  };
}

/** The form of the race over state (state.limits is in). */
// eslint-disable-next-line max-lines-per-function -- the form's closure (its handlers share state and each other); each function inside is checked on its own
export function createRaceForm(state) {
  const SETTINGS = settings(state.limits);
  function renderEntriesNow() {
    renderEntries($('entries'), state.entries, state.optimizers, {
      schedules: state.schedules,
      steps: () => Number($('steps').value) || state.steps,
      onChange() {
        state.preset = null;
        renderPresetNote();
        clearRunError();
      },
      onKind() {
        state.preset = null;
        renderPresetNote();
        clearRunError();
        renderEntriesNow();
      },
      onRemove(i) {
        state.entries.splice(i, 1);
        clearRunError();
        renderEntriesNow();
        // The keyboard stays in the list: the next entry's ✕ (the last one's), or its menu when alone.
        const box = $('entries').children[Math.min(i, state.entries.length - 1)];
        const remove = box.querySelector('button');
        (remove.disabled ? box.querySelector('select') : remove).focus();
      },
    });
  }

  /** The note under the preset buttons, in the current language. */
  function renderPresetNote() {
    let text = '';
    if (state.preset === 'tuned') {
      const changed = state.entries.map((e) => `${info(state, e.key).name} ${e.params.lr}`).join(', ');
      text = t('tunedNote', { fn: state.fn.name, list: changed });
    } else if (state.preset === 'defaults') text = t('defaultsNote');
    $('preset-note').textContent = text;
  }

  /**
   * 'defaults': every optimizer with the Keras defaults; 'tuned': the kinds `keys` (those of
   * the race now, unless named) with learning rates for the function.
   */
  function applyPreset(kind, keys = null) {
    state.preset = kind;
    const all = state.optimizers.map((o) => o.key);
    const current = [...new Set(state.entries.map((e) => e.key))];
    const chosen = kind === 'tuned' ? (keys || (current.length ? current : all)) : all;
    state.entries = chosen.filter((key) => info(state, key)).map((key) => newEntry(key,
      kind === 'tuned' ? { lr: tunedLearningRate(state.fn.name, key) } : {}));
    renderPresetNote();
    clearRunError();
    renderEntriesNow();
  }

  /*
   * Says which parts of an opened link were left out, and why: an optimizer in the server's
   * own words (GET /api/v1/check?optimizer=), any other part as a value the page cannot use.
   */
  async function reportIgnored(parts, opts) {
    const note = $('link-note');
    const lines = parts.map((part) => t('linkIgnored', { part, reason: t('linkBadValue') }));
    for (const text of opts) {
      let reason = t('linkBadValue');
      try {
        const r = await check('optimizer', text);
        if (r.ok && !r.body.valid) reason = r.body.error;
      } catch { /* the local reason stands */ }
      lines.push(t('linkIgnored', { part: `opt=${text}`, reason }));
    }
    note.textContent = lines.join(' ');
    note.hidden = lines.length === 0;
  }

  function clearRunError() {
    // An edit after a run: the paths on show are the old settings' until Run.
    document.body.dataset.changed = String(Boolean(state.run));
    $('run-error').textContent = '';
    if (state.phase !== 'error') return;
    const r = state.run;
    setStatus(state, r ? (r.finished ? 'done' : 'running') : 'ready');
  }

  /**
   * A run that did not happen: the message next to the field (already there for a local
   * problem), a summary under Run, the previous run dimmed and labelled, the URL untouched.
   */
  function refuse(summary) {
    $('run-error').textContent = summary;
    document.body.dataset.stale = state.run ? 'true' : 'false';
    setStatus(state, 'error', summary, true);
  }

  /**
   * The server refused the run: shown where the field is, like a problem found as typed,
   * worded from its code and values in the page's language (refusals.js), again after a
   * change of language.
   */
  function showRunError(body, status) {
    const e = body.code === 'bad_optimizer' ? state.entries[body.args.index] : null;
    if (e) {
      e.server = { param: null, get text() { return refusalText(body); } };
      renderEntriesNow();
      refuse(t('notRun', { where: info(state, e.key).name }));
      return;
    }
    const id = (body.field || '').replace(/\[.*$/, ''); // "starts[3]" -> "starts"
    if (SETTINGS[id]) {
      state.settingsServer[id] = body;
      checkSetting(id);
      refuse(t('notRun', { where: t(id) }));
      return;
    }
    refuse(refusalText(body) || `HTTP ${status}`);
  }

  /** Checks setting id as typed: its value into state, or its problem next to it. */
  function checkSetting(id) {
    const c = SETTINGS[id];
    const r = checkValue($(id).value, c.range, { integer: c.integer });
    const refused = state.settingsServer[id];
    const text = r.problem ? problemText(r.problem, t(id), id) : refused ? refusalText(refused) : '';
    showProblem($(id), $(`${id}-error`), text);
    return r;
  }

  function settingsProblem() {
    for (const id of Object.keys(SETTINGS)) {
      if (checkSetting(id).problem) return { id, text: $(`${id}-error`).textContent };
    }
    return null;
  }

  /**
   * Refuses a run the form already knows is wrong (true), with the focus on the first marked
   * field; else reads the settings into state and clears the server's marks (false).
   */
  function refuseLocally() {
    const local = firstProblem(state.entries, state.optimizers);
    const setting = settingsProblem();
    if (local || setting) {
      refuse(t('notRun', { where: local ? `${local.info.name}: ${words(local.h)}` : t(setting.id) }));
      const field = local ? $('entries').querySelector(`[data-entry="${local.i}"] [data-param="${local.h.name}"]`)
        : $(setting.id);
      if (field && document.activeElement !== field && !document.activeElement?.closest('#landscape')) field.focus();
      return true;
    }
    state.steps = Number($('steps').value);
    state.noise = Number($('noise').value);
    state.seed = Number($('seed').value);
    for (const e of state.entries) e.server = null;
    state.settingsServer = {};
    renderEntriesNow();
    $('run-error').textContent = '';
    return false;
  }

  /** Puts a link's settings in the fields ({steps, noise, seed}, each optional). */
  function showSettings(v) {
    if (v.steps) $('steps').value = v.steps;
    $('noise').value = v.noise || 0;
    $('seed').value = v.seed || 0;
  }

  /** Every text of the form again, in the current language. */
  function relabel() {
    renderEntriesNow();
    renderPresetNote();
    for (const id of Object.keys(SETTINGS)) {
      if ($(`${id}-error`).textContent) checkSetting(id);
    }
    if (state.phase === 'error' && $('run-error').textContent) {
      const local = firstProblem(state.entries, state.optimizers);
      if (local) $('run-error').textContent = t('notRun', { where: `${local.info.name}: ${words(local.h)}` });
    }
  }

  for (const id of Object.keys(SETTINGS)) {
    $(id).addEventListener('input', () => {
      delete state.settingsServer[id];
      checkSetting(id);
      clearRunError();
    });
  }
  $('add').addEventListener('click', () => {
    state.entries.push(newEntry(NEW_ENTRY));
    clearRunError();
    renderEntriesNow();
  });
  $('all-seven').addEventListener('click', () => applyPreset('defaults'));
  $('tuned').addEventListener('click', () => applyPreset('tuned'));

  return {
    renderEntries: renderEntriesNow, renderPresetNote, applyPreset, reportIgnored, refuseLocally,
    showRunError, showSettings, relabel,
  };
}
